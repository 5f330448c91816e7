"""SME sign-up: the form, the verification mail, its one-time link and asking for a new one."""

import re

import pytest
from django.urls import reverse

from accounts.models import User
from tests.conftest import CommittingClient

pytestmark = pytest.mark.django_db

SIGNUP_URL = reverse("accounts:signup")
PASSWORD = "Hanoi-2007-bureaux"


def signup_data(**overrides):
    return {
        "first_name": "Claire",
        "last_name": "Martin",
        "email": "Claire.Martin@Asconit.example",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


def test_signup_creates_inactive_user_and_mails_link(client, mailoutbox, link_in):
    response = client.post(SIGNUP_URL, signup_data())

    assert response.status_code == 302
    assert response.url == reverse("accounts:signup_done")
    user = User.objects.get()
    assert user.email == "claire.martin@asconit.example"
    assert (user.first_name, user.last_name) == ("Claire", "Martin")
    assert user.is_active is False
    assert user.language == "fr"
    assert user.check_password(PASSWORD)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["claire.martin@asconit.example"]
    assert mail.subject == "[Pacte PME] Vérifiez votre adresse e-mail"
    assert mail.body.startswith("Bonjour Claire,\n")
    assert link_in(mail).startswith("/comptes/verification/")
    assert "_auth_user_id" not in client.session


def test_signup_done_page_names_the_address(client):
    response = client.post(SIGNUP_URL, signup_data(), follow=True)

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "accounts/signup_done.html"
    assert "<strong>claire.martin@asconit.example</strong>" in response.content.decode()


def test_signup_link_activates_logs_in_and_works_once(client, mailoutbox, link_in):
    client.post(SIGNUP_URL, signup_data())
    link = link_in(mailoutbox[0])

    page = client.get(link)
    confirm = client.post(link)

    assert page.status_code == 200
    assert page.templates[0].name == "accounts/verify_email_confirm.html"
    assert confirm.status_code == 302
    assert confirm.url == reverse("companies:create")
    user = User.objects.get()
    assert user.is_active is True
    assert client.session["_auth_user_id"] == str(user.pk)
    assert confirm.cookies["django_language"].value == "fr"
    messages = [str(m) for m in confirm.wsgi_request._messages]
    assert messages == [
        "Votre adresse e-mail est vérifiée. Bienvenue ! Présentez maintenant votre entreprise."
    ]

    client.logout()
    reused = client.get(link)
    reused_post = client.post(link)

    assert reused.status_code == 200
    assert reused.templates[0].name == "accounts/verify_email_invalid.html"
    assert reused_post.templates[0].name == "accounts/verify_email_invalid.html"
    assert "Ce lien de vérification ne fonctionne plus" in reused.content.decode()


def test_signup_link_opened_without_confirming_does_not_activate(client, mailoutbox, link_in):
    client.post(SIGNUP_URL, signup_data())

    client.get(link_in(mailoutbox[0]))

    assert User.objects.get().is_active is False
    assert "_auth_user_id" not in client.session


def test_signup_link_with_wrong_token_is_refused(client, mailoutbox, link_in):
    client.post(SIGNUP_URL, signup_data())
    link = link_in(mailoutbox[0])
    broken = link.rstrip("/").rsplit("/", 1)[0] + "/abc-123/"

    response = client.post(broken)

    assert response.templates[0].name == "accounts/verify_email_invalid.html"
    assert User.objects.get().is_active is False


def test_signup_link_with_unknown_user_is_refused(client):
    response = client.get(reverse("accounts:verify_email", args=["zzzz", "abc-123"]))

    assert response.status_code == 200
    assert response.templates[0].name == "accounts/verify_email_invalid.html"


def test_signup_link_does_not_reactivate_a_deactivated_account(client, mailoutbox, link_in):
    client.post(SIGNUP_URL, signup_data())
    link = link_in(mailoutbox[0])
    user = User.objects.get()
    user.is_active = True
    user.save()
    client.force_login(user)
    client.logout()
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = client.post(link)

    assert response.templates[0].name == "accounts/verify_email_invalid.html"
    assert User.objects.get().is_active is False


ATTEMPT_SUBJECT = "[Pacte PME] Tentative d'inscription avec votre adresse e-mail"


def attempt_body(site_url: str) -> str:
    return (
        "Bonjour Claire,\n\n"
        "Quelqu'un vient de demander la création d'un compte sur le portail Pacte PME "
        "international avec votre adresse e-mail, qui y a déjà un compte. Aucun compte n'a "
        "été créé et le vôtre reste inchangé.\n\n"
        "Si c'était vous, connectez-vous :\n\n"
        f"{site_url}/comptes/connexion/\n\n"
        "Mot de passe oublié ? Choisissez-en un nouveau :\n\n"
        f"{site_url}/comptes/mot-de-passe/oublie/\n\n"
        "Si ce n'était pas vous, vous n'avez rien à faire.\n\n"
        "L'équipe Pacte PME international\n"
    )


def without_tokens(page: str) -> str:
    """A page without what differs on every request anyway: CSRF tokens, CSP nonces."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'nonce="[^"]+"', "", page)


def test_signup_with_a_taken_address_answers_as_for_a_new_one(client, sme_user):
    """Nothing in the answer tells whether the address has an account: the same redirect,
    the same page and the same session as for a new address."""
    new_client = CommittingClient()
    new = new_client.post(SIGNUP_URL, signup_data(email="Nina.Roux@Asconit.example"))
    taken = client.post(SIGNUP_URL, signup_data(email="CLAIRE.martin@asconit.example"))

    assert (taken.status_code, taken.url) == (new.status_code, new.url)
    assert taken.url == reverse("accounts:signup_done")
    assert set(client.session.keys()) == set(new_client.session.keys()) == {"signup_email"}
    assert client.session["signup_email"] == "claire.martin@asconit.example"
    new_page = without_tokens(new_client.get(new.url).content.decode())
    taken_page = without_tokens(client.get(taken.url).content.decode())
    assert "<strong>claire.martin@asconit.example</strong>" in taken_page
    assert taken_page.replace("claire.martin", "nina.roux") == new_page


def test_signup_with_a_taken_address_mails_its_owner_the_login_and_reset_links(
    client, sme_user, mailoutbox, settings
):
    client.post(SIGNUP_URL, signup_data(email="CLAIRE.martin@asconit.example", first_name="X"))

    assert User.objects.count() == 1
    sme_user.refresh_from_db()
    assert sme_user.first_name == "Claire"
    assert sme_user.check_password(PASSWORD) is False
    assert [mail.to for mail in mailoutbox] == [["claire.martin@asconit.example"]]
    mail = mailoutbox[0]
    assert mail.subject == ATTEMPT_SUBJECT
    assert mail.body == attempt_body(settings.SITE_URL)
    html = mail.alternatives[0][0]
    assert f'<a href="{settings.SITE_URL}/comptes/connexion/">Se connecter</a>' in html
    assert (
        f'<a href="{settings.SITE_URL}/comptes/mot-de-passe/oublie/">'
        "Choisir un nouveau mot de passe</a>"
    ) in html


def test_signup_with_a_taken_address_mails_its_owner_in_their_language(
    client, sme_user, mailoutbox
):
    User.objects.filter(pk=sme_user.pk).update(language="en")

    client.post(SIGNUP_URL, signup_data())

    [mail] = mailoutbox
    assert mail.subject == "[Pacte PME] Sign-up attempt with your email address"
    assert mail.body.startswith(
        "Hello Claire,\n\nSomeone has just asked to create an account on the Pacte PME "
        "international portal with your email address, which already has an account there."
    )
    assert "If it was not you, there is nothing to do." in mail.body


def test_signup_with_an_address_awaiting_verification_mails_a_fresh_link(
    client, mailoutbox, link_in
):
    """The account stays as first signed up (names, password): whoever typed the address
    again gets nothing from it; the address's owner gets a new verification link."""
    client.post(SIGNUP_URL, signup_data())
    client.post(
        SIGNUP_URL,
        signup_data(first_name="Intrus", password1="Autre-2026-mdp", password2="Autre-2026-mdp"),
    )

    user = User.objects.get()
    assert user.first_name == "Claire"
    assert user.check_password(PASSWORD)
    assert user.check_password("Autre-2026-mdp") is False
    assert [mail.subject for mail in mailoutbox] == [
        "[Pacte PME] Vérifiez votre adresse e-mail",
        "[Pacte PME] Vérifiez votre adresse e-mail",
    ]
    client.post(link_in(mailoutbox[1]))
    assert User.objects.get().is_active is True


def test_signup_with_a_deactivated_address_sends_nothing(client, sme_user, mailoutbox):
    sme_user.last_login = sme_user.date_joined
    sme_user.is_active = False
    sme_user.save()

    response = client.post(SIGNUP_URL, signup_data())

    assert response.url == reverse("accounts:signup_done")
    assert User.objects.count() == 1
    assert mailoutbox == []


def test_signup_of_the_same_address_at_once_answers_as_for_a_new_one(
    client, mailoutbox, monkeypatch
):
    """Two sign-ups of one new address at the same moment: the second finds the address free,
    then the database refuses its row; it answers as for a taken address."""
    monkeypatch.setattr("accounts.services._account_at", lambda email: None)
    client.post(SIGNUP_URL, signup_data())

    response = client.post(SIGNUP_URL, signup_data())

    assert response.url == reverse("accounts:signup_done")
    assert User.objects.count() == 1
    assert len(mailoutbox) == 2


def test_signup_weak_password_is_refused_and_keeps_the_names(client, mailoutbox):
    response = client.post(SIGNUP_URL, signup_data(password1="12345678", password2="12345678"))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["password2"]
    assert [e.code for e in form.errors.as_data()["password2"]] == [
        "password_too_short",
        "password_too_common",
        "password_entirely_numeric",
    ]
    content = response.content.decode()
    assert 'value="Claire"' in content
    assert 'value="Martin"' in content
    assert 'value="Claire.Martin@Asconit.example"' in content
    assert User.objects.count() == 0
    assert mailoutbox == []


def test_signup_password_similar_to_the_name_is_refused(client):
    response = client.post(
        SIGNUP_URL,
        signup_data(password1="claire.martin.asconit", password2="claire.martin.asconit"),
    )

    codes = [e.code for e in response.context["form"].errors.as_data()["password2"]]
    assert codes == ["password_too_similar"]


def test_signup_password_mismatch_is_refused(client):
    response = client.post(SIGNUP_URL, signup_data(password2="autre-chose-2026"))

    assert response.context["form"].errors == {
        "password2": ["Les deux mots de passe ne correspondent pas."]
    }


def test_signup_names_are_required(client):
    response = client.post(SIGNUP_URL, signup_data(first_name="", last_name=""))

    assert sorted(response.context["form"].errors) == ["first_name", "last_name"]
    assert User.objects.count() == 0


def test_signup_page_redirects_a_logged_in_user(client, sme_user):
    client.force_login(sme_user)

    response = client.get(SIGNUP_URL)

    assert response.status_code == 302
    assert response.url == reverse("home")


RESEND_URL = reverse("accounts:resend_verification")
RESEND_MESSAGE = (
    "Si un compte en attente de vérification correspond à cette adresse, un nouveau lien "
    "vient de lui être envoyé."
)


def test_resend_verification_mails_a_new_working_link(client, mailoutbox, link_in):
    client.post(SIGNUP_URL, signup_data())

    response = client.post(RESEND_URL, {"email": "claire.martin@ASCONIT.example"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [RESEND_MESSAGE]
    assert len(mailoutbox) == 2
    client.post(link_in(mailoutbox[1]))
    assert User.objects.get().is_active is True


@pytest.mark.parametrize("email", ["personne@inconnu.example", "claire.martin@asconit.example"])
def test_resend_verification_answers_the_same_and_sends_nothing(
    client, sme_user, mailoutbox, email
):
    """Unknown address, or an account already active: same answer, no mail."""
    response = client.post(RESEND_URL, {"email": email})

    assert response.status_code == 302
    assert response.url == reverse("accounts:signup_done")
    assert [str(m) for m in response.wsgi_request._messages] == [RESEND_MESSAGE]
    assert mailoutbox == []


def test_resend_verification_page_shows_the_form(client):
    response = client.get(RESEND_URL)

    assert response.status_code == 200
    assert response.templates[0].name == "accounts/resend_verification.html"
