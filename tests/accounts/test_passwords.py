"""Passwords: hashed with Argon2, older hashes upgraded at login, at least 12 characters and
not a common one, and long passphrases (spaces, accents) welcome wherever one is chosen."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from accounts.models import Invitation, User
from pacte import settings as project_settings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP_URL = reverse("accounts:signup")
LOGIN_URL = reverse("accounts:login")
# 85 characters, with spaces, accents and punctuation.
PASSPHRASE = "Le portage à Hanoï : trois bureaux chez Alstom, deux VIE, et un café crème à 8 h 30 !"
TOO_SHORT = "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."


@pytest.fixture
def project_hashers(settings):
    """The project's hashers (Argon2 first), in place of the fast MD5 of the other tests."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def signup_data(password: str, **overrides) -> dict:
    return {
        "first_name": "Claire",
        "last_name": "Martin",
        "email": "claire.martin@asconit.example",
        "password1": password,
        "password2": password,
        **overrides,
    }


def test_project_hashes_new_passwords_with_argon2_first():
    assert project_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_a_new_password_is_hashed_with_argon2(client, project_hashers):
    response = client.post(SIGNUP_URL, signup_data("Hanoi-2007-bureaux"))

    assert response.status_code == 302
    user = User.objects.get()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("Hanoi-2007-bureaux")


def test_an_old_pbkdf2_hash_is_upgraded_to_argon2_at_login(client, project_hashers):
    user = UserFactory(email="ancien.compte@asconit.example")
    User.objects.filter(pk=user.pk).update(
        password=make_password("Ancien-mot-de-passe-2019", hasher="pbkdf2_sha256")
    )
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")

    response = client.post(
        LOGIN_URL, {"username": user.email, "password": "Ancien-mot-de-passe-2019"}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("Ancien-mot-de-passe-2019")


def test_a_failed_login_leaves_the_old_hash_alone(client, project_hashers):
    old_hash = make_password("Ancien-mot-de-passe-2019", hasher="pbkdf2_sha256")
    user = UserFactory(email="ancien.compte@asconit.example")
    User.objects.filter(pk=user.pk).update(password=old_hash)

    client.post(LOGIN_URL, {"username": user.email, "password": "Autre-mot-de-passe-2019"})

    user.refresh_from_db()
    assert user.password == old_hash


def test_eleven_characters_are_refused_at_signup_with_what_was_typed_kept(client, mailoutbox):
    response = client.post(SIGNUP_URL, signup_data("Hanoi-2007b"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"password2": [TOO_SHORT]}
    content = response.content.decode()
    assert TOO_SHORT in content
    assert 'value="Claire"' in content
    assert 'value="Martin"' in content
    assert 'value="claire.martin@asconit.example"' in content
    assert User.objects.count() == 0
    assert mailoutbox == []


def test_twelve_characters_are_enough(client):
    response = client.post(SIGNUP_URL, signup_data("Hanoi-2007bx"))

    assert response.status_code == 302
    assert User.objects.get().check_password("Hanoi-2007bx")


def test_a_common_password_is_refused_at_signup(client):
    response = client.post(SIGNUP_URL, signup_data("password1234"))

    assert response.status_code == 200
    assert response.context["form"].errors == {"password2": ["Ce mot de passe est trop courant."]}
    assert User.objects.count() == 0


def test_a_long_passphrase_is_accepted_at_signup(client):
    assert len(PASSPHRASE) >= 80

    response = client.post(SIGNUP_URL, signup_data(PASSPHRASE))

    assert response.status_code == 302
    assert User.objects.get().check_password(PASSPHRASE)


def test_a_long_passphrase_is_accepted_by_the_password_reset_and_logs_in(
    client, project_hashers, mailoutbox, link_in
):
    user = UserFactory(email="claire.martin@asconit.example")
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    set_password_url = client.get(link_in(mailoutbox[0]), follow=True).redirect_chain[-1][0]

    response = client.post(
        set_password_url, {"new_password1": PASSPHRASE, "new_password2": PASSPHRASE}
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSPHRASE)
    # The login form keeps the spaces too.
    login = client.post(LOGIN_URL, {"username": user.email, "password": PASSPHRASE})
    assert login.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_eleven_characters_are_refused_by_the_password_reset(client, mailoutbox, link_in):
    user = UserFactory(email="claire.martin@asconit.example")
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    set_password_url = client.get(link_in(mailoutbox[0]), follow=True).redirect_chain[-1][0]

    response = client.post(
        set_password_url, {"new_password1": "Hanoi-2007b", "new_password2": "Hanoi-2007b"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"new_password2": [TOO_SHORT]}


def test_a_long_passphrase_is_accepted_when_accepting_an_invitation(client, staff_user):
    invitation = Invitation.objects.create(
        email="nina.roux@pacte-pme.example",
        first_name="Nina",
        last_name="Roux",
        role="staff",
        invited_by=staff_user,
    )

    response = client.post(
        invitation.get_absolute_url(), {"password1": PASSPHRASE, "password2": PASSPHRASE}
    )

    assert response.status_code == 302
    assert User.objects.get(email="nina.roux@pacte-pme.example").check_password(PASSPHRASE)


def test_eleven_characters_are_refused_when_accepting_an_invitation(client, staff_user):
    invitation = Invitation.objects.create(
        email="nina.roux@pacte-pme.example",
        first_name="Nina",
        last_name="Roux",
        role="staff",
        invited_by=staff_user,
    )

    response = client.post(
        invitation.get_absolute_url(), {"password1": "Hanoi-2007b", "password2": "Hanoi-2007b"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"password2": [TOO_SHORT]}
    assert not User.objects.filter(email="nina.roux@pacte-pme.example").exists()
