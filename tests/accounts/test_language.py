"""The language as a setting of the account: chosen on "Mon compte" or with the switch at the
foot of every page, kept through the login, and followed by the mails and notifications."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User
from applications import services
from applications.enums import State
from notifications.models import Notification
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT_URL = reverse("accounts:account")
LOGIN_URL = reverse("accounts:login")
LOGOUT_URL = reverse("accounts:logout")
SET_LANGUAGE_URL = reverse("set_language")


def language_of(user: User) -> str:
    return User.objects.values_list("language", flat=True).get(pk=user.pk)


def switch(client, language: str, next_url: str = "/"):
    return client.post(SET_LANGUAGE_URL, {"language": language, "next": next_url})


# --- The account page --------------------------------------------------------------------


def test_the_account_page_shows_the_stored_language_checked(client, sme_user):
    client.force_login(sme_user)

    page = client.get(ACCOUNT_URL).content.decode()

    assert 'name="language" value="fr"  id="id_language_0" required checked>' in page
    assert 'name="language" value="en"  id="id_language_1" required>' in page
    assert "Français" in page
    assert "English" in page
    assert "Langue du portail, des e-mails et des notifications" in page
    assert "claire.martin@asconit.example" in page


def test_choosing_english_on_the_account_page_stores_it_and_answers_in_english(client, sme_user):
    client.force_login(sme_user)

    response = client.post(ACCOUNT_URL, {"language": "en"}, follow=True)

    assert language_of(sme_user) == "en"
    assert response.redirect_chain == [(ACCOUNT_URL, 302)]
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Your settings are saved." in page
    assert "Language of the portal, your emails and your notifications" in page


def test_an_unknown_language_is_refused_with_a_message(client, sme_user):
    client.force_login(sme_user)

    response = client.post(ACCOUNT_URL, {"language": "de"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "language": ["Sélectionnez un choix valide. de n’en fait pas partie."]
    }
    assert language_of(sme_user) == "fr"


def test_no_language_chosen_is_refused_in_french(client, sme_user):
    client.force_login(sme_user)

    response = client.post(ACCOUNT_URL, {})

    assert response.context["form"].errors == {"language": ["Choisissez une langue."]}
    assert language_of(sme_user) == "fr"


def test_the_account_page_asks_for_a_login(client):
    response = client.get(ACCOUNT_URL)

    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next={ACCOUNT_URL}"


def test_the_account_menu_links_to_the_account_page(client, sme_user):
    client.force_login(sme_user)

    page = client.get(reverse("accounts:sessions")).content.decode()

    assert f'href="{ACCOUNT_URL}"' in page


# --- The switch at the foot of the page ----------------------------------------------------


def test_the_switch_while_logged_in_stores_the_choice_on_the_account(client, sme_user):
    client.force_login(sme_user)

    response = switch(client, "en", ACCOUNT_URL)

    assert (response.status_code, response.url) == (302, ACCOUNT_URL)
    assert language_of(sme_user) == "en"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_the_switch_to_an_unknown_language_changes_nothing(client, sme_user):
    client.force_login(sme_user)

    switch(client, "de")

    assert language_of(sme_user) == "fr"


def test_english_chosen_before_login_is_kept_and_stored_on_the_account(client, sme_user):
    switch(client, "en", LOGIN_URL)

    response = client.post(LOGIN_URL, {"username": sme_user.email, "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert language_of(sme_user) == "en"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get(ACCOUNT_URL).content.decode()


def test_without_a_choice_before_login_the_accounts_language_applies(client):
    user = UserFactory(email="john.smith@example.com", language="en")
    # French from the browser's headers is no choice: the account's English wins.
    response = client.post(
        LOGIN_URL,
        {"username": user.email, "password": TEST_PASSWORD},
        headers={"accept-language": "fr"},
    )

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert language_of(user) == "en"


def test_the_choice_before_a_login_is_not_passed_on_to_the_next_person(client, sme_user):
    other = UserFactory(email="paul.durand@example.com", language="fr")
    switch(client, "en", LOGIN_URL)
    client.post(LOGIN_URL, {"username": sme_user.email, "password": TEST_PASSWORD})
    client.post(LOGOUT_URL)

    response = client.post(LOGIN_URL, {"username": other.email, "password": TEST_PASSWORD})

    assert language_of(sme_user) == "en"
    assert language_of(other) == "fr"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


# --- Mails and notifications follow it ----------------------------------------------------


def test_after_switching_to_english_the_notification_and_the_mail_are_in_english(
    client,
    sme_user,
    application_in,
    advisor,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    application = application_in(State.AWAITING_SPONSOR, target_city="Hanoi")
    client.force_login(sme_user)
    switch(client, "en")

    with django_capture_on_commit_callbacks(execute=True):
        services.endorse(application.pk, advisor)

    headline = (
        "The application from Asconit Consultants (Hanoi, Vietnam) has been sponsored and is "
        "now under review."
    )
    notification = Notification.objects.get(user=sme_user)
    assert notification.title == headline
    [mail] = [message for message in mailoutbox if message.to == [sme_user.email]]
    assert mail.subject == f"[Pacte PME] {application.reference} – Under review"
    assert headline in mail.body.splitlines()
    assert mail.body.startswith("Hello Claire,")
    # The staff, who kept French, are written to in French.
    staff_mail = next(message for message in mailoutbox if message.to != [sme_user.email])
    assert "est parrainée et entre en instruction." in staff_mail.body
