"""Two-factor authentication: required for association staff and administrators before they
see anything, offered to everyone else; set-up with a QR code, the login's second step, the
recovery codes, turning it off.

These tests log in with a plain `django.test.Client`, whose `force_login` passes the password
only (the shared `client` fixture also passes the second factor, see tests/conftest.py).
"""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from applications.enums import State
from applications.models import ApplicationEvent
from tests.factories import (
    TEST_PASSWORD,
    StaffMembershipFactory,
    TOTPDeviceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")
STATUS_URL = reverse("accounts:two_factor")
SETUP_URL = reverse("accounts:two_factor_setup")
VERIFY_URL = reverse("accounts:two_factor_verify")
CODES_URL = reverse("accounts:two_factor_recovery_codes")
REGENERATE_URL = reverse("accounts:two_factor_regenerate_codes")
DISABLE_URL = reverse("accounts:two_factor_disable")

WRONG_CODE = (
    "Ce code n&#x27;est pas valide ou a déjà servi. Saisissez le code à 6 chiffres affiché "
    "en ce moment par votre application, ou l&#x27;un de vos codes de secours."
)
WRONG_SETUP_CODE = (
    "Ce code ne correspond pas. Saisissez les 6 chiffres affichés en ce moment par votre "
    "application (vérifiez que l&#x27;heure de votre téléphone est juste)."
)
THROTTLED_1_SECOND = (
    "Trop d&#x27;essais infructueux : par sécurité, patientez 1 seconde avant de saisir un "
    "nouveau code."
)


@pytest.fixture
def now(time_machine):
    """Frozen: a TOTP code is valid for its 30-second step, and a wrong code holds the
    device for one second (django-otp's throttling)."""
    time_machine.move_to(datetime(2026, 3, 10, 9, 0, 5, tzinfo=UTC), tick=False)
    return time_machine


@pytest.fixture
def plain():
    """A client whose force_login passes the password only."""
    return Client()


@pytest.fixture
def new_staff(db):
    """A member of the association who has not set up two-factor authentication yet."""
    return StaffMembershipFactory(user__email="nina.roux@pacte-pme.example").user


@pytest.fixture
def new_admin(db):
    """An administrator (Django's is_staff, not a superuser) without it either."""
    return UserFactory(email="ops@pacte-pme.example", is_staff=True)


@pytest.fixture
def new_superuser(db):
    return UserFactory(email="root@pacte-pme.example", is_staff=True, is_superuser=True)


def code_of(user) -> str:
    return two_factor.current_code(two_factor.confirmed_device(user))


def verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


# --- Required for staff and administrators -------------------------------------------------


def application_pages(application) -> list[str]:
    """The pages of one application, the staff queue, and the admin's pages of it (the
    middleware answers before any view: the document need not exist)."""
    return [
        reverse("home"),
        reverse("applications:staff_queue"),
        reverse("applications:detail", args=[application.pk]),
        reverse("applications:edit", args=[application.pk]),
        reverse("applications:document", args=[application.pk, 1]),
        reverse("notifications:list"),
        reverse("accounts:invitation_create"),
        STATUS_URL,
        CODES_URL,
        reverse("admin:index"),
        reverse("admin:applications_application_changelist"),
        reverse("admin:applications_application_change", args=[application.pk]),
    ]


@pytest.mark.parametrize("persona", ["new_staff", "new_admin", "new_superuser"])
def test_staff_and_admin_without_a_device_are_sent_to_set_up_from_every_page(
    plain, request, application_in, persona
):
    user = request.getfixturevalue(persona)
    application = application_in(State.IN_REVIEW)
    plain.force_login(user)

    for url in application_pages(application):
        response = plain.get(url)

        assert (response.status_code, response.url) == (302, with_next(SETUP_URL, url)), url
        assert response.content == b""
    page = plain.get(reverse("applications:detail", args=[application.pk]), follow=True)
    content = page.content.decode()
    assert page.redirect_chain == [
        (with_next(SETUP_URL, reverse("applications:detail", args=[application.pk])), 302)
    ]
    assert application.reference not in content
    assert application.company.legal_name not in content
    assert "la double authentification leur est obligatoire" in content


def test_staff_without_a_device_cannot_act_on_an_application(plain, new_staff, application_in):
    application = application_in(State.IN_REVIEW)
    owner = application.owner
    events = ApplicationEvent.objects.filter(application=application).count()
    colleague = StaffMembershipFactory().user
    plain.force_login(new_staff)

    response = plain.post(
        reverse("applications:assign_owner", args=[application.pk]), {"owner": colleague.pk}
    )

    assert (response.status_code, response.url) == (302, SETUP_URL)
    application.refresh_from_db()
    assert application.owner == owner
    assert ApplicationEvent.objects.filter(application=application).count() == events


@pytest.mark.parametrize("persona", ["staff_user", "admin_user"])
def test_staff_and_admin_with_a_device_but_no_code_are_sent_to_verification(
    plain, request, application_in, persona
):
    user = request.getfixturevalue(persona)
    application = application_in(State.IN_REVIEW)
    plain.force_login(user)

    for url in application_pages(application):
        response = plain.get(url)

        assert (response.status_code, response.url) == (302, with_next(VERIFY_URL, url)), url
    # Set-up too: a password alone never replaces the device.
    response = plain.get(SETUP_URL)
    assert (response.status_code, response.url) == (302, with_next(VERIFY_URL, SETUP_URL))
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_the_pages_of_the_step_itself_logout_and_language_stay_open(plain, new_staff):
    plain.force_login(new_staff)

    assert plain.get(SETUP_URL).status_code == 200
    assert plain.get(VERIFY_URL).url == with_next(SETUP_URL, reverse("home"))
    language = plain.post(reverse("set_language"), {"language": "en", "next": SETUP_URL})
    assert (language.status_code, language.url) == (302, SETUP_URL)
    logout = plain.post(reverse("accounts:logout"))
    assert (logout.status_code, logout.url) == (302, reverse("home"))
    assert "_auth_user_id" not in plain.session


def test_a_new_staff_member_sets_it_up_right_after_accepting_the_invitation(plain, make_invitation):
    invitation = make_invitation(role="staff")
    password = "Portage-Hanoi-2026"
    plain.post(invitation.get_absolute_url(), {"password1": password, "password2": password})

    response = plain.get(reverse("home"))

    assert (response.status_code, response.url) == (302, with_next(SETUP_URL, reverse("home")))


def test_the_shared_test_client_passes_the_personas_second_factor(client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("applications:staff_queue"))

    assert response.status_code == 200
    assert response.wsgi_request.user.is_verified() is True


# --- The login's second step ---------------------------------------------------------------


def test_login_with_a_device_asks_for_the_code_then_goes_where_it_was_going(
    plain, now, staff_user, application_in
):
    staff_user.language = "en"
    staff_user.save(update_fields=["language"])
    queue = reverse("applications:staff_queue")

    response = plain.post(
        f"{LOGIN_URL}?next={queue}",
        {"username": staff_user.email, "password": TEST_PASSWORD, "next": queue},
    )

    assert (response.status_code, response.url) == (302, with_next(VERIFY_URL, queue))
    assert response.cookies["django_language"].value == "en"
    assert plain.session["_auth_user_id"] == str(staff_user.pk)
    assert verified(plain) is False
    assert plain.get(queue).url == with_next(VERIFY_URL, queue)
    page = plain.get(with_next(VERIFY_URL, queue))
    assert page.status_code == 200
    assert f'name="next" value="{queue}"' in page.content.decode()

    response = plain.post(VERIFY_URL, {"code": code_of(staff_user), "next": queue})

    assert (response.status_code, response.url) == (302, queue)
    assert verified(plain) is True
    assert plain.get(queue).status_code == 200


def test_login_without_a_device_is_not_asked_for_a_code(plain, sme_user):
    response = plain.post(LOGIN_URL, {"username": sme_user.email, "password": TEST_PASSWORD})

    assert (response.status_code, response.url) == (302, reverse("home"))
    assert plain.get(reverse("applications:dashboard")).status_code == 200


def test_a_wrong_code_is_refused_in_french(plain, now, staff_user):
    plain.force_login(staff_user)

    response = plain.post(VERIFY_URL, {"code": "000000"})

    assert response.status_code == 200
    assert WRONG_CODE in response.content.decode()
    assert verified(plain) is False
    assert plain.get(reverse("applications:staff_queue")).status_code == 302


def test_a_code_already_used_is_refused(plain, now, staff_user):
    code = code_of(staff_user)
    plain.force_login(staff_user)
    assert plain.post(VERIFY_URL, {"code": code}).status_code == 302
    plain.logout()
    plain.force_login(staff_user)

    response = plain.post(VERIFY_URL, {"code": code})

    assert WRONG_CODE in response.content.decode()
    assert verified(plain) is False


def test_after_a_wrong_code_the_device_is_throttled_and_the_page_says_so(plain, now, staff_user):
    plain.force_login(staff_user)
    plain.post(VERIFY_URL, {"code": "000000"})

    throttled = plain.post(VERIFY_URL, {"code": code_of(staff_user)})

    assert THROTTLED_1_SECOND in throttled.content.decode()
    assert verified(plain) is False
    now.shift(timedelta(seconds=1))
    response = plain.post(VERIFY_URL, {"code": code_of(staff_user)})
    assert response.status_code == 302
    assert verified(plain) is True


def test_the_wait_doubles_with_each_failure(plain, now, staff_user):
    plain.force_login(staff_user)
    for wait in (1, 2):
        plain.post(VERIFY_URL, {"code": "000000"})
        now.shift(timedelta(seconds=wait))
    plain.post(VERIFY_URL, {"code": "000000"})

    response = plain.post(VERIFY_URL, {"code": code_of(staff_user)})

    assert "patientez 4 secondes avant" in response.content.decode()
    assert TOTPDevice.objects.get(user=staff_user).throttling_failure_count == 3
    assert verified(plain) is False


def test_next_outside_the_portal_is_not_followed(plain, now, staff_user):
    plain.force_login(staff_user)

    response = plain.post(
        VERIFY_URL, {"code": code_of(staff_user), "next": "https://evil.example/"}
    )

    assert response.url == reverse("home")


@pytest.mark.parametrize("next_url", ["12", "accounts:logout", "999999999999999999999999"])
def test_next_that_is_not_a_path_goes_home_rather_than_to_a_view_name(plain, sme_user, next_url):
    # `redirect` takes a bare word for a view's name: "12" was a NoReverseMatch, a 500.
    plain.force_login(sme_user)

    response = plain.get(VERIFY_URL, {"next": next_url})

    assert (response.status_code, response.url) == (302, reverse("home"))


# --- Recovery codes ------------------------------------------------------------------------


def test_a_recovery_code_works_once(plain, now, staff_user):
    codes = two_factor.new_recovery_codes(staff_user)
    plain.force_login(staff_user)

    response = plain.post(VERIFY_URL, {"code": codes[3].upper()}, follow=True)

    # Home sends staff on to their queue.
    assert response.redirect_chain == [
        (reverse("home"), 302),
        (reverse("applications:staff_queue"), 302),
    ]
    assert response.status_code == 200
    assert verified(plain) is True
    assert [str(m) for m in response.context["messages"]] == [
        "Vous avez utilisé un code de secours : il vous en reste 9. Vous pouvez en générer "
        "de nouveaux depuis « Sécurité du compte »."
    ]
    assert StaticToken.objects.filter(device__user=staff_user, token=codes[3]).exists() is False
    plain.logout()
    plain.force_login(staff_user)
    now.shift(timedelta(seconds=1))
    again = plain.post(VERIFY_URL, {"code": codes[3]})
    assert WRONG_CODE in again.content.decode()
    assert verified(plain) is False
    now.shift(timedelta(seconds=1))
    assert plain.post(VERIFY_URL, {"code": codes[4]}).status_code == 302


def test_regenerating_recovery_codes_replaces_them_and_shows_them_once(client, staff_user):
    old = set(two_factor.new_recovery_codes(staff_user))
    client.force_login(staff_user)

    response = client.post(REGENERATE_URL)

    assert (response.status_code, response.url) == (302, CODES_URL)
    page = client.get(CODES_URL).content.decode()
    shown = re.findall(r'<li class="col">([a-z2-7]{8})</li>', page)
    stored = set(
        StaticToken.objects.filter(device__user=staff_user).values_list("token", flat=True)
    )
    assert len(shown) == 10
    assert set(shown) == stored
    assert not stored & old
    assert "ils ne seront plus affichés" in page
    again = client.get(CODES_URL)
    assert (again.status_code, again.url) == (302, STATUS_URL)


def test_regenerating_needs_a_post_and_a_device(client, sme_user):
    client.force_login(sme_user)

    assert client.get(REGENERATE_URL).status_code == 405
    assert client.post(REGENERATE_URL).status_code == 403
    assert StaticDevice.objects.filter(user=sme_user).exists() is False


# --- Offered to everyone else --------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "page"),
    [
        ("sme_user", "applications:dashboard"),
        ("advisor", "applications:sponsor_queue"),
        ("interlocutor", "applications:interlocutor_queue"),
    ],
)
def test_other_roles_are_never_forced(plain, request, persona, page):
    plain.force_login(request.getfixturevalue(persona))

    assert plain.get(reverse(page)).status_code == 200
    status = plain.get(STATUS_URL)
    assert status.status_code == 200
    assert "Désactivée" in status.content.decode()


@pytest.mark.parametrize("persona", ["sme_user", "advisor", "interlocutor"])
def test_other_roles_can_set_it_up_and_are_then_asked_for_a_code_at_login(
    plain, now, request, persona
):
    user = request.getfixturevalue(persona)
    plain.force_login(user)
    page = plain.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    assert two_factor.secret_of(device) in page.content.decode()

    response = plain.post(SETUP_URL, {"code": two_factor.current_code(device)})

    assert (response.status_code, response.url) == (302, CODES_URL)
    device.refresh_from_db()
    assert device.confirmed is True
    assert verified(plain) is True
    assert StaticToken.objects.filter(device__user=user).count() == 10
    codes = plain.get(CODES_URL)
    assert len(re.findall(r'<li class="col">[a-z2-7]{8}</li>', codes.content.decode())) == 10
    plain.post(reverse("accounts:logout"))
    login = plain.post(LOGIN_URL, {"username": user.email, "password": TEST_PASSWORD})
    assert login.url == with_next(VERIFY_URL, reverse("home"))
    # Not forced to set it up, but held to it once set up: the password alone is not enough.
    assert plain.get(STATUS_URL).url == with_next(VERIFY_URL, STATUS_URL)


def test_set_up_with_a_wrong_code_keeps_the_same_secret(plain, now, new_staff):
    plain.force_login(new_staff)
    first = plain.get(SETUP_URL).content.decode()
    device = TOTPDevice.objects.get(user=new_staff)

    response = plain.post(SETUP_URL, {"code": "123456"})

    content = response.content.decode()
    assert response.status_code == 200
    assert WRONG_SETUP_CODE in content
    assert 'value="123456"' in content
    assert two_factor.secret_of(device) in content
    assert two_factor.qr_code_svg(device) in first
    assert two_factor.qr_code_svg(device) in content
    device.refresh_from_db()
    assert device.confirmed is False
    assert verified(plain) is False
    now.shift(timedelta(seconds=1))
    assert plain.post(SETUP_URL, {"code": two_factor.current_code(device)}).url == CODES_URL
    assert plain.get(reverse("applications:staff_queue")).status_code == 200


def test_set_up_refuses_a_code_that_is_not_six_digits(plain, new_staff):
    plain.force_login(new_staff)
    plain.get(SETUP_URL)

    response = plain.post(SETUP_URL, {"code": "abcdefgh"})

    assert WRONG_SETUP_CODE in response.content.decode()
    assert TOTPDevice.objects.get(user=new_staff).throttling_failure_count == 0


def test_set_up_page_shows_a_qr_code_without_style_or_script(plain, new_staff):
    plain.force_login(new_staff)

    content = plain.get(SETUP_URL).content.decode()

    device = TOTPDevice.objects.get(user=new_staff)
    svg = re.search(r'data-testid="qr-code">(<svg .*?</svg>)</div>', content, re.S).group(1)
    assert svg.startswith('<svg width="')
    assert "<path" in svg
    assert "style" not in svg.lower()
    assert "<script" not in svg.lower()
    assert " style=" not in content
    assert re.findall(r"<script[^>]*>", content) == [
        '<script src="/static/vendor/bootstrap/js/bootstrap.bundle.min.js">',
        '<script src="/static/js/picker.js">',  # the searchable lists (every page)
        '<script src="/static/js/forms.js">',  # the error summary's focus (every page)
    ]
    assert device.config_url.startswith(
        "otpauth://totp/Pacte%20PME%20international%3Anina.roux%40pacte-pme.example?secret="
    )
    assert device.config_url.endswith("&issuer=Pacte%20PME%20international")
    assert "« Pacte PME international »" in content


def test_changing_phone_replaces_the_device_after_a_code(client, now, staff_user):
    old = two_factor.confirmed_device(staff_user)
    client.force_login(staff_user)
    assert "l'ancien ne donnera plus de codes valables" in client.get(SETUP_URL).content.decode()
    new = TOTPDevice.objects.get(user=staff_user, confirmed=False)

    client.post(SETUP_URL, {"code": two_factor.current_code(new)})

    assert list(TOTPDevice.objects.filter(user=staff_user)) == [new]
    assert TOTPDevice.objects.filter(pk=old.pk).exists() is False
    assert client.get(reverse("applications:staff_queue")).status_code == 200


# --- Status and turning off ----------------------------------------------------------------


def test_status_page_says_when_it_was_set_up_and_how_many_codes_remain(client, staff_user):
    TOTPDevice.objects.filter(user=staff_user).update(
        created_at=datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
    )
    two_factor.new_recovery_codes(staff_user)
    StaticToken.objects.filter(device__user=staff_user).first().delete()
    client.force_login(staff_user)

    content = client.get(STATUS_URL).content.decode()

    assert "Sécurité du compte : double authentification" in content
    assert "Activée" in content
    assert "depuis le 5 janvier 2026 à 15:30" in content
    assert "Il vous reste 9 codes de secours." in content
    assert "elle ne peut pas être désactivée" in content
    assert DISABLE_URL not in content


def test_turning_off_requires_a_current_code(client, now, sme_user):
    device = TOTPDeviceFactory(user=sme_user)
    two_factor.new_recovery_codes(sme_user)
    client.force_login(sme_user)
    assert DISABLE_URL in client.get(STATUS_URL).content.decode()

    wrong = client.post(DISABLE_URL, {"code": "000000"})

    assert WRONG_CODE in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=sme_user).count() == 1
    now.shift(timedelta(seconds=1))
    response = client.post(DISABLE_URL, {"code": two_factor.current_code(device)}, follow=True)
    assert response.redirect_chain == [(STATUS_URL, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "La double authentification est désactivée."
    ]
    assert TOTPDevice.objects.filter(user=sme_user).exists() is False
    assert StaticDevice.objects.filter(user=sme_user).exists() is False
    assert client.get(reverse("applications:dashboard")).status_code == 200


@pytest.mark.parametrize("persona", ["staff_user", "admin_user"])
def test_turning_off_is_refused_to_staff_and_admin(client, now, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    response = client.post(DISABLE_URL, {"code": code_of(user)})

    assert response.status_code == 403
    assert client.get(DISABLE_URL).status_code == 403
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
