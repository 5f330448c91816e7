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
from django_countries.fields import Country

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
        f"reports:headline:{caching.generation(caching.FIGURES)}:{today.isoformat()}",
        lambda: dataclasses.replace(figures.headline(today), as_of=timezone.now()),
        HEADLINE_SECONDS,
    )


# --- The member corporations and their countries ----------------------------------------------


@dataclass
class CorporationEntry:
    corporation: MemberCorporation
    countries: list[Country] = field(default_factory=list)  # present or hosting there
    desks: int = 0  # hosting desks offered, all countries
    at_cost_desks: int = 0  # of those, offered at cost

    @property
    def offers_hosting(self) -> bool:
        return self.desks > 0


@dataclass
class CountryEntry:
    country: Country
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

    def world_map(self) -> list[MapCountry]:
        """Every shape of the map, titled in the current language (with the corporations
        present there), those where a corporation is present marked."""
        by_code = {entry.country.code: entry for entry in self.countries}
        shapes = []
        for shape in worldmap.world_map().shapes:
            title = countries.name(shape.code) or shape.name
            entry = by_code.get(shape.code)
            if entry is not None:
                title = f"{title} — {', '.join(c.name for c in entry.corporations)}"
            # An outline is numbers, "m", "z", commas and spaces: nothing to escape, on each
            # of its 190 kB.
            d = mark_safe(shape.d)  # noqa: S308  # nosec B308
            shapes.append(MapCountry(d=d, title=title, present=entry is not None))
        return shapes


def directory_html() -> SafeString:
    """The directory and its world map as HTML (some 270 kB, most of it the map), drawn once
    per language and kept in the cache until a corporation, a presence or a hosting offer
    changes (`reports.caching`)."""
    key = f"reports:directory:{caching.generation(caching.DIRECTORY)}:{get_language()}"
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
    return mark_safe(html)  # noqa: S308  # nosec B308 (our own template's output, escaped)


def directory() -> Directory:
    """The active member corporations (by name), with where each is present or offers desks,
    and the same by country (in the current language's order of country names): 3 queries.
    The presences and offers are read as plain rows: a country object each for some 1,000
    rows was most of the work."""
    corporations = list(
        MemberCorporation.objects.filter(is_active=True)
        .only("name", "slug", "website", "description")
        .order_by("name")
    )
    entries = {corporation.pk: CorporationEntry(corporation) for corporation in corporations}
    codes: dict[int, set[str]] = {pk: set() for pk in entries}
    by_country: dict[str, CountryEntry] = {}
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
        place = by_country.get(code) or by_country.setdefault(code, CountryEntry(Country(code)))
        place.desks += desks
    order = name_order()
    for corporation in corporations:
        for code in codes[corporation.pk]:
            place = by_country.get(code) or by_country.setdefault(code, CountryEntry(Country(code)))
            place.corporations.append(corporation)
        entries[corporation.pk].countries = in_name_order(codes[corporation.pk], order)
    return Directory(
        corporations=list(entries.values()),
        countries=[by_country[country.code] for country in in_name_order(by_country, order)],
    )


def name_order() -> dict[str, int]:
    """Each country's rank in django_countries' order: by name, in the current language."""
    return {country.code: rank for rank, country in enumerate(countries)}


def in_name_order(codes, order: dict[str, int] | None = None) -> list[Country]:
    """The countries of `codes` in django_countries' order (`name_order`), those it does not
    know left out."""
    order = order if order is not None else name_order()
    return [Country(code) for code in sorted((c for c in codes if c in order), key=order.get)]
