"""Login with the email address, logout, password reset, and the user's language."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")
LOGOUT_URL = reverse("accounts:logout")


def test_login_with_email_redirects_home(client, sme_user):
    response = client.post(
        LOGIN_URL, {"username": "Claire.Martin@asconit.example", "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(sme_user.pk)


def test_login_follows_next(client, sme_user):
    # With a second factor, the verification page follows it: tests/accounts/test_two_factor.py.
    next_url = reverse("notifications:list")

    response = client.post(
        f"{LOGIN_URL}?next={next_url}",
        {"username": sme_user.email, "password": TEST_PASSWORD, "next": next_url},
    )

    assert response.url == next_url


def test_login_activates_the_users_language(client):
    user = UserFactory(email="john.smith@example.com", language="en")

    response = client.post(LOGIN_URL, {"username": user.email, "password": TEST_PASSWORD})

    assert response.cookies["django_language"].value == "en"
    page = client.get(reverse("accounts:signup"))
    assert page.wsgi_request.LANGUAGE_CODE == "en"


def test_login_with_wrong_password_is_refused(client, sme_user):
    response = client.post(LOGIN_URL, {"username": sme_user.email, "password": "mauvais"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Adresse e-mail ou mot de passe incorrect."
    ]
    assert "_auth_user_id" not in client.session


def test_login_of_an_unverified_account_says_to_check_the_mail(client):
    UserFactory(email="nouveau@pme.example", is_active=False, last_login=None)

    response = client.post(
        LOGIN_URL, {"username": "nouveau@pme.example", "password": TEST_PASSWORD}
    )

    assert response.context["form"].non_field_errors() == [
        "Votre adresse e-mail n'est pas encore vérifiée. Cliquez sur le lien de l'e-mail que "
        "nous vous avons envoyé à l'inscription, ou demandez un nouveau lien."
    ]
    assert reverse("accounts:resend_verification") in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_of_an_unverified_account_with_wrong_password_says_nothing_more(client):
    UserFactory(email="nouveau@pme.example", is_active=False)

    response = client.post(LOGIN_URL, {"username": "nouveau@pme.example", "password": "x"})

    assert response.context["form"].non_field_errors() == [
        "Adresse e-mail ou mot de passe incorrect."
    ]


def test_login_of_a_deactivated_account_is_refused(client, sme_user):
    """An account that was used, then deactivated by an administrator."""
    User.objects.filter(pk=sme_user.pk).update(is_active=False, last_login=timezone.now())

    response = client.post(LOGIN_URL, {"username": sme_user.email, "password": TEST_PASSWORD})

    assert response.context["form"].non_field_errors() == [
        "Ce compte est désactivé. Contactez l'équipe Pacte PME."
    ]


def test_login_page_renders(client):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    assert response.templates[0].name == "registration/login.html"


def test_logout_is_post_only(client, sme_user):
    client.force_login(sme_user)

    response = client.get(LOGOUT_URL)

    assert response.status_code == 405
    assert client.session["_auth_user_id"] == str(sme_user.pk)


def test_logout_logs_out_and_redirects_home(client, sme_user):
    client.force_login(sme_user)

    response = client.post(LOGOUT_URL)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert "_auth_user_id" not in client.session
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Vous êtes déconnecté(e). À bientôt !"
    ]


def test_password_reset_mails_a_link_that_sets_a_new_password(
    client, sme_user, mailoutbox, link_in
):
    response = client.post(reverse("accounts:password_reset"), {"email": sme_user.email})

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["claire.martin@asconit.example"]
    assert mail.subject == "[Pacte PME] Réinitialisation de votre mot de passe"
    assert mail.body.startswith("Bonjour Claire,\n")
    link = link_in(mail)
    assert link.startswith("/comptes/mot-de-passe/nouveau/")

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    new_password = "Nouveau-Hanoi-2026"
    done = client.post(
        set_password_url, {"new_password1": new_password, "new_password2": new_password}
    )

    assert done.status_code == 302
    assert done.url == reverse("accounts:password_reset_complete")
    sme_user.refresh_from_db()
    assert sme_user.check_password(new_password)
    assert client.get(link, follow=True).context["validlink"] is False


def test_password_reset_of_an_unknown_address_sends_nothing(client, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mailoutbox == []


@pytest.mark.parametrize(
    "name",
    ["accounts:password_reset", "accounts:password_reset_done", "accounts:password_reset_complete"],
)
def test_password_reset_pages_render(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert response.templates[0].name.startswith("registration/password_reset_")
