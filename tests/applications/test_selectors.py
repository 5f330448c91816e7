"""Reads scoped to a user: what each persona sees, the sponsor and staff queues, the candidates."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from accounts.models import User
from accounts.permissions import can
from applications import services
from applications.enums import State
from applications.models import Application
from applications.selectors import (
    interlocutor_followed,
    proposable_interlocutors,
    sector_choices,
    sponsor_bodies_for,
    sponsor_body_choices,
    sponsor_queue,
    staff_queue,
    staff_queue_countries,
    staff_queue_counts,
    visible_applications,
)
from reference.models import Sector
from sponsors.models import SponsorBody
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    InterlocutorFactory,
    MemberCorporationFactory,
    PresenceFactory,
    SponsorBodyFactory,
    make_application_in,
    sector,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
DAY_ONE = datetime(2026, 1, 5, 9, 0, tzinfo=PARIS)


def pks(applications) -> list[int]:
    return [application.pk for application in applications]


# --- visible_applications ------------------------------------------------------------------


@pytest.fixture
def world(
    application_in,
    draft_application,
    interlocutor,
    other_company,
    other_sme_user,
    other_sponsor_body,
    other_advisor,
    staff_user,
):
    """Company A's applications in several states, and two of company B's."""
    declined = application_in(State.PROPOSED)
    services.decline_match(declined.pk, interlocutor, reason="Pas de capacité.")
    return {
        "a_draft": draft_application,
        "a_awaiting": application_in(State.AWAITING_SPONSOR),
        "a_review": application_in(State.IN_REVIEW),
        "a_proposed": application_in(State.PROPOSED),
        "a_declined_by_interlocutor": declined,
        "a_accompanied": application_in(State.ACCOMPANIED),
        "b_review": make_application_in(
            State.IN_REVIEW,
            company=other_company,
            owner=other_sme_user,
            sponsor_body=other_sponsor_body,
            advisor=other_advisor,
            staff=staff_user,
        ),
        "b_draft": ApplicationFactory(company=other_company, created_by=other_sme_user),
    }


A_SUBMITTED = {
    "a_awaiting",
    "a_review",
    "a_proposed",
    "a_declined_by_interlocutor",
    "a_accompanied",
}
VISIBLE = {
    "sme_user": A_SUBMITTED | {"a_draft"},
    "other_sme_user": {"b_review", "b_draft"},
    "advisor": A_SUBMITTED,
    "other_advisor": {"b_review"},
    "staff_user": A_SUBMITTED | {"b_review"},
    "admin_user": A_SUBMITTED | {"b_review"},
    "interlocutor": {"a_proposed", "a_accompanied"},
    "other_interlocutor": set(),
    "anonymous_user": set(),
}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_visible_applications_per_persona(world, request, persona):
    user = request.getfixturevalue(persona)

    visible = set(visible_applications(user).values_list("pk", flat=True))

    assert visible == {world[name].pk for name in VISIBLE[persona]}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_visible_applications_agrees_with_view_permission(world, request, persona):
    user = request.getfixturevalue(persona)

    allowed = {
        name
        for name, application in world.items()
        if can(user, "applications.view_application", application)
    }

    assert allowed == VISIBLE[persona]


def test_visible_applications_none_for_an_inactive_user(world, sme_user):
    sme_user.is_active = False
    sme_user.save(update_fields=["is_active"])

    assert list(visible_applications(sme_user)) == []


@pytest.mark.parametrize("rows", [1, 5])
def test_visible_applications_query_count_does_not_grow(
    rows, staff_user, django_assert_num_queries
):
    for _index in range(rows):
        make_application_in(State.IN_REVIEW, company=CompanyFactory(), staff=staff_user)
    user = User.objects.get(pk=staff_user.pk)  # as a request would load it

    # Four role look-ups (company, sponsor, staff, interlocutor), then the list.
    with django_assert_num_queries(5):
        rows_read = [
            (a.reference, a.company.legal_name, a.company.sector.code, a.sponsor_body.name)
            for a in visible_applications(user)
        ]

    assert len(rows_read) == rows


# --- staff_queue ---------------------------------------------------------------------------


@pytest.fixture
def queue(time_machine, staff_user, sponsor_body, other_sponsor_body):
    """Applications endorsed on successive days, in several states, countries and sectors."""

    def on_day(number):
        time_machine.move_to(DAY_ONE + timedelta(days=number), tick=False)

    on_day(0)
    vn_review = make_application_in(
        State.IN_REVIEW, sponsor_body=sponsor_body, staff=staff_user
    )  # engineering, division 71, section M
    on_day(1)
    br_information = make_application_in(
        State.AWAITING_INFORMATION,
        company=CompanyFactory(sector=sector("62")),  # programming, section J
        target_country="BR",
        target_city="São Paulo",
        sponsor_body=other_sponsor_body,
        staff=staff_user,
    )
    on_day(2)
    vn_proposed = make_application_in(
        State.PROPOSED, sponsor_body=other_sponsor_body, staff=staff_user
    )
    on_day(3)
    vn_closed = make_application_in(State.CLOSED, sponsor_body=sponsor_body, staff=staff_user)
    on_day(4)
    vn_withdrawn = make_application_in(State.WITHDRAWN, sponsor_body=sponsor_body)
    on_day(5)
    make_application_in(State.AWAITING_SPONSOR, sponsor_body=sponsor_body)
    ApplicationFactory()
    return {
        "vn_review": vn_review,
        "br_information": br_information,
        "vn_proposed": vn_proposed,
        "vn_closed": vn_closed,
        "vn_withdrawn": vn_withdrawn,
    }


def test_staff_queue_lists_applications_with_the_association_least_time_left_first(
    queue, staff_user
):
    # Endorsed on days 0, 1 and 2; the Brazilian one is paused since day 1 (waiting for the
    # SME), so on day 5 it has more time left than the one endorsed on day 2.
    assert pks(staff_queue(staff_user)) == pks(
        [queue["vn_review"], queue["vn_proposed"], queue["br_information"]]
    )


def test_staff_queue_sorted_by_endorsement_lists_the_longest_waiting_first(queue, staff_user):
    assert pks(staff_queue(staff_user, {"sort": "endorsed"})) == pks(
        [queue["vn_review"], queue["br_information"], queue["vn_proposed"]]
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"state": State.AWAITING_INFORMATION}, ["br_information"]),
        ({"state": State.CLOSED}, ["vn_closed"]),
        ({"state": State.WITHDRAWN}, ["vn_withdrawn"]),
        ({"state": State.AWAITING_SPONSOR}, []),
        ({"state": State.DRAFT}, []),
        ({"country": "VN"}, ["vn_review", "vn_proposed"]),
        ({"country": "BR"}, ["br_information"]),
        ({"country": "CN"}, []),
        ({"sector": "71"}, ["vn_review", "vn_proposed"]),
        ({"sector": "M"}, ["vn_review", "vn_proposed"]),
        ({"sector": "62"}, ["br_information"]),
        ({"sector": "J"}, ["br_information"]),
        ({"sector": "10"}, []),
        ({"sponsor_body": "sponsor_body"}, ["vn_review"]),
        ({"sponsor_body": "other_sponsor_body"}, ["vn_proposed", "br_information"]),
        ({"country": "VN", "sponsor_body": "other_sponsor_body"}, ["vn_proposed"]),
        ({"state": State.CLOSED, "sector": "M", "country": "VN"}, ["vn_closed"]),
        ({"state": "", "country": "", "sector": None, "sponsor_body": None}, None),
    ],
    ids=lambda value: (
        "-".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else None
    ),
)
def test_staff_queue_filters(queue, staff_user, request, filters, expected):
    resolved = dict(filters)
    if resolved.get("sector"):
        resolved["sector"] = sector(resolved["sector"])
    if resolved.get("sponsor_body"):
        resolved["sponsor_body"] = request.getfixturevalue(resolved["sponsor_body"])
    if expected is None:  # empty filters: the default queue
        expected = ["vn_review", "vn_proposed", "br_information"]

    assert pks(staff_queue(staff_user, resolved)) == pks([queue[name] for name in expected])


@pytest.mark.parametrize(
    "persona", ["sme_user", "advisor", "interlocutor", "other_interlocutor", "anonymous_user"]
)
def test_staff_queue_empty_for_non_staff(queue, request, persona):
    assert list(staff_queue(request.getfixturevalue(persona))) == []


def test_staff_queue_open_to_the_admin(queue, admin_user):
    assert len(staff_queue(admin_user)) == 3


def test_staff_queue_countries_lists_each_country_in_the_queue_once_by_name(queue):
    make_application_in(State.IN_REVIEW)  # a second Vietnamese one

    assert staff_queue_countries() == [("BR", "Brésil"), ("VN", "Viêt Nam")]


def test_staff_queue_countries_sorts_accented_names_as_letters(queue):
    make_application_in(State.IN_REVIEW, target_country="EG", target_city="Le Caire")

    assert staff_queue_countries() == [("BR", "Brésil"), ("EG", "Égypte"), ("VN", "Viêt Nam")]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_sector_choices_name_each_sector_as_its_model_does(language):
    with translation.override(language):
        assert sector_choices() == [(sector.pk, str(sector)) for sector in Sector.objects.all()]


def test_sponsor_body_choices_name_each_body_by_name(sponsor_body, other_sponsor_body):
    SponsorBodyFactory(name="A CCI first")

    assert sponsor_body_choices() == [
        (body.pk, body.name) for body in SponsorBody.objects.order_by("name")
    ]
    assert sponsor_body_choices()[0][1] == "A CCI first"


def test_staff_queue_counts_by_state_in_the_workflow_order_awaiting_and_overdue(queue):
    counts = staff_queue_counts(DAY_ONE + timedelta(days=5))
    late = staff_queue_counts(DAY_ONE + timedelta(days=60))

    assert list(counts.by_state.items()) == [
        ("En instruction", 1),
        ("En attente de compléments", 1),
        ("Proposée à un grand groupe", 1),
    ]
    assert (counts.awaiting_sponsor, counts.overdue) == (1, 0)
    assert late.overdue == 2  # the two running clocks; the Brazilian one is paused


@pytest.mark.parametrize("rows", [1, 5])
def test_staff_queue_query_count_does_not_grow(rows, staff_user, django_assert_num_queries):
    for code in ["71", "62", "10", "46", "70"][:rows]:
        make_application_in(
            State.IN_REVIEW, company=CompanyFactory(sector=sector(code)), staff=staff_user
        )
    user = User.objects.get(pk=staff_user.pk)  # as a request would load it

    # The staff role look-up, then the list with its company, sector and sponsor body.
    with django_assert_num_queries(2):
        rows_read = [
            (a.reference, a.company.legal_name, a.company.sector.code, a.sponsor_body.name)
            for a in staff_queue(user)
        ]

    assert len(rows_read) == rows


# --- sponsor_queue -------------------------------------------------------------------------


@pytest.fixture
def sponsor_applications(
    time_machine, application_in, advisor, other_sponsor_body, other_advisor, draft_application
):
    def on_day(number):
        time_machine.move_to(DAY_ONE + timedelta(days=number), tick=False)

    on_day(0)
    in_review = application_in(State.IN_REVIEW)
    on_day(1)
    awaiting = application_in(State.AWAITING_SPONSOR)
    on_day(2)
    declined = application_in(State.AWAITING_SPONSOR)
    services.decline_endorsement(declined.pk, advisor, reason="Présentez d'abord le projet.")
    on_day(3)
    awaiting_later = application_in(State.AWAITING_SPONSOR)
    other_body = make_application_in(
        State.AWAITING_SPONSOR, sponsor_body=other_sponsor_body, advisor=other_advisor
    )
    return {
        "in_review": in_review,
        "awaiting": awaiting,
        "awaiting_later": awaiting_later,
        "other_body": other_body,
    }


def test_sponsor_queue_lists_the_body_applications_oldest_submission_first(
    sponsor_applications, advisor
):
    expected = ["in_review", "awaiting", "awaiting_later"]

    assert pks(sponsor_queue(advisor, pending_only=False)) == pks(
        [sponsor_applications[name] for name in expected]
    )


def test_sponsor_queue_pending_only(sponsor_applications, advisor):
    assert pks(sponsor_queue(advisor, pending_only=True)) == pks(
        [sponsor_applications["awaiting"], sponsor_applications["awaiting_later"]]
    )


def test_sponsor_queue_of_another_body(sponsor_applications, other_advisor):
    assert pks(sponsor_queue(other_advisor, pending_only=False)) == pks(
        [sponsor_applications["other_body"]]
    )


@pytest.mark.parametrize(
    "persona", ["sme_user", "staff_user", "admin_user", "interlocutor", "anonymous_user"]
)
def test_sponsor_queue_empty_for_non_advisors(sponsor_applications, request, persona):
    assert list(sponsor_queue(request.getfixturevalue(persona), pending_only=False)) == []


@pytest.mark.parametrize("rows", [1, 5])
def test_sponsor_queue_query_count_does_not_grow(
    rows, sponsor_body, advisor, django_assert_num_queries
):
    for _index in range(rows):
        make_application_in(
            State.AWAITING_SPONSOR, company=CompanyFactory(), sponsor_body=sponsor_body
        )
    user = User.objects.get(pk=advisor.pk)

    # The advisor membership look-up, then the list.
    with django_assert_num_queries(2):
        rows_read = [
            (a.reference, a.company.legal_name, a.company.sector.code, a.sponsor_body.name)
            for a in sponsor_queue(user, pending_only=True)
        ]

    assert len(rows_read) == rows


# --- sponsor_bodies_for --------------------------------------------------------------------


def test_sponsor_bodies_for_puts_bodies_covering_the_company_first(company):
    # Company A is in the Rhône (69), region Auvergne-Rhône-Alpes (84).
    alsace = SponsorBodyFactory(name="CCI Alsace Eurométropole", region="44")
    ardeche = SponsorBodyFactory(name="CCI Ardèche", region="84", departments=["07"])
    region = SponsorBodyFactory(name="CCI Auvergne-Rhône-Alpes", region="84")
    lyon = SponsorBodyFactory(
        name="CCI Lyon Métropole Saint-Étienne Roanne", region="84", departments=["69", "42"]
    )
    brittany = SponsorBodyFactory(kind="cce", name="Comité local CCE Bretagne", region="53")
    SponsorBodyFactory(name="CCI Beaujolais", region="84", departments=["69"], is_active=False)

    assert sponsor_bodies_for(company) == [region, lyon, alsace, ardeche, brittany]


# --- proposable_interlocutors --------------------------------------------------------------


@pytest.fixture
def people(alstom, interlocutor, other_interlocutor):
    """Interlocutors staff may pick, wherever their corporation operates; and those they may
    not: an inactive interlocutor, one of a corporation no longer a member, one whose account
    is closed."""
    alstom_colleague = InterlocutorFactory(
        corporation=alstom, user__first_name="Bruno", user__last_name="Aubert"
    )
    spie = MemberCorporationFactory(name="Spie")
    PresenceFactory(corporation=spie, country="VN", city="Hanoi")
    spie_interlocutor = InterlocutorFactory(
        corporation=spie, user__first_name="Anne", user__last_name="Roussel"
    )
    schneider = MemberCorporationFactory(name="Schneider Electric")
    PresenceFactory(corporation=schneider, country="TH", city="Bangkok")
    schneider_interlocutor = InterlocutorFactory(corporation=schneider, countries=["TH"])
    total = MemberCorporationFactory(name="Total")
    InterlocutorFactory(corporation=total, is_active=False)
    InterlocutorFactory(corporation=total, user__is_active=False)
    renault = MemberCorporationFactory(name="Renault", is_active=False)
    InterlocutorFactory(corporation=renault)
    return [
        alstom_colleague,
        interlocutor.interlocutor,
        other_interlocutor.interlocutor,
        schneider_interlocutor,
        spie_interlocutor,
    ]


def test_proposable_interlocutors_are_every_active_one_by_corporation(application_in, people):
    application = application_in(State.IN_REVIEW)

    assert list(proposable_interlocutors(application)) == people


def test_proposable_interlocutors_exclude_those_already_proposed(
    application_in, people, interlocutor
):
    application = application_in(State.PROPOSED)
    others = [people[0], *people[2:]]
    assert list(proposable_interlocutors(application)) == others

    services.decline_match(application.pk, interlocutor, reason="Pas de capacité.")

    assert list(proposable_interlocutors(application)) == others


def test_an_archived_application_leaves_the_interlocutors_followed_smes(interlocutor):
    kept = make_application_in(State.ACCOMPANIED, interlocutor=interlocutor)
    archived = make_application_in(State.ACCOMPANIED, interlocutor=interlocutor)
    Application.objects.filter(pk=archived.pk).update(archived_at=DAY_ONE)

    followed = interlocutor_followed(interlocutor)

    assert [match.application for match in followed] == [kept]
    assert followed.count() == 1
