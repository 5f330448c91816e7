"""The story that started the programme, on the demo data: for Asconit Consultants (environmental
engineering, NAF 71) going to Hanoi with two desks, Alstom's Hanoi interlocutor comes first."""

from io import StringIO

import pytest
from django.core.management import call_command

from applications.models import Application
from applications.ranking import ranking_for
from corporations.models import HostingOffer, Interlocutor

pytestmark = pytest.mark.django_db


@pytest.fixture
def asconit_application():
    call_command("seed_demo", stdout=StringIO())
    return Application.objects.get(
        company__legal_name="Asconit Consultants", target_country="VN", target_city="Hanoi"
    )


def test_demo_asconit_ranking_puts_alstom_hanoi_first(asconit_application):
    alstom_vietnam = Interlocutor.objects.get(user__email="correspondant@demo.pacte-pme.fr")
    alstom_hanoi_offer = HostingOffer.objects.get(
        corporation__name="Alstom", country="VN", city="Hanoi"
    )

    ranking = ranking_for(asconit_application)

    first = ranking.available[0]
    assert (first.candidate.id, first.candidate.corporation) == (alstom_vietnam.pk, "Alstom")
    assert first.offer_id == alstom_hanoi_offer.pk
    assert first.nearby is False
    assert {"Présent à Hanoi.", "Même métier sur place (NAF 71)."} <= set(first.reasons)
    assert ranking.nearby_only is False
