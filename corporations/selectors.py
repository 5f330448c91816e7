"""Reads for corporations: the data the matching engine needs, in a fixed number of queries."""

from collections import defaultdict
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from applications.models import Application

from . import m49
from .enums import MatchStatus
from .matching import Candidate, Need, Offer, Place, Ranking, rank
from .models import Absence, HostingOffer, Interlocutor, Match, Presence


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


def load_candidates(need: Need, *, application_id: int | None = None) -> list[Candidate]:
    """Every active interlocutor whose corporation is present in the target country or its
    sub-region, with their presences there, hosting offers in the country, load and record."""
    countries = {need.country}
    if need.subregion:
        countries |= m49.countries_in(need.subregion)

    # 1. The presences there, with their NAF divisions and sections (one query, aggregated
    # through the join table).
    places_by_corporation: dict[int, list[Place]] = defaultdict(list)
    presence_rows = (
        Presence.objects.filter(country__in=countries, corporation__is_active=True)
        .values_list("pk", "corporation_id", "country", "city")
        .order_by("pk")
    )
    presences = list(presence_rows)
    if not presences:
        return []
    codes_by_presence: dict[int, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    # 2. The presences' sectors.
    sector_rows = Presence.sectors.through.objects.filter(
        presence_id__in=[row[0] for row in presences]
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
    corporation_ids = list(places_by_corporation)

    # 3. The interlocutors of those corporations, with their decided proposals and ratings.
    interlocutors = list(
        Interlocutor.objects.filter(
            corporation_id__in=corporation_ids, is_active=True, user__is_active=True
        )
        .annotate(
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
        )
        .values(
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
    ids = [row["pk"] for row in interlocutors]

    # 4. The sectors each interlocutor follows.
    follows: dict[int, set[str]] = defaultdict(set)
    for interlocutor_id, code in Interlocutor.sectors.through.objects.filter(
        interlocutor_id__in=ids
    ).values_list("interlocutor_id", "sector__code"):
        follows[interlocutor_id].add(code)

    # 5. The absences covering the day.
    absent_until: dict[int, date] = {}
    for interlocutor_id, end in Absence.objects.filter(
        interlocutor_id__in=ids, start__lte=need.on, end__gte=need.on
    ).values_list("interlocutor_id", "end"):
        absent_until[interlocutor_id] = max(end, absent_until.get(interlocutor_id, end))

    # 6. The hosting offers in the target country.
    offers_by_corporation: dict[int, list[Offer]] = defaultdict(list)
    if need.wants_hosting:
        for offer_id, corporation_id, country, city, desks, reserved, vie in (
            HostingOffer.objects.filter(corporation_id__in=corporation_ids, country=need.country)
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
