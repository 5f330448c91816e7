"""Brute force (django-axes): five failed logins lock a username from an address for 15
minutes, with a page that says what to do; staff lift a lockout from their page."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import lockouts
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")
LIST_URL = reverse("accounts:lockout_list")
UNLOCK_URL = reverse("accounts:lockout_unlock")
ADDRESS = "127.0.0.1"
OTHER_ADDRESS = "203.0.113.7"
# Tuesday 10 March 2026, 10:00 in Paris.
START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
LOCKED_TEXT = (
    "Trop de tentatives de connexion ont échoué pour ce compte depuis votre adresse. Pour le "
    "protéger, la connexion est suspendue pendant 15 minutes."
)


def login(client, email, password, address=ADDRESS):
    return client.post(LOGIN_URL, {"username": email, "password": password}, REMOTE_ADDR=address)


def fail(client, email, times, address=ADDRESS):
    return [login(client, email, "mauvais-mot-de-passe", address).status_code for _ in range(times)]


def logged_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


# --- The lockout -------------------------------------------------------------------------------


def test_five_failures_lock_out_even_the_right_password(client, sme_user):
    statuses = fail(client, sme_user.email, 5)

    response = login(client, sme_user.email, TEST_PASSWORD)

    # The fifth failure already answers with the lockout page.
    assert statuses == [200, 200, 200, 200, 429]
    assert response.status_code == 429
    content = response.content.decode()
    # django-axes puts its page in place of the login form's (rendered first): no form left.
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert "<form" not in content.split("<main", 1)[1].split("</main>", 1)[0]
    assert LOCKED_TEXT in content
    assert f'href="{reverse("accounts:password_reset")}"' in content
    assert not logged_in_as(client, sme_user)


def test_four_failures_still_show_the_form_with_its_message(client, sme_user):
    fail(client, sme_user.email, 3)

    response = login(client, sme_user.email, "mauvais-mot-de-passe")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Adresse e-mail ou mot de passe incorrect."
    ]


def test_the_same_username_from_another_address_is_not_locked(client, sme_user):
    fail(client, sme_user.email, 5)

    response = login(client, sme_user.email, TEST_PASSWORD, address=OTHER_ADDRESS)

    assert response.status_code == 302
    assert logged_in_as(client, sme_user)


def test_another_username_from_the_same_address_is_not_locked(client, sme_user, other_sme_user):
    fail(client, sme_user.email, 5)

    response = login(client, other_sme_user.email, TEST_PASSWORD)

    assert response.status_code == 302
    assert logged_in_as(client, other_sme_user)


def test_changing_the_case_of_the_address_buys_no_attempts(client, sme_user):
    spellings = [
        "claire.martin@asconit.example",
        "Claire.Martin@asconit.example",
        "CLAIRE.MARTIN@ASCONIT.EXAMPLE",
        "Claire.martin@Asconit.example",
        "claire.MARTIN@asconit.EXAMPLE",
    ]

    statuses = [login(client, email, "mauvais-mot-de-passe").status_code for email in spellings]

    assert statuses == [200, 200, 200, 200, 429]
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [
        ("claire.martin@asconit.example", 5)
    ]


def test_the_lockout_ends_fifteen_minutes_after_the_last_attempt(client, sme_user):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, sme_user.email, 5)
        clock.shift(timedelta(minutes=15, seconds=1))

        response = login(client, sme_user.email, TEST_PASSWORD)

        assert response.status_code == 302
        assert logged_in_as(client, sme_user)


def test_an_attempt_during_the_lockout_starts_the_fifteen_minutes_again(client, sme_user):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, sme_user.email, 5)
        clock.shift(timedelta(minutes=14))
        during = login(client, sme_user.email, TEST_PASSWORD)
        clock.shift(timedelta(minutes=14))
        still = login(client, sme_user.email, TEST_PASSWORD)
        clock.shift(timedelta(minutes=15, seconds=1))
        after = login(client, sme_user.email, TEST_PASSWORD)

        assert (during.status_code, still.status_code, after.status_code) == (429, 429, 302)
        assert logged_in_as(client, sme_user)


def test_a_success_before_the_limit_resets_the_count(client, sme_user):
    fail(client, sme_user.email, 4)

    success = login(client, sme_user.email, TEST_PASSWORD)
    assert success.status_code == 302
    assert AccessAttempt.objects.count() == 0
    client.post(reverse("accounts:logout"))

    assert fail(client, sme_user.email, 5) == [200, 200, 200, 200, 429]


def test_a_new_password_by_the_reset_link_lifts_the_lockout(client, sme_user, mailoutbox, link_in):
    fail(client, sme_user.email, 5)
    fail(client, sme_user.email, 5, address=OTHER_ADDRESS)
    client.post(reverse("accounts:password_reset"), {"email": sme_user.email})
    # Ten failures on the account: its owner was told first (test_password_spraying.py).
    assert [mail.subject for mail in mailoutbox] == [
        "[Pacte PME] Des tentatives de connexion à votre compte ont échoué",
        "[Pacte PME] Réinitialisation de votre mot de passe",
    ]
    set_password_url = client.get(link_in(mailoutbox[1]), follow=True).redirect_chain[-1][0]
    new_password = "Nouveau-Hanoi-2026"

    client.post(set_password_url, {"new_password1": new_password, "new_password2": new_password})
    response = login(client, sme_user.email, new_password)

    assert response.status_code == 302
    assert logged_in_as(client, sme_user)
    assert AccessAttempt.objects.count() == 0


def test_the_admin_login_is_locked_too(client, admin_user):
    for _ in range(5):
        response = client.post(
            reverse("admin:login"),
            {"username": admin_user.email, "password": "mauvais-mot-de-passe"},
        )

    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()


# --- The staff's page ----------------------------------------------------------------------


def test_staff_see_the_current_lockouts(client, staff_user, sme_user, other_sme_user):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, sme_user.email, 5)
        clock.shift(timedelta(minutes=2))
        fail(client, other_sme_user.email, 6, address=OTHER_ADDRESS)
        fail(client, "personne@inconnue.example", 4)  # not locked yet
        client.force_login(staff_user)

        response = client.get(LIST_URL)

    assert response.status_code == 200
    assert response.context["lockouts"] == [
        lockouts.Lockout(
            username="yann.le-goff@hydro-conseil.example",
            ip_address=OTHER_ADDRESS,
            failures=6,
            last_failure=START + timedelta(minutes=2),
            until=START + timedelta(minutes=17),
        ),
        lockouts.Lockout(
            username="claire.martin@asconit.example",
            ip_address=ADDRESS,
            failures=5,
            last_failure=START,
            until=START + timedelta(minutes=15),
        ),
    ]
    content = response.content.decode()
    assert "<td>claire.martin@asconit.example</td>" in content
    assert f"<td><code>{ADDRESS}</code></td>" in content
    assert "<td>10/03/2026 10:00</td>" in content  # Paris time
    assert "<td>10:15</td>" in content
    assert content.count(">Débloquer</button>") == 2
    assert "personne@inconnue.example" not in content


def test_a_lockout_past_its_cool_off_is_not_listed(client, staff_user, sme_user):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, sme_user.email, 5)
        clock.shift(timedelta(minutes=15, seconds=1))
        client.force_login(staff_user)

        response = client.get(LIST_URL)

    assert response.context["lockouts"] == []
    assert "Aucune connexion n'est verrouillée en ce moment." in response.content.decode()


def test_staff_unlock_a_username_and_address(client, staff_user, sme_user, other_sme_user):
    fail(client, sme_user.email, 5)
    fail(client, sme_user.email, 5, address=OTHER_ADDRESS)
    fail(client, other_sme_user.email, 5)
    client.force_login(staff_user)

    response = client.post(
        UNLOCK_URL, {"username": "claire.martin@asconit.example", "ip_address": ADDRESS}
    )

    assert response.status_code == 302
    assert response.url == LIST_URL
    assert [str(m) for m in response.wsgi_request._messages] == [
        "La connexion de claire.martin@asconit.example depuis l'adresse 127.0.0.1 est débloquée."
    ]
    # Only that pair: the same person from the other address, and the other person, stay.
    assert sorted(AccessAttempt.objects.values_list("username", "ip_address")) == [
        ("claire.martin@asconit.example", OTHER_ADDRESS),
        ("yann.le-goff@hydro-conseil.example", ADDRESS),
    ]
    client.logout()
    assert login(client, sme_user.email, TEST_PASSWORD).status_code == 302


def test_unlocking_a_lockout_already_lifted_says_so(client, staff_user):
    client.force_login(staff_user)

    response = client.post(
        UNLOCK_URL, {"username": "claire.martin@asconit.example", "ip_address": ADDRESS}
    )

    assert response.status_code == 302
    assert response.url == LIST_URL
    assert [str(m) for m in response.wsgi_request._messages] == ["Ce verrouillage était déjà levé."]


def test_unlock_with_a_malformed_address_changes_nothing(client, staff_user, sme_user):
    fail(client, sme_user.email, 5)
    client.force_login(staff_user)

    response = client.post(
        UNLOCK_URL, {"username": "claire.martin@asconit.example", "ip_address": "pas une IP"}
    )

    assert response.status_code == 302
    assert AccessAttempt.objects.count() == 1


def test_the_unlock_page_takes_only_a_post(client, staff_user):
    client.force_login(staff_user)

    assert client.get(UNLOCK_URL).status_code == 405


@pytest.mark.parametrize("persona", ["sme_user", "advisor", "interlocutor"])
def test_others_may_neither_see_nor_unlock(client, request, sme_user, persona):
    fail(client, sme_user.email, 5)
    client.force_login(request.getfixturevalue(persona))

    page = client.get(LIST_URL)
    unlock = client.post(
        UNLOCK_URL, {"username": "claire.martin@asconit.example", "ip_address": ADDRESS}
    )

    assert (page.status_code, unlock.status_code) == (403, 403)
    assert AccessAttempt.objects.count() == 1


def test_anonymous_users_are_sent_to_the_login_page(client, sme_user):
    fail(client, sme_user.email, 5)

    page = client.get(LIST_URL)
    unlock = client.post(
        UNLOCK_URL, {"username": "claire.martin@asconit.example", "ip_address": ADDRESS}
    )

    assert page.url == f"{LOGIN_URL}?next={LIST_URL}"
    assert unlock.url == f"{LOGIN_URL}?next={UNLOCK_URL}"
    assert AccessAttempt.objects.count() == 1


def test_administrators_see_and_unlock_too(client, admin_user, sme_user):
    fail(client, sme_user.email, 5)
    client.force_login(admin_user)

    page = client.get(LIST_URL)
    unlock = client.post(
        UNLOCK_URL, {"username": "claire.martin@asconit.example", "ip_address": ADDRESS}
    )

    assert page.status_code == 200
    assert len(page.context["lockouts"]) == 1
    assert unlock.status_code == 302
    assert AccessAttempt.objects.count() == 0


def test_the_list_page_queries_do_not_grow_with_the_lockouts(client, staff_user):
    client.force_login(staff_user)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST_URL)
        assert response.status_code == 200
        return len(queries)

    AccessAttempt.objects.create(
        username="a@example.com", ip_address=ADDRESS, user_agent="x", failures_since_start=5
    )
    one = count_queries()
    for index in range(2, 6):
        AccessAttempt.objects.create(
            username=f"user{index}@example.com",
            ip_address=ADDRESS,
            user_agent="x",
            failures_since_start=5,
        )
    many = count_queries()

    assert many == one


# --- Django's admin ------------------------------------------------------------------------


def test_administrators_delete_attempts_in_the_admin(client, admin_user, sme_user):
    fail(client, sme_user.email, 5)
    attempt = AccessAttempt.objects.get()
    client.force_login(admin_user)

    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    deleted = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )

    assert listing.status_code == 200
    assert "claire.martin@asconit.example" in listing.content.decode()
    assert deleted.status_code == 302
    assert AccessAttempt.objects.count() == 0
    client.logout()
    assert login(client, sme_user.email, TEST_PASSWORD).status_code == 302
