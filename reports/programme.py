"""What the programme's public pages show: the active member corporations and the countries
where they operate, the world map of those countries, and the live figures.

Nothing personal ever: corporations' names, sites and presentations, countries, desk counts,
and the figures' aggregate counts. No interlocutor, user, SME or application is read here.
"""

import dataclasses
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django_countries import countries

from core import generations
from corporations.models import HostingOffer, MemberCorporation, Presence

from . import caching, figures, worldmap

# The live figures are worked out at most this often (seconds).
HEADLINE_SECONDS = 10 * 60


def live_figures(today: date | None = None) -> figures.Headline:
    """`figures.headline`, kept in the cache until what it counts changes (the generation of
    `reports.caching`) and ten minutes at most; it says as of when. Its figures are numbers,
    the same in every language: the key holds no language, and the date (a new day, new
    figures)."""
    today = today or timezone.localdate()
    return cache.get_or_set(
        f"reports:headline:{generations.current(caching.FIGURES)}:{today.isoformat()}",
        lambda: dataclasses.replace(figures.headline(today), as_of=timezone.now()),
        HEADLINE_SECONDS,
    )


# --- The member corporations and their countries ----------------------------------------------


@dataclass(frozen=True)
class Place:
    """A country as the directory shows it: its code, and its name in the current language
    looked up once per drawing (not at each of its thousand mentions)."""

    code: str
    name: str


@dataclass
class CorporationEntry:
    corporation: MemberCorporation
    countries: list[Place] = field(default_factory=list)  # present or hosting there
    desks: int = 0  # hosting desks offered, all countries
    at_cost_desks: int = 0  # of those, offered at cost

    @property
    def offers_hosting(self) -> bool:
        return self.desks > 0


@dataclass
class CountryEntry:
    country: Place
    corporations: list[MemberCorporation] = field(default_factory=list)
    desks: int = 0  # hosting desks the corporations offer there


@dataclass(frozen=True)
class MapCountry:
    d: str
    title: str
    present: bool


@dataclass(frozen=True)
class Directory:
    """The public list of member corporations, the same by country, and the map."""

    corporations: list[CorporationEntry]
    countries: list[CountryEntry]
    names: "CountryNames"

    def world_map(self) -> list[MapCountry]:
        """Every shape of the map, titled in the current language (with the corporations
        present there), those where a corporation is present marked."""
        by_code = {entry.country.code: entry for entry in self.countries}
        shapes = []
        for shape in worldmap.world_map().shapes:
            title = self.names.name(shape.code) or shape.name
            entry = by_code.get(shape.code)
            if entry is not None:
                title = f"{title} — {', '.join(c.name for c in entry.corporations)}"
            # An outline is numbers, "m", "z", commas and spaces: nothing to escape, on each
            # of its 190 kB.
            d = mark_safe(shape.d)  # noqa: S308  # nosec B308, B703
            shapes.append(MapCountry(d=d, title=title, present=entry is not None))
        return shapes


def directory_html() -> SafeString:
    """The directory and its world map as HTML (some 270 kB, most of it the map), drawn once
    per language and kept in the cache until a corporation, a presence or a hosting offer
    changes (`reports.caching`)."""
    key = f"reports:directory:{generations.current(caching.DIRECTORY)}:{get_language()}"
    html = cache.get(key)
    if html is None:
        found = directory()
        html = str(
            render_to_string(
                "reports/public/_directory.html",
                {
                    "corporations": found.corporations,
                    "countries": found.countries,
                    "map_view_box": worldmap.world_map().view_box,
                    "map_countries": found.world_map(),
                    "as_of": timezone.now(),
                },
            )
        )
        cache.set(key, html, caching.DIRECTORY_SECONDS)
    # Our own template's output, escaped when drawn.
    return mark_safe(html)  # noqa: S308  # nosec B308, B703


def directory() -> Directory:
    """The active member corporations (by name), with where each is present or offers desks,
    and the same by country (in the current language's order of country names): 3 queries.
    The presences and offers are read as plain rows, and each country's name looked up once:
    a country object for each of some 1,000 rows, and a name looked up at each mention, were
    most of the work."""
    corporations = list(
        MemberCorporation.objects.filter(is_active=True)
        .only("name", "slug", "website", "description")
        .order_by("name")
    )
    entries = {corporation.pk: CorporationEntry(corporation) for corporation in corporations}
    names = CountryNames()
    codes: dict[int, set[str]] = {pk: set() for pk in entries}
    by_country: dict[str, CountryEntry] = {}

    def country_entry(code: str) -> CountryEntry:
        if code not in by_country:
            by_country[code] = CountryEntry(names.place(code))
        return by_country[code]

    # No ordering: the countries are sorted here.
    presences = Presence.objects.filter(corporation_id__in=entries).order_by()
    for corporation_id, code in presences.values_list("corporation_id", "country"):
        codes[corporation_id].add(code)
    offers = HostingOffer.objects.filter(corporation_id__in=entries).order_by()
    for corporation_id, code, desks, at_cost in offers.values_list(
        "corporation_id", "country", "desks", "at_cost"
    ):
        codes[corporation_id].add(code)
        entry = entries[corporation_id]
        entry.desks += desks
        entry.at_cost_desks += desks if at_cost else 0
        country_entry(code).desks += desks
    for corporation in corporations:
        for code in codes[corporation.pk]:
            country_entry(code).corporations.append(corporation)
        entries[corporation.pk].countries = names.in_order(codes[corporation.pk])
    return Directory(
        corporations=list(entries.values()),
        countries=[by_country[place.code] for place in names.in_order(by_country)],
        names=names,
    )


class CountryNames:
    """Every country's name in the current language, read once, and django_countries' order
    (by name) to list them in."""

    def __init__(self):
        self.names = {code: str(name) for code, name in countries}
        self.rank = {code: rank for rank, code in enumerate(self.names)}

    def name(self, code: str) -> str:
        """The name, or "" for a code django_countries does not know (as `Country.name`)."""
        return self.names.get(code, "")

    def place(self, code: str) -> Place:
        return Place(code, self.name(code))

    def in_order(self, codes) -> list[Place]:
        """The countries of `codes` in name order, those django_countries does not know left
        out."""
        known = sorted((code for code in codes if code in self.rank), key=self.rank.__getitem__)
        return [Place(code, self.names[code]) for code in known]
