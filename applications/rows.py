"""The rows of the queues (the association's, the interlocutor's) as their pages show them.

Worked out in Python, once per page: in a Django template, each `{% include %}`, each
`{% blocktranslate %}` and each `get_FOO_display` (which hashes the field's choices on every
call) costs tens of microseconds, and a queue shows fifty rows, each with a state badge and a
review clock. The queue templates then only write ready strings, in one loop.
"""

import functools
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext, gettext_lazy, ngettext

from reference.geography import REGION_NAMES

from . import clock as review_clock
from .enums import STATE_BADGES, State
from .models import Application

SECTOR_LABEL_CHARS = 40  # the sector's label is cut to this in the staff and sponsor queues

# The header of the date column of the sponsor's and the association's queues, by the field it
# shows, as their templates write it: a row repeats its headers in `data-label`, which a phone
# shows above each cell when the table becomes stacked rows (`.table-stack`, static/css/pacte.css).
DATE_LABELS = {
    "submitted_at": gettext_lazy("Soumise le"),
    "endorsed_at": gettext_lazy("Parrainée le"),
}

# What the rows read of an application, its company and its sector (`shown`).
APPLICATION_FIELDS = (
    "company",
    "state",
    "target_country",
    "target_city",
    "wants_advice",
    "wants_hosting",
    "wants_commercial",
    "created_at",
    "updated_at",
    "submitted_at",
    "endorsed_at",
    *review_clock.FIELDS,
)
COMPANY_FIELDS = ("company__legal_name", "company__region", "company__sector")
SECTOR_FIELDS = ("company__sector__code", "company__sector__label_fr", "company__sector__label_en")


def shown(
    queryset: QuerySet, application: str = "", *, companies: bool = True, extra=()
) -> QuerySet:
    """`queryset` reading only what its rows show: its applications (`application` the path
    to them from the rows, as "application__"), with their company and its sector unless
    `companies` is False, and the `extra` fields of the rows' own model (a match's dates).
    Django otherwise reads and builds every field of three or four models
    per row, the long descriptions among them, for a dozen of them shown."""
    fields = [application + name for name in APPLICATION_FIELDS]
    if companies:
        fields += [application + name for name in (*COMPANY_FIELDS, *SECTOR_FIELDS)]
        queryset = queryset.select_related(None).select_related(f"{application}company__sector")
    else:
        queryset = queryset.select_related(None)
        if application:
            queryset = queryset.select_related(application.removesuffix("__"))
    return queryset.only(*fields, *extra)


def short_date(moment: datetime | None) -> str:
    """`{{ moment|date:"SHORT_DATE_FORMAT" }}`: the local date, "" for none."""
    if moment is None:
        return ""
    return _short_date(get_language(), timezone.localtime(moment).date())


@functools.lru_cache(maxsize=1024)
def _short_date(language: str | None, day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


@dataclass(frozen=True, slots=True)
class ClockBadge:
    """What `applications/_clock_badge.html` shows of a review clock, written in Python (the
    same words, through the same translations, and the same markup). Badges are few (a number
    of days, late or not, paused or not) and shared: each is worked out once per language."""

    stopped: bool
    elapsed: str  # "Instruite en 12 jours" once stopped, else "Jour 3 sur 30"
    overdue: bool
    left: str  # "en retard de 2 jours" or "5 jours restants"; "" once stopped
    paused_since: str  # "en pause depuis le 05/01/2026", "" when running
    paused_days: str  # "3 jours de pause", "" without any pause
    html: str

    @classmethod
    def of(cls, clock: review_clock.Clock | None) -> "ClockBadge | None":
        if clock is None:
            return None
        if clock.stopped_at:
            return _clock_badge(
                get_language(), True, clock.days_elapsed, 0, False, 0, None, clock.paused_days
            )
        overdue = clock.overdue
        return _clock_badge(
            get_language(),
            False,
            clock.days_elapsed,
            clock.target_days,
            overdue,
            clock.days_overdue if overdue else clock.days_left,
            timezone.localtime(clock.paused_since).date() if clock.paused_since else None,
            clock.paused_days,
        )

    def __html__(self) -> str:
        return self.html

    __str__ = __html__


@functools.lru_cache(maxsize=4096)
def _clock_badge(
    language: str | None,
    stopped: bool,
    elapsed_days: int,
    target_days: int,
    overdue: bool,
    days: int,  # overdue by, or left
    paused_since: date | None,
    paused_days: int,
) -> ClockBadge:
    """The badge in the active language (`language` is its cache key)."""
    paused = ""
    if paused_days:
        paused = ngettext("%(days)s jour de pause", "%(days)s jours de pause", paused_days) % {
            "days": paused_days
        }
    paused_html = (
        format_html(' <span class="text-body-secondary">({})</span>', paused) if paused else ""
    )
    if stopped:
        elapsed = ngettext(
            "Instruite en %(days)s jour", "Instruite en %(days)s jours", elapsed_days
        ) % {"days": elapsed_days}
        html = format_html(
            '<div class="small mt-1" data-testid="clock">'
            '<span class="text-body-secondary">{}</span>{}</div>',
            elapsed,
            paused_html,
        )
        return ClockBadge(True, elapsed, False, "", "", paused, html)
    elapsed = gettext("Jour %(day)s sur %(target)s") % {"day": elapsed_days, "target": target_days}
    if overdue:
        left = ngettext("en retard de %(days)s jour", "en retard de %(days)s jours", days)
        left_html = '<span class="text-danger fw-semibold" data-testid="clock-overdue">{}</span>'
    else:
        left = ngettext("%(days)s jour restant", "%(days)s jours restants", days)
        left_html = "<span>{}</span>"
    left = left % {"days": days}
    since = ""
    if paused_since:
        since = gettext("en pause depuis le %(date)s") % {
            "date": date_format(paused_since, "SHORT_DATE_FORMAT")
        }
    html = format_html(
        '<div class="small mt-1" data-testid="clock">'
        '<span class="text-body-secondary">{}</span> · {}{}{}</div>',
        elapsed,
        format_html(left_html, left),
        format_html(
            ' <span class="badge text-bg-secondary" data-testid="clock-paused">'
            '<i class="bi bi-pause-fill" aria-hidden="true"></i> {}</span>',
            since,
        )
        if since
        else "",
        paused_html,
    )
    return ClockBadge(False, elapsed, overdue, left, since, paused, html)


@dataclass(frozen=True, slots=True)
class Row:
    """One application as a queue shows it."""

    item: object  # what the queue lists: the application, or the match that brings it
    application: Application
    url: str
    reference: str
    company: str
    sector: str  # "71 – Activités d'architecture…", as the interlocutor's proposals show it
    sector_code: str
    sector_label: str  # cut to SECTOR_LABEL_CHARS, as the staff and sponsor queues show it
    region: str
    target: str
    state_label: str
    state_badge: str
    clock: ClockBadge | None
    date: str  # the date of the queue's date column
    has_news: bool
    labels: "_Labels"  # the page's column headers, for the cells' `data-label`

    def __getitem__(self, name: str):
        # A template looks `row.url` up as row["url"] first: answer it rather than raise.
        return getattr(self, name)

    @property
    def html(self) -> SafeString:
        """The row of the association's and the sponsor's queues (`_queue_rows.html`): written
        here, a dozen template variables per row cost more than the row's whole work."""
        return _safe(
            f'\n<tr>\n  <td><a href="{_escape(self.url)}">{_escape(self.reference)}</a>'
            f"{self._news()}</td>"
            f'\n  <td data-label="{self.labels.company}">{_escape(self.company)}'
            f'<div class="small text-body-secondary">{_escape(self.sector_code)} '
            f"{_escape(self.sector_label)} · {_escape(self.region)}</div></td>"
            f'\n  <td data-label="{self.labels.target}">{_escape(self.target)}</td>'
            f'\n  <td data-label="{self.labels.state}">{self._state()}</td>'
            f'\n  <td data-label="{self.labels.date}">{_escape(self.date)}{self._clock()}</td>'
            "\n</tr>\n"
        )

    @property
    def proposal_html(self) -> SafeString:
        """The row of the interlocutor's proposals (`interlocutor_queue.html`)."""
        kinds = "<br>".join(_escape(str(kind.label)) for kind in self.application.support_kinds)
        return _safe(
            f'\n    <tr>\n      <td><a href="{_escape(self.url)}">{_escape(self.company)}</a>'
            f'{self._news()}<div class="small text-body-secondary">{_escape(self.reference)} · '
            f"{_escape(self.sector)}</div></td>"
            f'\n      <td data-label="{self.labels.target}">{_escape(self.target)}</td>'
            f'\n      <td class="small" data-label="{self.labels.support}">{kinds}</td>'
            f'\n      <td data-label="{self.labels.proposed_on}">{_escape(self.date)}</td>'
            "\n    </tr>\n  "
        )

    @property
    def followed_html(self) -> SafeString:
        """The row of the SMEs an interlocutor follows (`interlocutor_queue.html`)."""
        return _safe(
            f'\n    <tr>\n      <td><a href="{_escape(self.url)}">{_escape(self.company)}</a>'
            f'{self._news()}<div class="small text-body-secondary">{_escape(self.reference)}'
            "</div></td>"
            f'\n      <td data-label="{self.labels.target}">{_escape(self.target)}</td>'
            f'\n      <td data-label="{self.labels.state}">{self._state()}{self._clock()}</td>'
            f'\n      <td data-label="{self.labels.since}">{_escape(self.date)}</td>\n    </tr>\n  '
        )

    def _news(self) -> str:
        if not self.has_news:
            return ""
        return (
            ' <span class="badge text-bg-info" data-testid="has-news" title="'
            f'{_escape(gettext("Du nouveau depuis votre dernière visite"))}">'
            f"{_escape(gettext('Nouveau'))}</span>"
        )

    def _state(self) -> str:
        return (
            f'<span class="badge text-bg-{_escape(self.state_badge)}" data-testid="state">'
            f"{_escape(self.state_label)}</span>"
        )

    def _clock(self) -> str:
        return self.clock.html if self.clock else ""


def _safe(markup: str) -> SafeString:
    # Every value in `markup` was escaped, as the template would.
    return mark_safe(markup)  # noqa: S308  # nosec B308, B703


def _escape(text: str) -> str:
    """`{{ text }}` of a string in a template (Django's `escape`, without its wrappers)."""
    return html.escape(text)


class _Labels:
    """The labels a page repeats from row to row, translated once for the page: the states,
    the sectors, and the column headers (escaped) that the cells repeat in `data-label`."""

    def __init__(self, date: str = ""):
        self.states = {state.value: str(state.label) for state in State}
        self.sectors: dict[int, tuple[str, str, str]] = {}
        self.company = _escape(gettext("PME"))
        self.target = _escape(gettext("Pays cible"))
        self.state = _escape(gettext("État"))
        self.support = _escape(gettext("Appui demandé"))
        self.date = _escape(str(DATE_LABELS.get(date, "")))
        self.proposed_on = _escape(gettext("Proposé le"))
        self.since = _escape(gettext("Depuis le"))

    def sector(self, sector) -> tuple[str, str, str]:
        """The sector's name, code and cut label."""
        if sector.pk not in self.sectors:
            self.sectors[sector.pk] = (
                str(sector),
                sector.code,
                Truncator(sector.label).chars(SECTOR_LABEL_CHARS),
            )
        return self.sectors[sector.pk]


def _itself(item):
    return item


def rows(
    items: Iterable,
    *,
    date: str,
    application: Callable[[object], Application] = _itself,
    now: datetime | None = None,
    companies: bool = True,
) -> list[Row]:
    """The rows of a queue's items: applications, or what `application` finds one in (their
    company and its sector selected with them, unless `companies` is False: the SME's own
    dashboard shows no company column, and its rows leave those fields empty). `date` names
    the item's field of the date column; `has_news`, when the queue annotates it
    (`selectors.with_news`), is the item's. The review clock reads as at `now`, one moment for
    the whole page."""
    now = now or timezone.now()
    labels = _Labels(date)
    result = []
    company_name = sector = sector_code = sector_label = region = ""
    for item in items:
        found = application(item)
        if companies:
            company = found.company
            company_name = str(company)
            sector, sector_code, sector_label = labels.sector(company.sector)
            region = REGION_NAMES.get(company.region, company.region)
        result.append(
            Row(
                item=item,
                application=found,
                url=found.get_absolute_url(),
                reference=found.reference,
                company=company_name,
                sector=sector,
                sector_code=sector_code,
                sector_label=sector_label,
                region=region,
                target=found.target_label,
                state_label=labels.states.get(found.state, found.state),
                state_badge=STATE_BADGES[State(found.state)],
                clock=ClockBadge.of(review_clock.clock_of(found, now)),
                date=short_date(getattr(item, date)),
                has_news=getattr(item, "has_news", False),
                labels=labels,
            )
        )
    return result
