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
from django.utils.translation import ngettext

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


@dataclass
class Ranked:
    candidate: Candidate
    score: int
    reasons: list[str] = field(default_factory=list)
    nearby: bool = False  # present only in the sub-region, not in the country
    offer_id: int | None = None  # the hosting offer that would take the SME's desks
    unavailable: str = ""  # why they cannot take it now; empty when available

    @property
    def available(self) -> bool:
        return not self.unavailable


@dataclass
class Ranking:
    available: list[Ranked]
    unavailable: list[Ranked]

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
    in_country = [c for c in candidates if _knows(c, need, nearby=False)]
    pool = in_country or [c for c in candidates if _knows(c, need, nearby=True)]
    nearby = not in_country
    ranked = [_score(c, need, nearby=nearby) for c in pool]
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


def _knows(candidate: Candidate, need: Need, *, nearby: bool) -> bool:
    """Present there, and the interlocutor covers (one of) the countries concerned."""
    places = _places_for(candidate, need, nearby=nearby)
    return any(_covers(candidate, place, need) for place in places)


def _score(candidate: Candidate, need: Need, *, nearby: bool) -> Ranked:
    places = [p for p in _places_for(candidate, need, nearby=nearby) if _covers(candidate, p, need)]
    result = Ranked(candidate=candidate, score=0, nearby=nearby)
    add = _adder(result)

    if nearby:
        countries = ", ".join(sorted({p.country for p in places}))
        add(
            W_SUBREGION,
            _("Présent dans la même sous-région (%(countries)s), pas dans le pays.")
            % {"countries": countries},
        )
    else:
        add(W_COUNTRY, _("Présent dans le pays cible."))
        if need.city and any(_same_city(p.city, need.city) for p in places):
            add(W_CITY, _("Présent à %(city)s.") % {"city": need.city})
    if candidate.covers and need.country in candidate.covers:
        add(W_COVERS_COUNTRY, _("Le correspondant suit ce pays."))

    divisions = frozenset().union(*(p.divisions for p in places))
    sections = frozenset().union(*(p.sections for p in places))
    if need.division and need.division in divisions:
        add(W_DIVISION, _("Même métier sur place (NAF %(code)s).") % {"code": need.division})
    elif need.section and need.section in sections:
        add(
            W_SECTION, _("Métier voisin sur place (section NAF %(code)s).") % {"code": need.section}
        )
    else:
        add(0, _("Aucun métier commun sur place."))
    if need.division in candidate.follows or need.section in candidate.follows:
        add(W_FOLLOWS_SECTOR, _("Le correspondant suit ce secteur."))

    if need.wants_hosting:
        _score_hosting(candidate, need, result, add)

    free = max(candidate.capacity - candidate.open_accompaniments, 0)
    if candidate.capacity:
        add(
            round(W_CAPACITY * free / candidate.capacity),
            _("Capacité : %(open)s dossier(s) suivi(s) sur %(capacity)s.")
            % {"open": candidate.open_accompaniments, "capacity": candidate.capacity},
        )
    _score_record(candidate, add)

    if candidate.declined_this:
        result.unavailable = _("A déjà décliné ce dossier.")
    elif free == 0:
        result.unavailable = ngettext(
            "Capacité atteinte (%(capacity)s dossier suivi).",
            "Capacité atteinte (%(capacity)s dossiers suivis).",
            candidate.capacity,
        ) % {"capacity": candidate.capacity}
    elif candidate.absent_until is not None:
        result.unavailable = _("Absent jusqu'au %(date)s.") % {
            "date": date_format(candidate.absent_until, "SHORT_DATE_FORMAT")
        }
    return result


def _score_hosting(candidate: Candidate, need: Need, result: Ranked, add) -> None:
    offers = [
        o for o in candidate.offers if o.country == need.country and o.free_desks >= need.desks
    ]
    if need.vie:
        with_vie = [o for o in offers if o.vie_accepted]
        offers = with_vie or offers
    if not offers:
        add(0, _("Pas d'offre d'hébergement avec assez de postes libres dans le pays."))
        return
    # The best offer: in the city first, then VIE accepted, then most free desks, then id.
    offers.sort(
        key=lambda o: (
            not _same_city(o.city, need.city),
            not o.vie_accepted,
            -o.free_desks,
            o.id,
        )
    )
    best = offers[0]
    result.offer_id = best.id
    add(
        W_HOSTING,
        _("Hébergement possible à %(city)s : %(free)s poste(s) libre(s).")
        % {"city": best.city, "free": best.free_desks},
    )
    if need.city and _same_city(best.city, need.city):
        add(W_HOSTING_CITY, _("L'offre est dans la ville visée."))
    if need.vie and best.vie_accepted:
        add(W_VIE, _("VIE acceptés."))


def _score_record(candidate: Candidate, add) -> None:
    k = RECORD_PRIOR_WEIGHT
    acceptance = (candidate.accepted + PRIOR_ACCEPTANCE * k) / (candidate.proposals + k)
    rating = (candidate.rating_sum + PRIOR_RATING * k) / (candidate.rating_count + k)
    record = (acceptance + (rating - 1) / 4) / 2  # both in 0..1
    if candidate.proposals == 0 and candidate.rating_count == 0:
        reason = _("Nouveau correspondant : pas encore d'historique.")
    elif candidate.rating_count:
        reason = _(
            "%(accepted)s proposition(s) acceptée(s) sur %(proposals)s, note moyenne "
            "%(rating).1f/5."
        ) % {
            "accepted": candidate.accepted,
            "proposals": candidate.proposals,
            "rating": candidate.rating_sum / candidate.rating_count,
        }
    else:
        reason = _("%(accepted)s proposition(s) acceptée(s) sur %(proposals)s.") % {
            "accepted": candidate.accepted,
            "proposals": candidate.proposals,
        }
    add(round(W_RECORD * record), reason)


def _adder(result: Ranked):
    def add(points: int, reason: str) -> None:
        result.score += points
        result.reasons.append(reason)

    return add


def _same_city(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a.strip().casefold() == b.strip().casefold()
