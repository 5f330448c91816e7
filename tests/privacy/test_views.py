"""The pages of privacy: one's data, and the public page on what is kept and for how long."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

RETENTION_URL = reverse("privacy:retention")


def test_the_retention_page_is_public(client):
    response = client.get(RETENTION_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="h3">Vos données et leur durée de conservation</h1>' in page
    assert f'href="{reverse("accounts:login")}?next={reverse("privacy:overview")}"' in page


def test_the_retention_page_states_the_default_durations(client):
    page = client.get(RETENTION_URL).content.decode()

    for text in (
        "Un brouillon que personne n'a modifié depuis 182 jours (environ 6 mois)",
        "s'il n'est toujours pas modifié 30 jours après ce rappel, il est supprimé",
        "puis 1095 jours (environ 3 ans) après sa clôture",
        "Une session se ferme après 120 minutes sans activité, et au plus tard 12 heures",
        "après 5 échecs de suite, la connexion est bloquée 15 minutes",
        '<td data-label="Combien de temps">180 jours.</td>',
        "365 jours, lues ou non",
        "La trace de chaque envoi (sa nature, la demande ou la personne concernée, sa date) est "
        "gardée 90 jours.",
        "Une invitation non acceptée est supprimée au bout de 14 jours",
        "7 jours après la demande d'export, puis supprimés.",
        'href="mailto:donnees-personnelles@pacte-pme.example"',
    ):
        assert text in page, text


def test_the_retention_page_reads_the_settings(client, settings):
    settings.DRAFT_REMINDER_DAYS = 90
    settings.DRAFT_DELETION_DAYS = 15
    settings.CLOSED_RETENTION_DAYS = 730
    settings.LOGIN_RECORD_RETENTION_DAYS = 30
    settings.NOTIFICATION_RETENTION_DAYS = 60
    settings.MAIL_RECORD_RETENTION_DAYS = 7
    settings.EXPORT_RETENTION_DAYS = 3
    settings.PRIVACY_CONTACT_EMAIL = "dpo@example.org"

    page = client.get(RETENTION_URL).content.decode()

    for text in (
        "depuis 90 jours (environ 3 mois)",
        "pas modifié 15 jours après ce rappel",
        "puis 730 jours (environ 2 ans) après sa clôture",
        '<td data-label="Combien de temps">30 jours.</td>',
        "60 jours, lues ou non",
        "gardée 7 jours.",
        "3 jours après la demande d'export",
        'href="mailto:dpo@example.org"',
    ):
        assert text in page, text
    assert "182 jours" not in page
    assert "1095 jours" not in page


def test_my_data_page_offers_the_download_and_the_deletion(client, sme_user):
    client.force_login(sme_user)

    page = client.get(reverse("privacy:overview")).content.decode()

    assert f'href="{reverse("privacy:export")}"' in page
    assert f'href="{reverse("privacy:delete_account")}"' in page
    assert f'href="{RETENTION_URL}"' in page


@pytest.mark.parametrize("name", ["overview", "export", "delete_account"])
def test_my_data_pages_need_a_login(client, name):
    url = reverse(f"privacy:{name}")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"
