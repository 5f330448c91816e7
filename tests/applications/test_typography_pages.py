"""An application's page in French and in English typography: money, the long date with
"1er", and the account's language choosing which (core.typography)."""

from datetime import date

import pytest
from django.urls import reverse

from applications.enums import State

pytestmark = pytest.mark.django_db

NBSP = "\xa0"


@pytest.fixture
def hosted(application_in):
    return application_in(
        State.AWAITING_SPONSOR, hosting_budget=1200, hosting_start_date=date(2026, 9, 1)
    )


def test_the_page_in_french_writes_money_and_the_first_of_the_month_the_french_way(
    client, sme_user, hosted
):
    client.force_login(sme_user)

    page = client.get(hosted.get_absolute_url()).content.decode()

    assert f"budget 1{NBSP}200{NBSP}€ par mois" in page
    assert "à partir du 1er septembre 2026" in page


def test_the_page_in_english_after_the_switch_writes_them_the_english_way(client, sme_user, hosted):
    client.force_login(sme_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    page = client.get(hosted.get_absolute_url()).content.decode()

    assert "budget €1,200 per month" in page
    assert "from September 1, 2026" in page
    assert "1er" not in page
