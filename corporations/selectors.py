"""Reads for corporations: the data the matching engine needs, in a fixed number of queries;
the corporations each user may edit, and the association's list of them."""

from collections import defaultdict
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.rules import is_association_staff
from applications.models import Application

from . import m49
from .enums import MatchStatus
from .matching import Candidate, Need, Offer, Place, Ranking, rank
from .models import Absence, HostingOffer, Interlocutor, Match, MemberCorporation, Presence
from .rules import interlocutor_of


def need_of(application: Application, *, on: date | None = None) -> Need:
    sector = application.company.sector
    country = str(application.target_country)
    return Need(
        country=country,
        city=application.target_city,
        subregion=m49.subregion_of(country),
        division=sector.code if sector.section_id else "",
        section=sector.section.code if sector.section_id else sector.code,
        wants_hosting=application.wants_hosting,
        desks=application.hosting_desks or 0,
        vie=application.hosting_vie_count or 0,
        on=on or timezone.localdate(),
    )


def ranking_for(application: Application, *, on: date | None = None) -> Ranking:
    """The ranked interlocutors for an application (7 queries, whatever the data's size)."""
    need = need_of(application, on=on)
    return rank(need, load_candidates(need, application_id=application.pk))


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


def load_candidates(need: Need, *, application_id: int | None = None) -> list[Candidate]:
    """Every active interlocutor the engine would rank: present in the target country and
    covering it or, when nobody does, in its sub-region; with their corporation's presences in
    the sub-region, its hosting offers in the country, their load and their record.

    No query takes a list of ids: each repeats the conditions as a subquery, so that a crowded
    country costs the database a join rather than Python thousands of parameters."""
    countries = {need.country}
    if need.subregion:
        countries |= m49.countries_in(need.subregion)

    # 1. The presences there, with their NAF divisions and sections (one query, aggregated
    # through the join table).
    places_by_corporation: dict[int, list[Place]] = defaultdict(list)
    places_there = Presence.objects.filter(country__in=countries, corporation__is_active=True)
    presences = list(
        places_there.values_list("pk", "corporation_id", "country", "city").order_by("pk")
    )
    if not presences:
        return []
    codes_by_presence: dict[int, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    # 2. The presences' sectors.
    sector_rows = Presence.sectors.through.objects.filter(
        presence__in=places_there.values("pk")
    ).values_list("presence_id", "sector__code", "sector__section__code")
    for presence_id, code, section_code in sector_rows:
        divisions, sections = codes_by_presence[presence_id]
        if section_code:  # a division: count its section too
            divisions.add(code)
            sections.add(section_code)
        else:
            sections.add(code)
    for presence_id, corporation_id, country, city in presences:
        divisions, sections = codes_by_presence[presence_id]
        places_by_corporation[corporation_id].append(
            Place(
                country=str(country),
                city=city,
                divisions=frozenset(divisions),
                sections=frozenset(sections),
                subregion=m49.subregion_of(str(country)),
            )
        )

    # 3. The interlocutors who know the country (`matching._knows` in SQL) or, when nobody
    # does, a country of the sub-region, with their decided proposals and ratings. The
    # sub-region condition may let through someone who covers one country and whose
    # corporation is present in another: `rank` leaves them out.
    active = Interlocutor.objects.filter(
        is_active=True, user__is_active=True, corporation__is_active=True
    )
    knows_country = _covering({need.country}) & _present_in({need.country})
    who = knows_country
    if need.subregion:
        who |= ~Exists(active.filter(knows_country)) & _covering(countries) & _present_in(countries)
    candidates = active.filter(who)
    interlocutors = list(
        candidates.annotate(
            decided=Count(
                "matches",
                filter=Q(matches__status__in=[MatchStatus.ACCEPTED, MatchStatus.DECLINED]),
            ),
            accepted=Count("matches", filter=Q(matches__status=MatchStatus.ACCEPTED)),
            rating_sum=Sum(
                "matches__application__rating",
                filter=Q(matches__status=MatchStatus.ACCEPTED),
            ),
            rating_count=Count(
                "matches__application__rating",
                filter=Q(matches__status=MatchStatus.ACCEPTED),
            ),
            declined_this=Exists(
                Match.objects.filter(
                    interlocutor=OuterRef("pk"),
                    application_id=application_id,
                    status=MatchStatus.DECLINED,
                )
            ),
        ).values(
            "pk",
            "user__first_name",
            "user__last_name",
            "user__email",
            "corporation_id",
            "corporation__name",
            "countries",
            "capacity",
            "open_accompaniments",
            "decided",
            "accepted",
            "rating_sum",
            "rating_count",
            "declined_this",
        )
    )
    if not interlocutors:
        return []

    # 4. The sectors each interlocutor follows.
    follows: dict[int, set[str]] = defaultdict(set)
    for interlocutor_id, code in Interlocutor.sectors.through.objects.filter(
        interlocutor__in=candidates.values("pk")
    ).values_list("interlocutor_id", "sector__code"):
        follows[interlocutor_id].add(code)

    # 5. The absences covering the day: few rows, cheaper read whole than filtered by the
    # candidates' conditions again.
    absent_until: dict[int, date] = {}
    for interlocutor_id, end in Absence.objects.filter(
        start__lte=need.on, end__gte=need.on
    ).values_list("interlocutor_id", "end"):
        absent_until[interlocutor_id] = max(end, absent_until.get(interlocutor_id, end))

    # 6. The hosting offers in the target country (each candidate picks its corporation's).
    offers_by_corporation: dict[int, list[Offer]] = defaultdict(list)
    if need.wants_hosting:
        for offer_id, corporation_id, country, city, desks, reserved, vie in (
            HostingOffer.objects.filter(country=need.country, corporation__is_active=True)
            .values_list(
                "pk", "corporation_id", "country", "city", "desks", "reserved_desks", "vie_accepted"
            )
            .order_by("pk")
        ):
            offers_by_corporation[corporation_id].append(
                Offer(
                    id=offer_id,
                    country=str(country),
                    city=city,
                    free_desks=max(desks - reserved, 0),
                    vie_accepted=vie,
                )
            )

    return [
        Candidate(
            id=row["pk"],
            name=f"{row['user__first_name']} {row['user__last_name']}".strip()
            or row["user__email"],
            corporation=row["corporation__name"],
            covers=frozenset(code for code in (row["countries"] or "").split(",") if code),
            follows=frozenset(follows[row["pk"]]),
            places=tuple(places_by_corporation[row["corporation_id"]]),
            offers=tuple(offers_by_corporation[row["corporation_id"]]),
            capacity=row["capacity"],
            open_accompaniments=row["open_accompaniments"],
            absent_until=absent_until.get(row["pk"]),
            proposals=row["decided"],
            accepted=row["accepted"],
            rating_sum=row["rating_sum"] or 0,
            rating_count=row["rating_count"],
            declined_this=row["declined_this"],
        )
        for row in interlocutors
    ]


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


def _count_of(model, *, field: str = "pk", function=Count, **filters) -> Coalesce:
    rows = (
        model.objects.filter(corporation=OuterRef("pk"), **filters)
        .order_by()
        .values("corporation")
        .annotate(total=function(field))
        .values("total")
    )
    return Coalesce(Subquery(rows), 0)


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
