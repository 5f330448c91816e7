"""Reads for corporations: the data the matching engine needs, in a fixed number of queries;
the corporations each user may edit, and the association's list of them."""

import functools
from collections import defaultdict
from datetime import date
from typing import NamedTuple

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django_countries import countries as country_names

from accounts.rules import is_association_staff
from reference import m49

from .enums import MatchStatus
from .matching import Candidate, Contact, Need, Offer, Place, Uncovered
from .models import Absence, HostingOffer, Interlocutor, Match, MemberCorporation, Presence
from .rules import interlocutor_of

# The generation (`core.generations`) of everything the ranking reads, which each change of it
# moves on: `applications.ranking` follows the rows' signals; a bulk update, which sends none,
# moves it on itself (`services.recount_records`).
RANKING = "corporations:ranking"


def present_uncovered(need: Need, *, or_subregion: bool) -> tuple[list[Uncovered], bool]:
    """The active member corporations present in the target country, for when none of their
    interlocutors covers it; failing any there and `or_subregion`, those present in its
    sub-region (the second value is then True). Each with its coordinators, whom staff can ask
    for an interlocutor; by name (2 queries, 1 when there are none)."""
    countries = {need.country}
    if or_subregion and need.subregion:
        countries |= m49.countries_in(need.subregion)
    names: dict[int, str] = {}
    where: dict[int, set[str]] = defaultdict(set)
    for corporation_id, name, country in (
        Presence.objects.filter(country__in=countries, corporation__is_active=True)
        .values_list("corporation_id", "corporation__name", "country")
        .order_by()
    ):
        names[corporation_id] = name
        where[corporation_id].add(str(country))
    in_country = {pk for pk, codes in where.items() if need.country in codes}
    chosen = in_country or set(names)
    if not chosen:
        return [], False
    nearby = not in_country

    coordinators: dict[int, list[Contact]] = defaultdict(list)
    for corporation_id, first_name, last_name, email in (
        Interlocutor.objects.filter(
            corporation__in=chosen, is_coordinator=True, is_active=True, user__is_active=True
        )
        .values_list("corporation_id", "user__first_name", "user__last_name", "user__email")
        .order_by("user__last_name", "user__first_name", "pk")
    ):
        name = f"{first_name} {last_name}".strip() or email
        coordinators[corporation_id].append(Contact(name=name, email=email))
    uncovered = [
        Uncovered(
            corporation=names[pk],
            coordinators=tuple(coordinators[pk]),
            countries=tuple(sorted(country_names.name(code) for code in where[pk]))
            if nearby
            else (),
        )
        for pk in chosen
    ]
    uncovered.sort(key=lambda present: present.corporation)
    return uncovered, nearby


def _covering(countries: set[str]) -> Q:
    """Interlocutors who cover one of `countries` (an empty list covers all their corporation's
    countries). A multiple CountryField is stored as "VN,TH": two-letter codes joined by commas,
    so a two-letter substring is always a whole code."""
    condition = Q(countries="")
    for code in sorted(countries):
        condition |= Q(countries__contains=code)
    return condition


def _present_in(countries: set[str]) -> Q:
    return Q(corporation__in=Presence.objects.filter(country__in=countries).values("corporation"))


class _InterlocutorRow(NamedTuple):
    """One interlocutor as the ranking reads them: their own columns, their corporation's name,
    and the facts worked out in SQL (`_interlocutor_rows`)."""

    pk: int
    first_name: str
    last_name: str
    email: str
    corporation_id: int
    corporation: str
    countries: str  # the CountryField's column: "VN,TH", empty for all their corporation's
    capacity: int
    open_accompaniments: int
    proposals_decided: int
    proposals_accepted: int
    ratings_sum: int
    ratings_count: int
    declined_this: bool  # they declined this application already
    absent_until: date | None  # the end of their absence on the day asked for
    follows_division: bool
    follows_section: bool
    in_country: bool  # they know the target country itself, not only a neighbour


# The lookups of the row's fields that are not the interlocutor's own columns or annotations.
_ROW_LOOKUPS = {
    "first_name": "user__first_name",
    "last_name": "user__last_name",
    "email": "user__email",
    "corporation": "corporation__name",
}


def load_candidates(need: Need, *, application_id: int | None = None) -> list[Candidate]:
    """Every active interlocutor the engine would rank: present in the target country and
    covering it or, when nobody does, in its sub-region; with their corporation's presences
    there, its hosting offers in the country, their load and their record (3 queries).

    Only the facts the ranking reads are loaded: whether a presence or an interlocutor has the
    SME's division or section (not all their trades), and the sub-region's presences only when
    nobody knows the country. The record is read from the counters the workflow keeps on each
    interlocutor, not aggregated from every proposal; the other facts of each interlocutor are
    subqueries on indexed foreign keys. A crowded country has hundreds of candidates: their
    corporations' presences and offers are read whole rather than filtered by hundreds of
    parameters."""
    countries = {need.country}
    if need.subregion:
        countries |= m49.countries_in(need.subregion)
    rows = _interlocutor_rows(need, countries, application_id)
    if not rows:
        return []
    # Somebody knows the country: the sub-region's presences will not be read.
    where = {need.country} if any(row.in_country for row in rows) else countries
    corporation_ids = {row.corporation_id for row in rows}
    places = _places_by_corporation(need, where, corporation_ids)
    offers = _offers_by_corporation(need, corporation_ids)
    followed = {
        (False, False): frozenset(),
        (True, False): frozenset({need.division}),
        (False, True): frozenset({need.section}),
        (True, True): frozenset({need.division, need.section}),
    }
    covers_of = functools.cache(
        lambda covered: frozenset(code for code in (covered or "").split(",") if code)
    )
    return [
        Candidate(
            id=row.pk,
            name=f"{row.first_name} {row.last_name}".strip() or row.email,
            corporation=row.corporation,
            covers=covers_of(row.countries),
            follows=followed[row.follows_division, row.follows_section],
            places=places[row.corporation_id],
            offers=offers[row.corporation_id],
            capacity=row.capacity,
            open_accompaniments=row.open_accompaniments,
            absent_until=row.absent_until,
            proposals=row.proposals_decided,
            accepted=row.proposals_accepted,
            rating_sum=row.ratings_sum,
            rating_count=row.ratings_count,
            declined_this=row.declined_this,
        )
        for row in rows
    ]


def _interlocutor_rows(
    need: Need, countries: set[str], application_id: int | None
) -> list[_InterlocutorRow]:
    """The interlocutors who know the country (`matching._seen_places` in SQL) or, when nobody
    does, a country of the sub-region (1 query). The sub-region condition may let through
    someone who covers one country and whose corporation is present in another: `rank` leaves
    them out."""
    active = Interlocutor.objects.filter(
        is_active=True, user__is_active=True, corporation__is_active=True
    )
    knows_country = _covering({need.country}) & _present_in({need.country})
    who = knows_country
    if need.subregion:
        neighbours = countries - {need.country}
        who |= (
            ~Exists(active.filter(knows_country)) & _covering(countries) & _present_in(neighbours)
        )
    today = Absence.objects.filter(
        interlocutor=OuterRef("pk"), start__lte=need.on, end__gte=need.on
    )
    follows = Interlocutor.sectors.through.objects.filter(interlocutor=OuterRef("pk"))
    rows = (
        active.filter(who)
        .annotate(
            declined_this=Exists(
                Match.objects.filter(
                    interlocutor=OuterRef("pk"),
                    application_id=application_id,
                    status=MatchStatus.DECLINED,
                )
            ),
            absent_until=Subquery(today.order_by("-end").values("end")[:1]),
            follows_division=Exists(follows.filter(sector__code=need.division)),
            follows_section=Exists(follows.filter(sector__code=need.section)),
            in_country=Case(When(knows_country, then=True), default=False),
        )
        .order_by()  # `rank` orders them
        .values_list(*(_ROW_LOOKUPS.get(name, name) for name in _InterlocutorRow._fields))
    )
    return [_InterlocutorRow._make(row) for row in rows]


def _places_by_corporation(
    need: Need, where: set[str], corporation_ids: set[int]
) -> dict[int, tuple[Place, ...]]:
    """The corporations' presences in `where`, and whether each has the SME's trade; one tuple
    per corporation, shared by its interlocutors (1 query). All the active corporations'
    presences are read rather than hundreds of parameters sent: a few more rows, which Python
    skips."""
    there = Presence.objects.filter(country__in=where, corporation__is_active=True)
    trades = Presence.sectors.through.objects.filter(presence=OuterRef("pk"))
    places: dict[int, list[Place]] = defaultdict(list)
    same_places: dict[tuple, Place] = {}  # many presences look alike: one object each
    for corporation_id, country, city, has_division, has_section in (
        there.annotate(
            has_division=Exists(trades.filter(sector__code=need.division)),
            # A division of the section counts for the section.
            has_section=Exists(
                trades.filter(Q(sector__code=need.section) | Q(sector__section__code=need.section))
            ),
        )
        .values_list("corporation_id", "country", "city", "has_division", "has_section")
        .order_by("pk")
    ):
        if corporation_id not in corporation_ids:
            continue
        key = (country, city, has_division, has_section)
        if key not in same_places:
            same_places[key] = Place(
                country=str(country),
                city=city,
                divisions=frozenset({need.division}) if has_division else frozenset(),
                sections=frozenset({need.section}) if has_section else frozenset(),
                subregion=m49.subregion_of(str(country)),
            )
        places[corporation_id].append(same_places[key])
    return {pk: tuple(places[pk]) for pk in corporation_ids}


def _offers_by_corporation(need: Need, corporation_ids: set[int]) -> dict[int, tuple[Offer, ...]]:
    """The corporations' hosting offers in the target country, when the SME wants hosting;
    one tuple per corporation (1 query, none without hosting)."""
    offers: dict[int, list[Offer]] = defaultdict(list)
    if need.wants_hosting:
        for offer_id, corporation_id, city, desks, reserved, vie in (
            HostingOffer.objects.filter(country=need.country, corporation__is_active=True)
            .values_list("pk", "corporation_id", "city", "desks", "reserved_desks", "vie_accepted")
            .order_by("pk")
        ):
            offers[corporation_id].append(
                Offer(
                    id=offer_id,
                    country=need.country,
                    city=city,
                    free_desks=max(desks - reserved, 0),
                    vie_accepted=vie,
                )
            )
    return {pk: tuple(offers[pk]) for pk in corporation_ids}


# --- Corporations as their coordinators and the association see them ----------------------


def editable_corporations(user) -> QuerySet[MemberCorporation]:
    """The corporations this user may edit: any for staff, their own for a coordinator; the
    same rule as `corporations.change_corporation`, as a queryset for scoped lookups."""
    if is_association_staff(user):
        return MemberCorporation.objects.all()
    interlocutor = interlocutor_of(user)
    if interlocutor is not None and interlocutor.is_active and interlocutor.is_coordinator:
        return MemberCorporation.objects.filter(pk=interlocutor.corporation_id)
    return MemberCorporation.objects.none()


def subquery_total(rows: QuerySet, key: str, aggregate) -> Coalesce:
    """`aggregate` over `rows`, which refer to the outer row through the field `key`, as a
    correlated subquery; 0 when there are none."""
    totals = rows.order_by().values(key).annotate(total=aggregate).values("total")
    return Coalesce(Subquery(totals), 0)


def _count_of(model, *, field: str = "pk", function=Count, **filters) -> Coalesce:
    rows = model.objects.filter(corporation=OuterRef("pk"), **filters)
    return subquery_total(rows, "corporation", function(field))


def corporations_with_counts() -> QuerySet[MemberCorporation]:
    """Every member corporation with its presences, active interlocutors, hosting offers and
    free desks counted (one query, whatever the number of corporations)."""
    return MemberCorporation.objects.annotate(
        presence_count=_count_of(Presence),
        interlocutor_count=_count_of(Interlocutor, is_active=True),
        offer_count=_count_of(HostingOffer),
        free_desk_count=_count_of(
            HostingOffer,
            field=F("desks") - F("reserved_desks"),
            function=Sum,
        ),
    ).order_by("-is_active", "name")
