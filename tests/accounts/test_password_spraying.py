"""Password spraying (accounts.spraying): a ceiling on the failed logins of one account across
addresses. From 10 failures in 24 hours the owner is mailed once, and each further attempt
from a browser that never logged in to the account waits, refused (429) before the password
is checked; the owner's own browser (its device cookie) is not slowed, and a new password by
the reset link clears the count."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessFailureLog
from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts import spraying
from tests.conftest import CommittingClient
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")
# Tuesday 10 March 2026, 10:00 in Paris.
START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
USERNAME = "claire.martin@asconit.example"
OWNER_ADDRESS = "192.0.2.200"


def slowed(wait: str) -> str:
    return (
        "Trop de tentatives de connexion à ce compte ont échoué. Pour le protéger, réessayez "
        f"dans {wait}, ou choisissez un nouveau mot de passe (« Mot de passe oublié ? »)."
    )


def address(n: int) -> str:
    return f"198.51.100.{n}"


def login(client, password, at, email=USERNAME):
    return client.post(LOGIN_URL, {"username": email, "password": password}, REMOTE_ADDR=at)


def spray(client, *, addresses=10, per_address=4, email=USERNAME) -> list[int]:
    """Wrong passwords on one account, a few from each of many addresses."""
    return [
        login(client, "mauvais-mot-de-passe", address(n), email).status_code
        for n in range(1, addresses + 1)
        for _ in range(per_address)
    ]


def logged_in_as(response, user) -> bool:
    """Whether the request of `response` logged `user` in (read on the request: the session
    itself has expired by the time the frozen clock is let go)."""
    return response.wsgi_request.session.get("_auth_user_id") == str(user.pk)


@pytest.fixture
def owners_browser(sme_user):
    """The owner's usual browser: it logged in to the account once, then out."""
    browser = CommittingClient()
    assert login(browser, TEST_PASSWORD, OWNER_ADDRESS).status_code == 302
    browser.post(reverse("accounts:logout"))
    return browser


# --- The settings and the delay ------------------------------------------------------------------


def test_the_default_settings():
    from pacte import settings as project_settings

    assert project_settings.AXES_ENABLE_ACCESS_FAILURE_LOG is True
    assert project_settings.LOGIN_ACCOUNT_FAILURE_LIMIT == 10
    assert project_settings.LOGIN_ACCOUNT_WINDOW == timedelta(hours=24)
    assert project_settings.LOGIN_ACCOUNT_MAX_DELAY == timedelta(minutes=15)


@pytest.mark.parametrize(
    ("failures", "minutes"),
    [(0, 0), (9, 0), (10, 1), (11, 2), (12, 4), (13, 8), (14, 15), (40, 15), (10_000, 15)],
)
def test_the_delay_doubles_with_each_failure_up_to_its_maximum(failures, minutes):
    assert spraying.delay(failures) == timedelta(minutes=minutes)


# --- The measured case ---------------------------------------------------------------------------


def test_forty_failures_from_ten_addresses_slow_down_an_eleventh(client, sme_user, mailoutbox):
    with time_machine.travel(START, tick=False):
        statuses = spray(client)

        response = login(client, TEST_PASSWORD, address(11))

    # Four from each address: axes' limit per address (5) is never reached.
    assert statuses == [200] * 10 + [429] * 30
    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == [slowed("1\xa0minute")]
    assert slowed("1\xa0minute").replace("'", "&#x27;") in response.content.decode()
    assert not logged_in_as(response, sme_user)
    # The refused attempts were not counted, the right password not even checked.
    assert AccessFailureLog.objects.filter(username=USERNAME).count() == 10


def test_the_owners_browser_logs_in_during_the_spraying(
    client, sme_user, owners_browser, mailoutbox
):
    with time_machine.travel(START, tick=False):
        spray(client)

        response = login(owners_browser, TEST_PASSWORD, address(11))

        assert response.status_code == 302
        assert logged_in_as(response, sme_user)


def test_the_owners_browser_keeps_axes_limit_per_address(client, sme_user, owners_browser):
    with time_machine.travel(START, tick=False):
        spray(client)
        statuses = [
            login(owners_browser, "mauvais-mot-de-passe", address(11)).status_code for _ in range(5)
        ]
        locked = login(owners_browser, TEST_PASSWORD, address(11))

    assert statuses == [200, 200, 200, 200, 429]
    assert "registration/locked_out.html" in [t.name for t in locked.templates]


def test_after_the_wait_one_attempt_is_checked_and_the_next_wait_doubles(client, sme_user):
    with time_machine.travel(START, tick=False) as clock:
        spray(client)
        clock.shift(timedelta(minutes=1, seconds=1))
        checked = login(client, "encore-faux", address(12))
        refused = login(client, TEST_PASSWORD, address(13))
        clock.shift(timedelta(minutes=2, seconds=1))
        after = login(client, TEST_PASSWORD, address(13))

    assert checked.status_code == 200
    assert checked.context["form"].non_field_errors() == [
        "Adresse e-mail ou mot de passe incorrect."
    ]
    assert refused.status_code == 429
    assert refused.context["form"].non_field_errors() == [slowed("2\xa0minutes")]
    assert after.status_code == 302
    assert logged_in_as(after, sme_user)


def test_the_wait_is_capped(client, sme_user):
    with time_machine.travel(START, tick=False) as clock:
        spray(client, addresses=5, per_address=2)
        # One more failure after each wait: 11, 12, 13, then 14 failures.
        for n, minutes in enumerate([1, 2, 4, 8]):
            clock.shift(timedelta(minutes=minutes, seconds=1))
            assert login(client, "encore-faux", address(20 + n)).status_code == 200

        response = login(client, TEST_PASSWORD, address(30))

    assert AccessFailureLog.objects.filter(username=USERNAME).count() == 14
    assert response.context["form"].non_field_errors() == [slowed("15\xa0minutes")]


def test_failures_older_than_the_window_do_not_count(client, sme_user):
    with time_machine.travel(START, tick=False) as clock:
        spray(client, addresses=3, per_address=3)
        clock.shift(timedelta(hours=24, seconds=1))
        spray(client, addresses=1, per_address=3)

        response = login(client, TEST_PASSWORD, address(11))

    assert response.status_code == 302


def test_another_account_is_not_slowed(client, sme_user, other_sme_user):
    with time_machine.travel(START, tick=False):
        spray(client)

        response = login(client, TEST_PASSWORD, address(11), email=other_sme_user.email)

    assert response.status_code == 302
    assert logged_in_as(response, other_sme_user)


def test_changing_the_case_of_the_address_does_not_escape(client, sme_user):
    with time_machine.travel(START, tick=False):
        spray(client)

        response = login(client, TEST_PASSWORD, address(11), email="Claire.MARTIN@asconit.example")

    assert response.status_code == 429


def test_an_unknown_account_is_slowed_as_well_and_nobody_is_mailed(client, mailoutbox):
    with time_machine.travel(START, tick=False):
        statuses = spray(client, email="personne@inconnue.example")

    assert statuses == [200] * 10 + [429] * 30
    assert mailoutbox == []


def test_the_admin_login_is_slowed_too(client, sme_user, admin_user):
    admin_user.set_password(TEST_PASSWORD)
    admin_user.save()
    with time_machine.travel(START, tick=False):
        spray(client, email=admin_user.email)

        response = client.post(
            reverse("admin:login"),
            {"username": admin_user.email, "password": TEST_PASSWORD},
            REMOTE_ADDR=address(11),
        )

    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == [slowed("1\xa0minute")]
    assert "_auth_user_id" not in client.session


# --- The device cookie ---------------------------------------------------------------------------


def test_a_login_sets_the_device_cookie(client, sme_user):
    response = login(client, TEST_PASSWORD, OWNER_ADDRESS)

    cookie = response.cookies["pacte_appareil"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] == ""  # development settings; DJANGO_SECURE_COOKIES in production
    assert cookie["max-age"] == 365 * 24 * 3600
    assert signing.loads(cookie.value, salt="accounts.spraying.device") == [sme_user.pk]


def test_the_device_cookie_is_secure_with_secure_cookies(client, sme_user, settings):
    settings.SESSION_COOKIE_SECURE = True

    response = login(client, TEST_PASSWORD, OWNER_ADDRESS)

    assert response.cookies["pacte_appareil"]["secure"] is True


def test_a_browser_remembers_the_accounts_it_logged_in_to(client, sme_user, other_sme_user):
    login(client, TEST_PASSWORD, OWNER_ADDRESS)
    client.post(reverse("accounts:logout"))

    response = login(client, TEST_PASSWORD, OWNER_ADDRESS, email=other_sme_user.email)

    value = response.cookies["pacte_appareil"].value
    assert signing.loads(value, salt="accounts.spraying.device") == [other_sme_user.pk, sme_user.pk]


def test_a_device_cookie_of_another_account_does_not_exempt(client, sme_user, other_sme_user):
    browser = CommittingClient()
    login(browser, TEST_PASSWORD, OWNER_ADDRESS, email=other_sme_user.email)
    browser.post(reverse("accounts:logout"))
    with time_machine.travel(START, tick=False):
        spray(client)

        response = login(browser, TEST_PASSWORD, address(11))

    assert response.status_code == 429


@pytest.mark.parametrize("forged", ["[1]", "x", ""])
def test_a_forged_device_cookie_does_not_exempt(client, sme_user, forged):
    with time_machine.travel(START, tick=False):
        spray(client)
        client.cookies["pacte_appareil"] = (
            signing.dumps([sme_user.pk], salt="autre-chose") if forged == "[1]" else forged
        )

        response = login(client, TEST_PASSWORD, address(11))

    assert response.status_code == 429


def test_a_device_cookie_older_than_a_year_does_not_exempt(client, sme_user):
    with time_machine.travel(START - timedelta(days=366), tick=False):
        value = signing.dumps([sme_user.pk], salt="accounts.spraying.device")
    with time_machine.travel(START, tick=False):
        spray(client)
        client.cookies["pacte_appareil"] = value

        response = login(client, TEST_PASSWORD, address(11))

    assert response.status_code == 429


# --- The mail to the owner -----------------------------------------------------------------------


def test_the_owner_gets_one_mail_with_the_counts_and_the_links(client, sme_user, mailoutbox):
    with time_machine.travel(START, tick=False) as clock:
        spray(client)
        # The episode goes on after the wait: no second mail.
        clock.shift(timedelta(minutes=1, seconds=1))
        login(client, "encore-faux", address(12))

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [USERNAME]
    assert mail.subject == "[Pacte PME] Des tentatives de connexion à votre compte ont échoué"
    site = settings.SITE_URL
    assert mail.body == (
        "Bonjour Claire,\n\n"
        "10 tentatives de connexion à votre compte sur le portail Pacte PME international ont "
        "échoué, avec un mauvais mot de passe. Elles venaient de 3 adresses IP différentes.\n\n"
        "Votre mot de passe a tenu : personne ne s'est connecté avec ces tentatives. Pour "
        "protéger votre compte, les prochaines tentatives depuis un navigateur où vous ne vous "
        "êtes jamais connecté(e) sont ralenties ; depuis vos navigateurs habituels, rien ne "
        "change.\n\n"
        "Si c'était vous, ignorez ce message. Sinon, quelqu'un essaie peut-être de deviner "
        "votre mot de passe : choisissez-en un nouveau, long, que vous n'utilisez nulle part "
        "ailleurs :\n\n"
        f"{site}/comptes/mot-de-passe/oublie/\n\n"
        "Pour vous connecter :\n\n"
        f"{site}/comptes/connexion/\n\n"
        "L'équipe Pacte PME international\n"
    )
    html = mail.alternatives[0][0]
    assert (
        f'<a href="{site}/comptes/mot-de-passe/oublie/">Choisir un nouveau mot de passe</a>' in html
    )
    assert f'<a href="{site}/comptes/connexion/">Se connecter</a>' in html


def test_the_mail_is_in_the_owners_language(client, sme_user, mailoutbox):
    sme_user.language = "en"
    sme_user.save()
    with time_machine.travel(START, tick=False):
        spray(client, addresses=1, per_address=4)
        spray(client, addresses=6, per_address=1)

    [mail] = mailoutbox
    assert mail.subject == "[Pacte PME] Failed attempts to log in to your account"
    assert (
        "10 attempts to log in to your account on the Pacte PME international portal failed, "
        "with a wrong password. They came from 6 different IP addresses.\n"
    ) in mail.body


def test_nothing_is_mailed_below_the_limit(client, sme_user, mailoutbox):
    with time_machine.travel(START, tick=False):
        statuses = spray(client, addresses=3, per_address=3)

    assert statuses == [200] * 9
    assert mailoutbox == []


# --- A new password ------------------------------------------------------------------------------


def test_a_new_password_by_the_reset_link_clears_the_count(client, sme_user, mailoutbox, link_in):
    with time_machine.travel(START, tick=False):
        spray(client)
        client.post(reverse("accounts:password_reset"), {"email": USERNAME})
        reset_mail = mailoutbox[-1]
        set_password_url = client.get(link_in(reset_mail), follow=True).redirect_chain[-1][0]
        new_password = "Nouveau-Hanoi-2026"
        client.post(
            set_password_url, {"new_password1": new_password, "new_password2": new_password}
        )

        response = login(client, new_password, address(11))

    assert response.status_code == 302
    assert logged_in_as(response, sme_user)
    # The records stay, for an investigation.
    assert AccessFailureLog.objects.filter(username=USERNAME).count() == 10


def test_after_a_new_password_a_new_episode_gets_its_own_mail(
    client, sme_user, mailoutbox, link_in
):
    with time_machine.travel(START, tick=False) as clock:
        spray(client)
        client.post(reverse("accounts:password_reset"), {"email": USERNAME})
        set_password_url = client.get(link_in(mailoutbox[-1]), follow=True).redirect_chain[-1][0]
        client.post(
            set_password_url,
            {"new_password1": "Nouveau-Hanoi-2026", "new_password2": "Nouveau-Hanoi-2026"},
        )
        clock.shift(timedelta(seconds=1))
        spray(client, addresses=5, per_address=2)

    subjects = [mail.subject for mail in mailoutbox]
    assert subjects == [
        "[Pacte PME] Des tentatives de connexion à votre compte ont échoué",
        "[Pacte PME] Réinitialisation de votre mot de passe",
        "[Pacte PME] Des tentatives de connexion à votre compte ont échoué",
    ]
