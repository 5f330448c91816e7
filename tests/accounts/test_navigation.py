"""The navigation bar: each role's links in each language, whatever was shown before. Its
static parts are cached per process (the "fragments" cache) by role and language: one
person's page never shows another role's links or another language."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGE = reverse("notifications:list")

# A link only each persona's bar shows, in French and in English.
OWN_LINK = {
    "sme_user": ("Mes demandes", "My applications"),
    "advisor": ("Demandes à parrainer", "Applications to sponsor"),
    "staff_user": ("Comptes verrouillés", "Locked accounts"),
}


def bar_of(client, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<nav") : html.index("</nav>")]


def test_each_role_sees_its_own_links_in_its_language_in_turn(client, request):
    for language, index in (("fr", 0), ("en", 1), ("fr", 0)):
        for persona, links in OWN_LINK.items():
            client.force_login(request.getfixturevalue(persona))
            bar = bar_of(client, language)

            assert links[index] in bar
            others = {own[index] for name, own in OWN_LINK.items() if name != persona}
            assert not any(link in bar for link in others), (persona, language)


def test_the_anonymous_bar_follows_the_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "Se connecter" in client.get(reverse("home")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("home")).content.decode()
    assert "Se connecter" not in html
    assert "Log in" in html
