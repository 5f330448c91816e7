"""The matching engine: rank the interlocutors who could take an application.

A pure function over plain data: `rank(need, candidates)` reads no database and depends on
nothing but its arguments, so it can be read and tested alone. `corporations.selectors`
loads the data it needs in a fixed number of queries.

For each application the programme must find an interlocutor who knows the target country and
works in a coherent trade. A candidate's score adds up the reasons below; each reason comes with
a sentence in plain French (English through gettext) that staff read beside the score.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from core import typography

# --- Weights: points a reason adds to the score (the maximum is about 130). -------------------

# The corporation operates in the target country: the programme's first condition.
W_COUNTRY = 40
# Only in the same UN M49 sub-region: a useful fallback, worth much less than the country
# (at least W_DIVISION less, so that a presence in the country never lowers a candidate).
W_SUBREGION = 15
# The corporation is in the very city the SME aims at: quick physical hosting.
W_CITY = 10
# The interlocutor personally covers the target country.
W_COVERS_COUNTRY = 10
# The corporation works there in the SME's NAF division: the same trade.
W_DIVISION = 25
# Only in the same NAF section: a neighbouring trade.
W_SECTION = 12
# The interlocutor follows the SME's sector personally.
W_FOLLOWS_SECTOR = 5
# Hosting is asked and an offer there has enough free desks; more in the very city.
W_HOSTING = 12
W_HOSTING_CITY = 4
# VIE are asked and the offer takes VIE.
W_VIE = 4
# Free capacity: an interlocutor with room left follows the SME better (scaled 0..W).
W_CAPACITY = 8
# The record: proposals accepted and SMEs' ratings, smoothed towards a prior so that a
# newcomer starts from a fair middle and is not buried under those with a history (0..W).
W_RECORD = 10
RECORD_PRIOR_WEIGHT = 3  # how many imaginary proposals/ratings the prior counts for
PRIOR_ACCEPTANCE = 0.6
PRIOR_RATING = 4.0


# --- Input --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """What the application asks, and where."""

    country: str
    city: str = ""
    subregion: str | None = None
    division: str = ""  # the SME's NAF division ("71")
    section: str = ""  # its NAF section ("M")
    wants_hosting: bool = False
    desks: int = 0
    vie: int = 0
    on: date | None = None  # the day availability is judged (today)


@dataclass(frozen=True)
class Place:
    """A presence of the corporation: where, and in which trades."""

    country: str
    city: str = ""
    divisions: frozenset[str] = frozenset()
    sections: frozenset[str] = frozenset()
    subregion: str | None = None


@dataclass(frozen=True)
class Offer:
    id: int
    country: str
    city: str
    free_desks: int
    vie_accepted: bool = True


@dataclass(frozen=True)
class Candidate:
    """An interlocutor and what the engine needs to know of them and their corporation."""

    id: int
    name: str
    corporation: str
    covers: frozenset[str] = frozenset()  # countries; empty: all of the corporation's
    follows: frozenset[str] = frozenset()  # NAF codes (divisions or sections) they follow
    places: tuple[Place, ...] = ()
    offers: tuple[Offer, ...] = ()
    capacity: int = 3
    open_accompaniments: int = 0
    absent_until: date | None = None  # set when absent on `Need.on`
    proposals: int = 0  # decided proposals (accepted or declined), all applications
    accepted: int = 0
    rating_sum: int = 0
    rating_count: int = 0
    declined_this: bool = False  # this interlocutor already declined this application


# --- Output -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plural:
    """A message with a count: its two French forms, translated with `ngettext` when read, and
    the parameter that holds the count."""

    singular: str
    plural: str
    count: str


Reason = tuple[int, "str | Plural", dict | None]  # points, message (untranslated), parameters


def _say(message: "str | Plural", parameters: dict | None) -> str:
    """A reason in the active language; a rating with one decimal in the locale's format."""
    if parameters is None:
        return _(message)
    if isinstance(message, Plural):
        text = ngettext(message.singular, message.plural, parameters[message.count])
    else:
        text = _(message)
    if "rating" in parameters:
        parameters = {**parameters, "rating": typography.number(parameters["rating"], 1)}
    return text % parameters


# Why a candidate cannot take the application now, in the order they are checked.
DECLINED = "declined"  # they already declined this application
FULL = "full"  # their capacity is reached
ABSENT = "absent"  # absent on the day


@dataclass
class Ranked:
    candidate: Candidate
    score: int
    # (points, message, parameters) for each reason; the score is their sum. The messages are
    # translated only when read: a crowded country has hundreds of candidates and staff read
    # the reasons of a few.
    scored_reasons: list[Reason] = field(default_factory=list)
    nearby: bool = False  # present only in the sub-region, not in the country
    offer_id: int | None = None  # the hosting offer that would take the SME's desks
    # Why they cannot take it now (DECLINED, FULL or ABSENT); empty when available.
    unavailable_because: str = ""

    @property
    def available(self) -> bool:
        return not self.unavailable_because

    @property
    def unavailable(self) -> str:
        """Why they cannot take it now, in plain language; empty when available."""
        candidate = self.candidate
        if self.unavailable_because == DECLINED:
            return _("A déjà décliné ce dossier.")
        if self.unavailable_because == FULL:
            return ngettext(
                "Capacité atteinte (%(capacity)s dossier suivi).",
                "Capacité atteinte (%(capacity)s dossiers suivis).",
                candidate.capacity,
            ) % {"capacity": candidate.capacity}
        if self.unavailable_because == ABSENT:
            return _("Absent jusqu'au %(date)s.") % {
                "date": date_format(candidate.absent_until, "SHORT_DATE_FORMAT")
            }
        return ""

    @property
    def reasons(self) -> list[str]:
        """The reasons in plain language, in the active language."""
        return [_say(message, parameters) for _points, message, parameters in self.scored_reasons]


@dataclass(frozen=True)
class Contact:
    name: str
    email: str


@dataclass(frozen=True)
class Uncovered:
    """A member corporation present where the application aims, that no interlocutor of the
    ranking represents there: staff can ask one of its coordinators for an interlocutor."""

    corporation: str
    coordinators: tuple[Contact, ...] = ()
    countries: tuple[str, ...] = ()  # the countries' names, when only in the sub-region


@dataclass
class Ranking:
    available: list[Ranked]
    unavailable: list[Ranked]
    # Not the engine's: `corporations.selectors.ranking_for` fills them when nobody ranked knows
    # the country. The corporations present in the country anyway (or, when none is and nobody
    # at all is ranked, in its sub-region: `uncovered_nearby`).
    uncovered: list[Uncovered] = field(default_factory=list)
    uncovered_nearby: bool = False

    @property
    def nearby_only(self) -> bool:
        """No candidate is present in the country: those listed are sub-region neighbours."""
        return bool(self.available or self.unavailable) and all(
            r.nearby for r in self.available + self.unavailable
        )


# --- The engine ---------------------------------------------------------------------------


def rank(need: Need, candidates: list[Candidate] | tuple[Candidate, ...]) -> Ranking:
    """Score every candidate who knows the country (or, failing anyone there, the sub-region),
    best first; those who cannot take the application now are set apart with the reason."""
    # Interlocutors of one corporation share its places and offers: what follows from them is
    # worked out once per corporation (the loader passes the same tuples; equal ones merely
    # miss the memo).
    memo: dict = {}
    in_country = [c for c in candidates if _seen_places(c, need, nearby=False, memo=memo)]
    nearby = not in_country
    if nearby:
        pool = [c for c in candidates if _seen_places(c, need, nearby=True, memo=memo)]
    else:
        pool = in_country
    ranked = [_score(c, need, nearby=nearby, memo=memo) for c in pool]
    # A total order: score, then names, then id, whatever order the input came in.
    ranked.sort(key=lambda r: (-r.score, r.candidate.corporation, r.candidate.name, r.candidate.id))
    return Ranking(
        available=[r for r in ranked if r.available],
        unavailable=[r for r in ranked if not r.available],
    )


def _places_for(candidate: Candidate, need: Need, *, nearby: bool) -> list[Place]:
    if nearby:
        return [p for p in candidate.places if need.subregion and p.subregion == need.subregion]
    return [p for p in candidate.places if p.country == need.country]


def _covers(candidate: Candidate, place: Place, need: Need) -> bool:
    """The interlocutor covers the place's country, or the target country itself (someone who
    follows Vietnam from the group's Bangkok office still knows Vietnam)."""
    return not candidate.covers or bool({place.country, need.country} & candidate.covers)


def _seen_places(candidate: Candidate, need: Need, *, nearby: bool, memo: dict) -> list[Place]:
    """The places where the candidate knows the country (none: they do not), memoised: who
    covers the target country, or every country, sees all their corporation's places there;
    others those in the countries they cover."""
    covers = candidate.covers
    key = (
        "seen",
        id(candidate.places),
        covers if covers and need.country not in covers else None,
        nearby,
    )
    if key not in memo:
        memo[key] = [
            place
            for place in _places_for(candidate, need, nearby=nearby)
            if _covers(candidate, place, need)
        ]
    return memo[key]


class Text:
    """The reasons' texts, marked for translation and translated when read (`Ranked.reasons`)."""

    SUBREGION = gettext_noop("Présent dans la même sous-région (%(countries)s), pas dans le pays.")
    COUNTRY = gettext_noop("Présent dans le pays cible.")
    CITY = gettext_noop("Présent à %(city)s.")
    COVERS_COUNTRY = gettext_noop("Le correspondant suit ce pays.")
    DIVISION = gettext_noop("Même métier sur place (NAF %(code)s).")
    SECTION = gettext_noop("Métier voisin sur place (section NAF %(code)s).")
    NO_TRADE = gettext_noop("Aucun métier commun sur place.")
    FOLLOWS_SECTOR = gettext_noop("Le correspondant suit ce secteur.")
    NO_OFFER = gettext_noop("Pas d'offre d'hébergement avec assez de postes libres dans le pays.")
    HOSTING = Plural(
        "Hébergement possible à %(city)s : %(free)s poste libre.",
        "Hébergement possible à %(city)s : %(free)s postes libres.",
        "free",
    )
    HOSTING_CITY = gettext_noop("L'offre est dans la ville visée.")
    VIE = gettext_noop("VIE acceptés.")
    LOAD = Plural(
        "Capacité : %(open)s dossier suivi sur %(capacity)s.",
        "Capacité : %(open)s dossiers suivis sur %(capacity)s.",
        "open",
    )
    NEWCOMER = gettext_noop("Nouveau correspondant : pas encore d'historique.")
    RECORD_RATED = Plural(
        "%(accepted)s sur %(proposals)s proposition acceptée, note moyenne %(rating)s/5.",
        "%(accepted)s sur %(proposals)s propositions acceptées, note moyenne %(rating)s/5.",
        "proposals",
    )
    RECORD = Plural(
        "%(accepted)s sur %(proposals)s proposition acceptée.",
        "%(accepted)s sur %(proposals)s propositions acceptées.",
        "proposals",
    )


def _score(candidate: Candidate, need: Need, *, nearby: bool, memo: dict) -> Ranked:
    places = _seen_places(candidate, need, nearby=nearby, memo=memo)
    key = ("reasons", id(places))
    if key not in memo:
        memo[key] = _place_reasons(places, need, nearby=nearby)
    where, trade = memo[key]
    covers_country = need.country in candidate.covers

    reasons = list(where)
    if covers_country:
        reasons.append((W_COVERS_COUNTRY, Text.COVERS_COUNTRY, None))
    reasons.append(trade)
    if need.division in candidate.follows or need.section in candidate.follows:
        reasons.append((W_FOLLOWS_SECTOR, Text.FOLLOWS_SECTOR, None))

    offer_id = None
    if need.wants_hosting:
        key = ("offers", id(candidate.offers))
        if key not in memo:
            memo[key] = _hosting(candidate.offers, need)
        offer_id, hosting = memo[key]
        reasons.extend(hosting)

    free = max(candidate.capacity - candidate.open_accompaniments, 0)
    if candidate.capacity:
        reasons.append(
            (
                round(W_CAPACITY * free / candidate.capacity),
                Text.LOAD,
                {"open": candidate.open_accompaniments, "capacity": candidate.capacity},
            )
        )
    reasons.append(_record(candidate))

    if candidate.declined_this:
        unavailable_because = DECLINED
    elif free == 0:
        unavailable_because = FULL
    elif candidate.absent_until is not None:
        unavailable_because = ABSENT
    else:
        unavailable_because = ""
    return Ranked(
        candidate=candidate,
        score=sum(reason[0] for reason in reasons),
        scored_reasons=reasons,
        nearby=nearby,
        offer_id=offer_id,
        unavailable_because=unavailable_because,
    )


def _place_reasons(places: list[Place], need: Need, *, nearby: bool) -> tuple[list[Reason], Reason]:
    """Where the candidate's corporation is (country, city or only the sub-region) and how
    close its trade there is to the SME's."""
    where: list[Reason] = []
    if nearby:
        countries = ", ".join(sorted({p.country for p in places}))
        where.append((W_SUBREGION, Text.SUBREGION, {"countries": countries}))
    else:
        where.append((W_COUNTRY, Text.COUNTRY, None))
        if need.city and any(_same_city(p.city, need.city) for p in places):
            where.append((W_CITY, Text.CITY, {"city": need.city}))

    if need.division and any(need.division in p.divisions for p in places):
        trade = (W_DIVISION, Text.DIVISION, {"code": need.division})
    elif need.section and any(need.section in p.sections for p in places):
        trade = (W_SECTION, Text.SECTION, {"code": need.section})
    else:
        trade = (0, Text.NO_TRADE, None)
    return where, trade


def _hosting(offers: tuple[Offer, ...], need: Need) -> tuple[int | None, list[Reason]]:
    """The best of the corporation's offers for the SME's desks, and why."""
    offers = [o for o in offers if o.country == need.country and o.free_desks >= need.desks]
    if need.vie:
        with_vie = [o for o in offers if o.vie_accepted]
        offers = with_vie or offers
    if not offers:
        return None, [(0, Text.NO_OFFER, None)]
    # The best offer: in the city first, then VIE accepted, then most free desks, then id.
    best = min(
        offers,
        key=lambda o: (not _same_city(o.city, need.city), not o.vie_accepted, -o.free_desks, o.id),
    )
    reasons: list[Reason] = [
        (W_HOSTING, Text.HOSTING, {"city": best.city, "free": best.free_desks})
    ]
    if need.city and _same_city(best.city, need.city):
        reasons.append((W_HOSTING_CITY, Text.HOSTING_CITY, None))
    if need.vie and best.vie_accepted:
        reasons.append((W_VIE, Text.VIE, None))
    return best.id, reasons


def _record(candidate: Candidate) -> Reason:
    k = RECORD_PRIOR_WEIGHT
    acceptance = (candidate.accepted + PRIOR_ACCEPTANCE * k) / (candidate.proposals + k)
    rating = (candidate.rating_sum + PRIOR_RATING * k) / (candidate.rating_count + k)
    record = (acceptance + (rating - 1) / 4) / 2  # both in 0..1
    points = round(W_RECORD * record)
    if candidate.proposals == 0 and candidate.rating_count == 0:
        return points, Text.NEWCOMER, None
    parameters = {"accepted": candidate.accepted, "proposals": candidate.proposals}
    if candidate.rating_count:
        parameters["rating"] = candidate.rating_sum / candidate.rating_count
        return points, Text.RECORD_RATED, parameters
    return points, Text.RECORD, parameters


def _same_city(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a.strip().casefold() == b.strip().casefold()
