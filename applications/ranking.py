"""The ranking staff read on an application's page: the application's need, the interlocutors
ranked for it (`corporations.matching.rank` over `corporations.selectors.load_candidates`),
cached until what it depends on changes.

`ranking_for` reads every candidate interlocutor with their corporation's presences,
offers, load and record: a few queries, and some ten milliseconds of building them. Staff open
an application's page far more often than any of that changes, so the ranking is kept in the
cache under a key that holds everything it is worked out from:

- the application's need: its target country and city, its company's sector, the hosting it
  asks for, and today's date (absences are judged on the day);
- the language (the countries of the corporations listed as present nearby are named in it);
- a generation of the matching data, which every change of what the ranking reads moves on:
  an interlocutor (their countries, capacity, load, record, activity, name), their sectors or
  absences, a corporation, a presence or its sectors, a hosting offer, a sector, a match
  (proposed, accepted, declined, expired, closed), an application event (every workflow move,
  the counters the services update with it) and a user saved (a name, an account deactivated).
  The signals below move it on when any of those rows is saved or deleted; `invalidate()` is
  for the bulk updates that send no signal (`corporations.services.recount_records`).

The generation is `core.generations`', named by `corporations.selectors.RANKING`. The page says
as of when the ranking was worked out.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone, translation

from core import generations
from corporations.matching import Need, Ranking, rank
from corporations.models import (
    Absence,
    HostingOffer,
    Interlocutor,
    Match,
    MemberCorporation,
    Presence,
)
from corporations.selectors import RANKING, load_candidates, present_uncovered
from reference import m49
from reference.models import Sector

from .models import Application, ApplicationEvent

# A cached ranking is worked out again at least this often (seconds), whatever happens.
RANKING_SECONDS = 60 * 60


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
    """The ranked interlocutors for an application (3 queries, whatever the data's size; 2
    more when nobody ranked knows the country, for the corporations present there anyway)."""
    need = need_of(application, on=on)
    ranking = rank(need, load_candidates(need, application_id=application.pk))
    nobody = not ranking.available and not ranking.unavailable
    if nobody or ranking.nearby_only:
        ranking.uncovered, ranking.uncovered_nearby = present_uncovered(need, or_subregion=nobody)
    return ranking


@dataclass(frozen=True)
class CachedRanking:
    ranking: Ranking
    as_of: datetime  # when it was worked out
    # What the caller's `proposable()` returned with it: the interlocutors staff may propose the
    # application to, which the same rows and matches decide (one cache entry for both).
    proposable: list | None = None


def ranking_of(application: Application, *, proposable=None) -> CachedRanking:
    """The application's ranking as of the last change of what it depends on (worked out now
    when there was one since), with `proposable()` if given."""
    # The generation is read before the ranking is worked out: a change committed meanwhile
    # moves it on, and what was read before it is kept under the old one, never read again.
    key = _key(application, generations.current(RANKING))
    cached = cache.get(key)
    if cached is None:
        cached = CachedRanking(
            ranking_for(application), timezone.now(), proposable() if proposable else None
        )
        cache.set(key, cached, RANKING_SECONDS)
    elif proposable is not None and cached.proposable is None:
        cached = CachedRanking(cached.ranking, cached.as_of, proposable())
        cache.set(key, cached, RANKING_SECONDS)
    return cached


def _key(application: Application, generation: str) -> str:
    need = (
        application.pk,
        str(application.target_country),
        application.target_city,
        application.company.sector_id,
        application.wants_hosting,
        application.hosting_desks,
        application.hosting_vie_count,
        timezone.localdate().isoformat(),
        translation.get_language(),
    )
    return f"corporations:ranking:{generation}:{':'.join(str(part) for part in need)}"


def invalidate() -> None:
    """Every cached ranking is worked out again on its next reading (see `generations.bump`)."""
    generations.bump(RANKING)


def connect() -> None:
    """Wire the signals (from `ApplicationsConfig.ready`); a login (`last_login` saved alone)
    changes nothing the ranking reads."""
    generations.follow(
        RANKING,
        (
            Interlocutor,
            Absence,
            MemberCorporation,
            Presence,
            HostingOffer,
            Match,
            Sector,
            ApplicationEvent,
            get_user_model(),
        ),
        through=(Interlocutor.sectors.through, Presence.sectors.through),
        logins=False,
    )
