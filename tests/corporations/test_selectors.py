"""The matching loader on the database: the facts it hands the engine, in a fixed number of
queries whatever the number of corporations present."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications import services
from applications.enums import Action, State
from applications.models import Application
from applications.ranking import need_of, ranking_for
from corporations.matching import Candidate, Need, Offer, Place
from corporations.models import Absence, HostingOffer
from corporations.selectors import load_candidates
from tests.factories import (
    ApplicationFactory,
    HostingOfferFactory,
    InterlocutorFactory,
    MemberCorporationFactory,
    PresenceFactory,
    UserFactory,
    perform,
    sector,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)
VIETNAM_NEED = Need(
    country="VN",
    city="Hanoi",
    subregion="035",
    division="71",
    section="M",
    wants_hosting=True,
    desks=2,
    vie=0,
    on=TODAY,
)
# The interlocutors (with their record, the sectors they follow, their absence and whether
# they declined), their corporations' presences (with the SME's trade) and hosting offers; the
# application read with its company's sector and section (a plain `get` adds three for
# `need_of`: the company, its sector, the section).
RANKING_QUERIES = 3


def test_need_of_reads_the_application_and_the_company_sector(application_in):
    application = application_in(State.IN_REVIEW, hosting_vie_count=1)

    assert need_of(application, on=TODAY) == replace(VIETNAM_NEED, vie=1)


def test_need_of_company_classified_by_a_section_has_no_division(company, sme_user):
    company.sector = sector("M")
    company.save()
    application = ApplicationFactory(company=company, created_by=sme_user, wants_hosting=False)

    need = need_of(application, on=TODAY)

    assert (need.division, need.section, need.wants_hosting) == ("", "M", False)


@pytest.fixture
def alstom_world(alstom, interlocutor, other_interlocutor):
    """Alstom in Hanoi (71, the fixture), Hô Chi Minh-Ville (section M and 30), Bangkok (42)
    and Paris; its offers; a second interlocutor, absent; two who must not be loaded."""
    PresenceFactory(
        corporation=alstom,
        country="VN",
        city="Hô Chi Minh-Ville",
        sectors=[sector("M"), sector("30")],
    )
    PresenceFactory(corporation=alstom, country="TH", city="Bangkok", sectors=[sector("42")])
    PresenceFactory(corporation=alstom, country="FR", city="Paris", sectors=[sector("71")])
    hanoi = HostingOfferFactory(corporation=alstom, city="Hanoi", desks=4)
    HostingOffer.objects.filter(pk=hanoi.pk).update(reserved_desks=1)
    saigon = HostingOfferFactory(
        corporation=alstom, city="Hô Chi Minh-Ville", desks=2, vie_accepted=False
    )
    HostingOfferFactory(corporation=alstom, country="TH", city="Bangkok", desks=6)
    absent = InterlocutorFactory(
        corporation=alstom,
        countries=[],
        sectors=[sector("M"), sector("42")],
        capacity=2,
        user__first_name="Inès",
        user__last_name="Nguyen",
    )
    for start, end in [
        (TODAY - timedelta(days=30), TODAY - timedelta(days=20)),  # over
        (TODAY - timedelta(days=2), TODAY + timedelta(days=5)),
        (TODAY, TODAY + timedelta(days=12)),  # the latest return counts
        (TODAY + timedelta(days=20), TODAY + timedelta(days=30)),  # not yet
    ]:
        Absence.objects.create(interlocutor=absent, start=start, end=end)
    InterlocutorFactory(corporation=alstom, is_active=False)
    InterlocutorFactory(corporation=alstom, user=UserFactory(is_active=False))
    gone = MemberCorporationFactory(name="Ancien Membre", is_active=False)
    PresenceFactory(corporation=gone, country="VN", city="Hanoi", sectors=[sector("71")])
    InterlocutorFactory(corporation=gone)
    return {"hanoi": hanoi, "saigon": saigon, "absent": absent}


def alstom_places() -> tuple[Place, ...]:
    """Only what the ranking reads: the presences in the country (somebody knows it, so the
    sub-region's Bangkok is not loaded), and only the trades matching the SME's 71 / M."""
    return (
        Place("VN", "Hanoi", frozenset({"71"}), frozenset({"M"}), "035"),
        Place("VN", "Hô Chi Minh-Ville", frozenset(), frozenset({"M"}), "035"),
    )


def test_load_candidates_returns_the_facts_the_engine_needs(
    alstom_world, application_in, interlocutor, sme_user
):
    # Thomas Lambert's record: one accompaniment closed and rated 4, one under way, and this
    # application, which he declined.
    closed = application_in(State.CLOSED)
    services.rate(closed.pk, sme_user, rating=4)
    application_in(State.ACCOMPANIED)
    application = application_in(State.PROPOSED)
    perform(Action.DECLINE_MATCH, application.pk, interlocutor)

    candidates = load_candidates(VIETNAM_NEED, application_id=application.pk)

    offers = (
        Offer(id=alstom_world["hanoi"].pk, country="VN", city="Hanoi", free_desks=3),
        Offer(
            id=alstom_world["saigon"].pk,
            country="VN",
            city="Hô Chi Minh-Ville",
            free_desks=2,
            vie_accepted=False,
        ),
    )
    assert sorted(candidates, key=lambda c: c.id) == [
        Candidate(
            id=interlocutor.interlocutor.pk,
            name="Thomas Lambert",
            corporation="Alstom",
            covers=frozenset({"VN"}),
            follows=frozenset({"71"}),
            places=alstom_places(),
            offers=offers,
            capacity=3,
            open_accompaniments=1,
            absent_until=None,
            proposals=3,
            accepted=2,
            rating_sum=4,
            rating_count=1,
            declined_this=True,
        ),
        Candidate(
            id=alstom_world["absent"].pk,
            name="Inès Nguyen",
            corporation="Alstom",
            covers=frozenset(),
            follows=frozenset({"M"}),
            places=alstom_places(),
            offers=offers,
            capacity=2,
            open_accompaniments=0,
            absent_until=TODAY + timedelta(days=12),
        ),
    ]


def test_load_candidates_without_hosting_loads_no_offer(alstom_world):
    candidates = load_candidates(replace(VIETNAM_NEED, wants_hosting=False, desks=0))

    assert [c.offers for c in candidates] == [(), ()]


def test_load_candidates_nobody_in_the_subregion_is_an_empty_list(alstom_world):
    assert load_candidates(replace(VIETNAM_NEED, country="PE", city="Lima", subregion="419")) == []


def test_load_candidates_names_an_interlocutor_without_a_name_by_email(alstom):
    InterlocutorFactory(
        corporation=alstom, user__first_name="", user__last_name="", user__email="vn@alstom.example"
    )

    assert [c.name for c in load_candidates(VIETNAM_NEED)] == ["vn@alstom.example"]


def test_ranking_for_sets_apart_who_declined_and_who_is_absent(
    alstom_world, application_in, interlocutor
):
    available = InterlocutorFactory(
        corporation=MemberCorporationFactory(name="Schneider Electric"),
        countries=["VN"],
        user__first_name="Anne",
        user__last_name="Tran",
    )
    PresenceFactory(corporation=available.corporation, country="VN", city="Hanoi")
    application = application_in(State.PROPOSED)
    perform(Action.DECLINE_MATCH, application.pk, interlocutor)

    ranking = ranking_for(Application.objects.get(pk=application.pk), on=TODAY)

    assert [r.candidate.id for r in ranking.available] == [available.pk]
    assert [(r.candidate.id, r.unavailable) for r in ranking.unavailable] == [
        (interlocutor.interlocutor.pk, "A déjà décliné ce dossier."),
        (alstom_world["absent"].pk, "Absent jusqu'au 14/03/2026."),
    ]
    assert ranking.unavailable[0].offer_id == alstom_world["hanoi"].pk


def corporations_in_vietnam(count: int) -> None:
    """`count` corporations present in Vietnam, each with everything the loader reads."""
    for n in range(count):
        corporation = MemberCorporationFactory()
        PresenceFactory(
            corporation=corporation, country="VN", city="Hanoi", sectors=[sector("71"), sector("F")]
        )
        PresenceFactory(
            corporation=corporation, country="TH", city="Bangkok", sectors=[sector("42")]
        )
        HostingOfferFactory(corporation=corporation, city="Hanoi", desks=2 + n % 3)
        person = InterlocutorFactory(corporation=corporation, sectors=[sector("71")])
        Absence.objects.create(interlocutor=person, start=TODAY, end=TODAY + timedelta(days=n))


@pytest.mark.parametrize("count", [2, 20])
def test_ranking_for_query_count_does_not_grow_with_the_corporations(
    count, application_in, staff_user
):
    corporations_in_vietnam(count)
    application = application_in(State.IN_REVIEW)
    application = Application.objects.select_related("company__sector__section").get(
        pk=application.pk
    )

    ranking_for(application, on=TODAY)  # the first may probe the database's JSON support
    with CaptureQueriesContext(connection) as queries:
        ranking = ranking_for(application, on=TODAY)

    # The corporations made here, and Alstom (the fixture of the persona interlocutor).
    assert len(ranking.available) + len(ranking.unavailable) == count + 1
    assert len(queries) == RANKING_QUERIES
