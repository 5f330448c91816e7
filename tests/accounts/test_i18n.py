"""The interface in English, once the English translations exist."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db

ENGLISH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.mo"


@pytest.mark.skipif(not ENGLISH.exists(), reason="no compiled English translations yet")
def test_setlang_switches_the_login_page_to_english(client):
    login_url = reverse("accounts:login")
    with translation.override("en"):
        expected = gettext("Mot de passe oublié ?")
    assert expected != "Mot de passe oublié ?"

    response = client.post(reverse("set_language"), {"language": "en", "next": login_url})
    page = client.get(login_url)

    assert response.status_code == 302
    assert response.url == login_url
    assert '<html lang="en">' in page.content.decode()
    assert expected in page.content.decode()
    assert "Mot de passe oublié ?" not in page.content.decode()
