"""The error pages (pacte/views.py, templates/4xx.html, 500.html): in French, or in English
for whoever chose it, in the portal's layout with a way back, with the right status, under the
strict CSP; the 500 page without the database. With DEBUG off, as in production."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import get_resolver, include, path, reverse
from django.utils import translation
from django_ratelimit.exceptions import Ratelimited

from tests.accounts.test_headers import inline_code_in

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("Something broke.")


# The portal's URLs and one that fails, for the 500 page through the whole stack.
urlpatterns = [path("panne/", broken_view), path("", include("pacte.urls"))]
handler400 = "pacte.views.bad_request"
handler403 = "pacte.views.permission_denied"
handler404 = "pacte.views.page_not_found"


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page_of(response) -> str:
    content = response.content.decode()
    assert inline_code_in(content) == []
    return content


def test_404_in_french_with_the_way_home_and_the_login(client):
    response = client.get("/nulle-part/", headers={"referer": "http://testserver/programme/"})

    page = page_of(response)
    assert response.status_code == 404
    assert "<title>Page introuvable · Pacte PME</title>" in page
    assert "Erreur 404" in page
    assert """href="/" data-testid="home">Aller à l'accueil</a>""" in page
    assert 'href="http://testserver/programme/" data-testid="back">' in page
    assert "Revenir à la page précédente" in page
    assert 'href="/comptes/connexion/?next=/nulle-part/" data-testid="login"' in page
    assert 'data-testid="current-user"' not in page


def test_404_in_english_for_a_logged_in_user_with_the_navigation(client, sme_user):
    client.force_login(sme_user)

    response = english(client).get("/nulle-part/")

    page = page_of(response)
    assert response.status_code == 404
    assert "<title>Page not found · Pacte PME</title>" in page
    assert "Go to the home page" in page
    assert "claire.martin@asconit.example" in page  # the navigation bar, as on every page
    assert 'data-testid="login"' not in page


def test_a_referer_from_another_site_is_no_way_back(client):
    response = client.get("/nulle-part/", headers={"referer": "https://evil.example/"})

    assert 'data-testid="back"' not in page_of(response)


def test_403_says_the_account_may_not(client, sme_user):
    client.force_login(sme_user)

    french = client.get(reverse("applications:staff_queue"))
    in_english = english(client).get(reverse("applications:staff_queue"))

    assert (french.status_code, in_english.status_code) == (403, 403)
    assert "<title>Accès refusé · Pacte PME</title>" in page_of(french)
    assert "Votre compte ne permet pas d'ouvrir cette page" in page_of(french)
    assert "<title>Access denied · Pacte PME</title>" in page_of(in_english)


def test_400_for_a_malformed_query_string(client):
    french = client.get("/programme/?q=%00")
    in_english = english(Client()).get("/programme/?q=%FF")

    assert (french.status_code, in_english.status_code) == (400, 400)
    assert "<title>Requête incorrecte · Pacte PME</title>" in page_of(french)
    assert "<title>Bad request · Pacte PME</title>" in page_of(in_english)


def test_405_is_the_page_with_its_allow_header(client, sme_user):
    client.force_login(sme_user)
    url = reverse("notifications:mark_all_read")

    french = client.get(url)
    in_english = english(client).get(url)

    assert (french.status_code, french["Allow"]) == (405, "POST")
    assert "<title>Action impossible ainsi · Pacte PME</title>" in page_of(french)
    assert 'data-testid="home"' in page_of(french)
    assert (in_english.status_code, in_english["Allow"]) == (405, "POST")
    assert "<title>Not possible this way · Pacte PME</title>" in page_of(in_english)


def test_429_for_a_rate_limit_refused_by_django_ratelimit(rf, anonymous_user):
    request = rf.get("/programme/")
    request.user = anonymous_user
    permission_denied = get_resolver().resolve_error_handler(403)

    with translation.override("fr"):
        french = permission_denied(request, Ratelimited())
    with translation.override("en"):
        in_english = permission_denied(request, Ratelimited())

    assert (french.status_code, in_english.status_code) == (429, 429)
    assert "<title>Trop de demandes · Pacte PME</title>" in page_of(french)
    assert "<title>Too many requests · Pacte PME</title>" in page_of(in_english)


def test_the_csrf_failure_page_offers_to_reload_the_form(sme_user):
    client = Client(enforce_csrf_checks=True)
    url = reverse("accounts:login")

    french = client.post(url, {"username": sme_user.email, "password": "x"})
    in_english = english(Client(enforce_csrf_checks=True)).post(url, {"username": "x"})

    assert (french.status_code, in_english.status_code) == (403, 403)
    page = page_of(french)
    assert "<title>Formulaire expiré · Pacte PME</title>" in page
    assert 'href="/comptes/connexion/" data-testid="back">' in page
    assert "Recharger le formulaire" in page
    assert "<title>Form expired · Pacte PME</title>" in page_of(in_english)
    assert "Reload the form" in page_of(in_english)


def test_rendering_the_500_page_asks_nothing_of_the_database(rf, django_assert_num_queries):
    handler = get_resolver().resolve_error_handler(500)

    with django_assert_num_queries(0):
        with translation.override("fr"):
            french = handler(rf.get("/"))
        with translation.override("en"):
            in_english = handler(rf.get("/"))

    assert (french.status_code, in_english.status_code) == (500, 500)
    page = page_of(french)
    assert "<title>Erreur du serveur · Pacte PME</title>" in page
    assert """href="/" data-testid="home">Aller à l'accueil</a>""" in page
    assert "<title>Server error · Pacte PME</title>" in page_of(in_english)


@pytest.mark.urls("tests.test_error_pages")
def test_a_failing_page_is_the_500_page_in_the_persons_language(client, sme_user):
    client.force_login(sme_user)
    client.raise_request_exception = False

    response = english(client).get("/panne/")

    assert response.status_code == 500
    page = page_of(response)
    assert "<title>Server error · Pacte PME</title>" in page
    assert "Go to the home page" in page
