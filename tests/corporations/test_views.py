"""Pages where corporations keep their data: an interlocutor's own profile, a corporation's
presences and hosting offers, staff's list of corporations. Who may open them, what they save,
what they refuse."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.permissions import can
from applications.enums import State
from corporations import services
from corporations.models import Absence, HostingOffer, Interlocutor, MemberCorporation, Presence
from corporations.services import CorporationError
from tests.factories import (
    HostingOfferFactory,
    InterlocutorFactory,
    MemberCorporationFactory,
    PresenceFactory,
    sector,
)
from tests.personas import WITH_ADMIN

pytestmark = pytest.mark.django_db

PERSONAS = WITH_ADMIN
PROFILE = reverse("corporations:profile")
LIST = reverse("corporations:list")


def edit_url(corporation: MemberCorporation) -> str:
    return reverse("corporations:corporation_edit", args=[corporation.slug])


def form_data(*forms_or_formsets, **overrides) -> dict:
    """What a browser would send for these unbound forms and formsets, as shown, then
    `overrides` (field names as in the HTML; None removes a field)."""
    data: dict = {}
    for item in forms_or_formsets:
        if hasattr(item, "management_form"):
            forms = [item.management_form, *item.forms]
        else:
            forms = [item]
        for form in forms:
            for field in form:
                value = field.value()
                if value is None or value is False:
                    continue
                if value is True:
                    value = "on"
                elif isinstance(value, list | tuple):
                    value = [str(getattr(v, "pk", v)) for v in value]
                elif isinstance(value, date):
                    value = value.isoformat()
                data[field.html_name] = value
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


@pytest.fixture
def coordinator(alstom):
    """Alstom's coordinator: keeps its presences and hosting offers."""
    return InterlocutorFactory(
        corporation=alstom,
        is_coordinator=True,
        user__email="claire.dubois@alstom.example",
        user__first_name="Claire",
        user__last_name="Dubois",
    ).user


@pytest.fixture
def other_coordinator(other_corporation):
    return InterlocutorFactory(corporation=other_corporation, is_coordinator=True).user


# --- The rules, for every persona ---------------------------------------------------------

ALL_PERSONAS = [*PERSONAS, "coordinator", "other_coordinator", "anonymous_user"]
# Who holds each permission (on Alstom, for `change_corporation`).
HOLDERS = {
    "corporations.change_own_profile": {
        "interlocutor",
        "other_interlocutor",
        "coordinator",
        "other_coordinator",
    },
    "corporations.change_corporation": {"coordinator", "staff_user", "admin_user"},
    "corporations.view_corporation_list": {"staff_user", "admin_user"},
    "applications.view_ranking": {"staff_user", "admin_user"},
}


@pytest.mark.parametrize("permission", list(HOLDERS))
@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_corporation_rules_hold_for_their_personas_only(request, alstom, persona, permission):
    user = request.getfixturevalue(persona)

    assert can(user, permission, alstom) is (persona in HOLDERS[permission])


def test_a_coordinator_rule_needs_an_active_interlocutor(coordinator, alstom):
    Interlocutor.objects.filter(user=coordinator).update(is_active=False)
    coordinator.refresh_from_db()
    coordinator.interlocutor.refresh_from_db()

    assert can(coordinator, "corporations.change_corporation", alstom) is False


# --- Anonymous visitors --------------------------------------------------------------------


@pytest.mark.parametrize("url", ["profile", "list", "edit"])
def test_corporation_pages_send_anonymous_to_login(client, alstom, url):
    target = {"profile": PROFILE, "list": LIST, "edit": edit_url(alstom)}[url]

    for response in (client.get(target), client.post(target, {})):
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={target}"


# --- The interlocutor's profile -----------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_profile_opens_only_for_interlocutors(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    response = client.get(PROFILE)

    if persona in ("interlocutor", "other_interlocutor"):
        assert response.status_code == 200
        assert response.context["interlocutor"] == user.interlocutor
    else:
        assert response.status_code == 403


def test_profile_shows_the_current_load(client, interlocutor, application_in):
    application_in(State.ACCOMPANIED)
    client.force_login(interlocutor)

    response = client.get(PROFILE)

    assert response.context["load"] == {"open": 1, "capacity": 3}
    assert "1 dossier suivi sur 3." in response.content.decode()


def test_profile_saves_the_interlocutor_own_row_only(client, interlocutor, other_interlocutor):
    client.force_login(interlocutor)
    page = client.get(PROFILE).context
    data = form_data(
        page["form"],
        page["absences"],
        job_title="Directeur Asie du Sud-Est",
        countries=["VN", "TH"],
        sectors=[str(sector("71").pk), str(sector("39").pk)],
        capacity="5",
        **{"absences-0-start": "2026-08-01", "absences-0-end": "2026-08-21"},
        **{"absences-0-note": "Congés"},
    )

    response = client.post(PROFILE, data)

    assert response.status_code == 302
    assert response["Location"] == PROFILE
    mine = Interlocutor.objects.get(user=interlocutor)
    assert (mine.job_title, [str(c) for c in mine.countries], mine.capacity) == (
        "Directeur Asie du Sud-Est",
        ["TH", "VN"],
        5,
    )
    assert sorted(mine.sectors.values_list("code", flat=True)) == ["39", "71"]
    assert list(mine.absences.values_list("start", "end", "note")) == [
        (date(2026, 8, 1), date(2026, 8, 21), "Congés")
    ]
    theirs = Interlocutor.objects.get(user=other_interlocutor)
    assert (theirs.job_title, theirs.capacity, theirs.absences.count()) == ("Directeur pays", 3, 0)


def test_profile_ignores_an_id_sent_for_someone_else(client, interlocutor, other_interlocutor):
    client.force_login(interlocutor)
    page = client.get(PROFILE).context
    data = form_data(page["form"], page["absences"], job_title="Changé", capacity="4")
    data["id"] = other_interlocutor.interlocutor.pk
    data["user"] = other_interlocutor.pk

    client.post(PROFILE, data)

    assert Interlocutor.objects.get(user=interlocutor).job_title == "Changé"
    assert Interlocutor.objects.get(user=other_interlocutor).job_title == "Directeur pays"


def test_profile_refuses_a_capacity_below_the_current_load(client, interlocutor, application_in):
    application_in(State.ACCOMPANIED)
    application_in(State.ACCOMPANIED)
    client.force_login(interlocutor)
    page = client.get(PROFILE).context

    response = client.post(
        PROFILE, form_data(page["form"], page["absences"], capacity="1", job_title="Nouveau")
    )

    assert response.status_code == 400
    assert (
        "Vous suivez actuellement 2 dossiers : votre capacité ne peut pas être inférieure."
        in response.content.decode()
    )
    assert 'value="Nouveau"' in response.content.decode()  # what was typed is kept
    mine = Interlocutor.objects.get(user=interlocutor)
    assert (mine.capacity, mine.open_accompaniments, mine.job_title) == (
        3,
        2,
        "Directeur pays Vietnam",
    )


def test_profile_refuses_an_absence_ending_before_it_starts(client, interlocutor):
    client.force_login(interlocutor)
    page = client.get(PROFILE).context

    response = client.post(
        PROFILE,
        form_data(
            page["form"],
            page["absences"],
            **{"absences-0-start": "2026-08-21", "absences-0-end": "2026-08-01"},
        ),
    )

    assert response.status_code == 400
    assert "La fin de l&#x27;absence ne peut pas précéder son début." in response.content.decode()
    assert Absence.objects.count() == 0


def test_profile_keeps_past_absences_and_deletes_one(client, interlocutor):
    mine = interlocutor.interlocutor
    past = Absence.objects.create(
        interlocutor=mine, start=date(2025, 7, 1), end=date(2025, 7, 31), note="Été 2025"
    )
    coming = Absence.objects.create(
        interlocutor=mine, start=date(2026, 12, 20), end=date(2027, 1, 3), note="Fêtes"
    )
    client.force_login(interlocutor)
    page = client.get(PROFILE).context
    # Latest first: the coming absence is row 0, the past one row 1, then an empty row.
    assert [form.instance for form in page["absences"].forms[:2]] == [coming, past]

    client.post(PROFILE, form_data(page["form"], page["absences"], **{"absences-0-DELETE": "on"}))

    assert list(mine.absences.all()) == [past]


def test_update_profile_reads_the_load_under_lock_and_never_writes_it(interlocutor):
    mine = interlocutor.interlocutor
    # An acceptance landed after the page was read: the service must see it.
    Interlocutor.objects.filter(pk=mine.pk).update(open_accompaniments=2)

    with pytest.raises(CorporationError) as refused:
        services.update_profile(mine.pk, job_title="", countries=[], sectors=[], capacity=1)
    services.update_profile(mine.pk, job_title="DG", countries=["VN"], sectors=[], capacity=4)

    assert refused.value.message == (
        "Vous suivez actuellement 2 dossiers : votre capacité ne peut pas être inférieure."
    )
    mine.refresh_from_db()
    assert (mine.job_title, mine.capacity, mine.open_accompaniments) == ("DG", 4, 2)


# --- A corporation's presences and offers ---------------------------------------------------

# Who may open Alstom's page: its coordinator and the association; everyone else gets a 404.
CAN_EDIT_ALSTOM = {"coordinator", "staff_user", "admin_user"}


@pytest.mark.parametrize("persona", [*PERSONAS, "coordinator", "other_coordinator"])
def test_corporation_page_opens_only_for_its_coordinators_and_staff(
    client, request, alstom, persona
):
    client.force_login(request.getfixturevalue(persona))

    get = client.get(edit_url(alstom))
    post = client.post(edit_url(alstom), {})

    if persona in CAN_EDIT_ALSTOM:
        assert get.status_code == 200
        assert get.context["corporation"] == alstom
        assert post.status_code == 400  # an empty formset post: nothing saved
    else:
        assert (get.status_code, post.status_code) == (404, 404)
    assert list(alstom.presences.values_list("city", flat=True)) == ["Hanoi"]


def test_coordinator_gets_404_for_another_corporation(client, coordinator, other_corporation):
    client.force_login(coordinator)

    assert client.get(edit_url(other_corporation)).status_code == 404
    assert client.get(reverse("corporations:corporation_edit", args=["nope"])).status_code == 404


def test_inactive_coordinator_may_no_longer_edit(client, coordinator, alstom):
    Interlocutor.objects.filter(user=coordinator).update(is_active=False)
    client.force_login(coordinator)

    assert client.get(edit_url(alstom)).status_code == 404


def test_staff_may_edit_any_corporation(client, staff_user, other_corporation):
    client.force_login(staff_user)
    page = client.get(edit_url(other_corporation)).context

    response = client.post(
        edit_url(other_corporation),
        form_data(
            page["presences"],
            page["offers"],
            **{"presences-0-city": "Pékin"},
        ),
    )

    assert response.status_code == 302
    assert list(other_corporation.presences.values_list("city", flat=True)) == ["Pékin"]


def test_coordinator_adds_changes_and_deletes_presences(client, coordinator, alstom):
    PresenceFactory(corporation=alstom, country="MA", city="Casablanca")
    client.force_login(coordinator)
    page = client.get(edit_url(alstom)).context
    # Rows by country: Morocco (0), Vietnam (1), then the empty row (2).
    data = form_data(
        page["presences"],
        page["offers"],
        **{
            "presences-0-DELETE": "on",
            "presences-1-city": "Hanoï",
            "presences-1-sectors": [str(sector("71").pk), str(sector("42").pk)],
            "presences-1-since": "1993",
            "presences-2-country": "IN",
            "presences-2-city": "Bangalore",
            "presences-2-sectors": [str(sector("30").pk)],
        },
    )

    response = client.post(edit_url(alstom), data)

    assert response.status_code == 302
    assert response["Location"] == edit_url(alstom)
    rows = [
        (str(p.country), p.city, p.since, sorted(s.code for s in p.sectors.all()))
        for p in Presence.objects.filter(corporation=alstom).order_by("country")
    ]
    assert rows == [("IN", "Bangalore", None, ["30"]), ("VN", "Hanoï", 1993, ["42", "71"])]


def test_coordinator_cannot_add_the_same_place_twice(client, coordinator, alstom):
    client.force_login(coordinator)
    page = client.get(edit_url(alstom)).context

    response = client.post(
        edit_url(alstom),
        form_data(
            page["presences"],
            page["offers"],
            **{"presences-1-country": "VN", "presences-1-city": "Hanoi"},
        ),
    )

    assert response.status_code == 400
    assert alstom.presences.count() == 1


def test_coordinator_adds_and_changes_hosting_offers(client, coordinator, alstom):
    offer = HostingOfferFactory(corporation=alstom, country="VN", city="Hanoi", desks=4)
    client.force_login(coordinator)
    page = client.get(edit_url(alstom)).context

    response = client.post(
        edit_url(alstom),
        form_data(
            page["presences"],
            page["offers"],
            **{
                "offers-0-desks": "6",
                "offers-0-at_cost": None,  # unticked
                "offers-1-country": "IN",
                "offers-1-city": "Bangalore",
                "offers-1-desks": "2",
                "offers-1-monthly_price": "250",
                "offers-1-vie_accepted": "on",
            },
        ),
    )

    assert response.status_code == 302
    rows = list(
        HostingOffer.objects.filter(corporation=alstom)
        .order_by("country")
        .values_list("country", "city", "desks", "reserved_desks", "at_cost", "vie_accepted")
    )
    assert rows == [
        ("IN", "Bangalore", 2, 0, False, True),
        ("VN", "Hanoi", 6, 0, False, True),
    ]
    assert HostingOffer.objects.get(pk=offer.pk).monthly_price == 350


def test_desks_below_those_reserved_are_refused(client, coordinator, alstom):
    offer = HostingOfferFactory(corporation=alstom, country="VN", city="Hanoi", desks=4)
    HostingOffer.objects.filter(pk=offer.pk).update(reserved_desks=3)
    client.force_login(coordinator)
    page = client.get(edit_url(alstom)).context

    response = client.post(
        edit_url(alstom), form_data(page["presences"], page["offers"], **{"offers-0-desks": "2"})
    )

    assert response.status_code == 400
    assert (
        "3 postes sont occupés par des PME accompagnées : l&#x27;offre ne peut pas en compter "
        "moins."
    ) in response.content.decode()
    offer.refresh_from_db()
    assert (offer.desks, offer.reserved_desks) == (4, 3)


def test_save_offers_rechecks_the_reserved_desks_under_lock(coordinator, alstom):
    from corporations.forms import offer_formset

    offer = HostingOfferFactory(corporation=alstom, country="VN", city="Hanoi", desks=4)
    page = offer_formset(corporation=alstom)
    formset = offer_formset(form_data(page, **{"offers-0-desks": "2"}), corporation=alstom)
    assert formset.is_valid()
    # An acceptance reserved three desks after the form was checked.
    HostingOffer.objects.filter(pk=offer.pk).update(reserved_desks=3)

    with pytest.raises(CorporationError):
        services.save_offers(alstom, formset)

    offer.refresh_from_db()
    assert (offer.desks, offer.reserved_desks) == (4, 3)


def test_an_offer_used_by_a_proposal_cannot_be_deleted(
    client, coordinator, alstom, application_in, staff_user, interlocutor
):
    offer = HostingOfferFactory(corporation=alstom, country="VN", city="Hanoi")
    application = application_in(State.IN_REVIEW)
    from applications import services as workflow

    workflow.propose(
        application.pk, staff_user, interlocutor=interlocutor.interlocutor, hosting_offer=offer
    )
    client.force_login(coordinator)
    page = client.get(edit_url(alstom)).context

    response = client.post(
        edit_url(alstom),
        form_data(page["presences"], page["offers"], **{"offers-0-DELETE": "on"}),
    )

    assert response.status_code == 400
    assert "a servi à des mises en relation" in response.content.decode()
    assert HostingOffer.objects.filter(pk=offer.pk).exists()


# --- Staff's list of corporations ---------------------------------------------------------


@pytest.mark.parametrize("persona", [*PERSONAS, "coordinator"])
def test_corporation_list_is_for_staff_only(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(LIST)

    assert response.status_code == (200 if persona in ("staff_user", "admin_user") else 403)


def test_corporation_list_counts_and_links(client, staff_user, alstom, interlocutor):
    HostingOfferFactory(corporation=alstom, desks=4)
    reserved = HostingOfferFactory(corporation=alstom, desks=3, city="Hô Chi Minh-Ville")
    HostingOffer.objects.filter(pk=reserved.pk).update(reserved_desks=2)
    PresenceFactory(corporation=alstom, country="IN", city="Bangalore")
    InterlocutorFactory(corporation=alstom, is_active=False)
    edf = MemberCorporationFactory(name="EDF")
    client.force_login(staff_user)

    response = client.get(LIST)

    rows = [
        (
            c.name,
            c.presence_count,
            c.interlocutor_count,
            c.offer_count,
            c.free_desk_count,
        )
        for c in response.context["corporations"]
    ]
    assert rows == [("Alstom", 2, 1, 2, 5), ("EDF", 0, 0, 0, 0)]
    content = response.content.decode()
    assert f'href="{edit_url(alstom)}"' in content
    assert f'href="{edit_url(edf)}"' in content


def test_corporation_list_queries_do_not_grow_with_the_corporations(client, staff_user):
    def add_corporation():
        corporation = MemberCorporationFactory()
        PresenceFactory(corporation=corporation)
        InterlocutorFactory(corporation=corporation)
        HostingOfferFactory(corporation=corporation)

    client.force_login(staff_user)
    add_corporation()
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for _ in range(5):
        add_corporation()
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)

    assert len(response.context["corporations"]) == 6
    assert len(many) == len(one)


# --- Navigation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "links"),
    [
        ("interlocutor", {"Mon profil": True, "Mon groupe": False, "Grands groupes": False}),
        ("coordinator", {"Mon profil": True, "Mon groupe": True, "Grands groupes": False}),
        ("staff_user", {"Mon profil": False, "Mon groupe": False, "Grands groupes": True}),
        ("sme_user", {"Mon profil": False, "Mon groupe": False, "Grands groupes": False}),
        ("advisor", {"Mon profil": False, "Mon groupe": False, "Grands groupes": False}),
    ],
)
def test_navbar_links_to_the_corporation_pages(client, request, alstom, persona, links):
    client.force_login(request.getfixturevalue(persona))

    content = client.get(reverse("home"), follow=True).content.decode()

    hrefs = {
        "Mon profil": f'href="{PROFILE}">Mon profil<',
        "Mon groupe": f'href="{edit_url(alstom)}">Mon groupe<',
        "Grands groupes": f'href="{LIST}">Grands groupes<',
    }
    assert {name: href in content for name, href in hrefs.items()} == links
