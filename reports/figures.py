"""The programme's figures, each worked out by aggregate queries in the database.

Nothing here loads applications into Python to count them: every function returns the rows of
a GROUP BY, or the few rows a percentile needs. The dates of the figures are calendar dates in
Paris (`settings.TIME_ZONE`): an application accepted on 31 December at 23:30 in Paris counts for
that year, whatever UTC says.

What each figure counts:
- an SME is *accompanied* when an interlocutor accepts its application (states accompanied and
  closed); the acceptance stops the review clock, so `review_stopped_at` is its date;
- a *review* is finished when the association decides (acceptance or rejection; a withdrawal is
  the SME's choice, not a review); its time runs from the endorsement to that decision, less
  the time paused waiting for the SME's answers (`applications.clock`);
- the *funnel* follows the applications submitted in the period (the cohort) to the furthest
  stage each reached, where the open ones wait and where the others left.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from applications.enums import Action, State
from applications.models import Application, ApplicationEvent
from applications.review_times import (
    ACCOMPANIED_STATES,
    DAY,
    DECIDED_STATES,
    REVIEW_TIME,
    ReviewStats,
    quantile_ranks,
    ranked_stats,
    share,
)
from corporations.enums import MatchStatus
from corporations.models import HostingOffer, Interlocutor, Match, MemberCorporation
from reference.models import Sector
from sponsors.models import SponsorBody

from .models import Goal

# An application waiting at one stage for longer than this is stalled there.
STALL_DAYS = 14


def paris() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def next_month(first_day: date) -> date:
    """The first day of the month after the one starting on `first_day`."""
    return (first_day + timedelta(days=32)).replace(day=1)


# --- What the figures cover --------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Calendar days in Paris, both ends included."""

    start: date
    end: date

    @classmethod
    def year_to_date(cls, today: date) -> "Period":
        return cls(date(today.year, 1, 1), today)

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def month(cls, first_day: date) -> "Period":
        return cls(first_day, next_month(first_day) - DAY)

    @property
    def lower(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=paris())

    @property
    def upper(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.end + DAY, time.min, tzinfo=paris())

    def holds(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.lower, f"{field_name}__lt": self.upper})

    @property
    def months(self) -> list[date]:
        """The first day of each month the period touches."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = next_month(month)
        return months


@dataclass(frozen=True)
class Scope:
    """Which applications count: those of one sponsor body (its advisors' dashboard) or all
    (staff), narrowed by the dashboard's filters. Drafts never submitted never count."""

    sponsor_body: SponsorBody | None = None
    country: str = ""
    sector: Sector | None = None

    def q(self, prefix: str = "") -> Q:
        """The scope as a condition on applications, reached through `prefix` (e.g.
        "application__" from a match)."""
        q = Q(**{f"{prefix}submitted_at__isnull": False})
        if self.sponsor_body is not None:
            q &= Q(**{f"{prefix}sponsor_body": self.sponsor_body})
        if self.country:
            q &= Q(**{f"{prefix}target_country": self.country})
        if self.sector is not None:
            # A section covers its divisions; a division is itself (as in the staff queue).
            q &= Q(**{f"{prefix}company__sector": self.sector}) | Q(
                **{f"{prefix}company__sector__section": self.sector}
            )
        return q

    @property
    def narrows(self) -> bool:
        """Some submitted applications are left out."""
        return self != Scope()

    def applications(self) -> QuerySet[Application]:
        return Application.objects.filter(self.q())


def month_of(field_name: str, period: "Period") -> Case:
    """The first day of the Paris month a moment of the period falls in, as a CASE over the
    months' bounds: plain comparisons that use the field's index, where a time-zone-aware
    truncation converts every row (SQLite even calls into Python for each)."""
    months = (
        When(Period.month(month).holds(field_name), then=Value(month)) for month in period.months
    )
    return Case(*months, output_field=DateField())


# --- SMEs accompanied against the year's goal --------------------------------------------------


@dataclass(frozen=True)
class MonthCount:
    month: date
    count: int


@dataclass(frozen=True)
class Accompanied:
    year: int
    goal: int | None
    smes: int  # distinct SMEs accompanied in the year
    expected_by_now: int | None  # where a steady pace towards the goal would be today
    by_month: list[MonthCount]  # over the dashboard's period
    cumulative: list[int]

    @property
    def progress(self) -> float | None:
        return share(self.smes, self.goal) if self.goal else None


def goal_of(year: int) -> int | None:
    return Goal.objects.filter(year=year).values_list("smes_accompanied", flat=True).first()


def accompanied_smes_this_and_last_year(today: date) -> tuple[int, int]:
    """Distinct SMEs accompanied this year up to `today`, and in the whole of last year (the
    public figures' context): one query, both counted as `accompanied_smes` counts."""
    this_year, last_year = Period.year_to_date(today), Period.year(today.year - 1)
    counts = (
        Scope()
        .applications()
        .filter(
            Period(last_year.start, today).holds("review_stopped_at"),
            state__in=ACCOMPANIED_STATES,
        )
        .aggregate(
            this_year=Count("company", distinct=True, filter=this_year.holds("review_stopped_at")),
            last_year=Count("company", distinct=True, filter=last_year.holds("review_stopped_at")),
        )
    )
    return counts["this_year"], counts["last_year"]


def accompanied_smes(scope: Scope, period: Period) -> int:
    """Distinct SMEs with an application accepted in the period."""
    return (
        scope.applications()
        .filter(period.holds("review_stopped_at"), state__in=ACCOMPANIED_STATES)
        .aggregate(n=Count("company", distinct=True))["n"]
    )


def accompanied(scope: Scope, period: Period, today: date) -> Accompanied:
    """SMEs accompanied in the year of the period's end against that year's goal, and by month
    over the period (an SME accompanied twice counts once, in the month of its first)."""
    year = period.end.year
    goal = goal_of(year)
    smes = accompanied_smes(scope, Period.year(year))
    accepted = scope.applications().filter(
        period.holds("review_stopped_at"), state__in=ACCOMPANIED_STATES
    )
    # An SME counts in the month of its first acceptance of the period: the months add up.
    earlier = accepted.filter(
        company=OuterRef("company"), review_stopped_at__lt=OuterRef("review_stopped_at")
    )
    rows = dict(
        accepted.filter(~Exists(earlier))
        .annotate(month=month_of("review_stopped_at", period))
        .values("month")
        .annotate(n=Count("company", distinct=True))
        .values_list("month", "n")
    )
    by_month = [MonthCount(month, rows.get(month, 0)) for month in period.months]
    cumulative, total = [], 0
    for row in by_month:
        total += row.count
        cumulative.append(total)
    expected = None
    if goal and year == today.year:
        elapsed = (today - date(year, 1, 1)).days + 1
        expected = round(goal * elapsed / (date(year + 1, 1, 1) - date(year, 1, 1)).days)
    elif goal and year < today.year:
        expected = goal
    return Accompanied(year, goal, smes, expected, by_month, cumulative)


# --- Review time ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewTimes:
    target_days: int
    overall: ReviewStats
    by_month: list[tuple[date, ReviewStats]]


def finished_reviews(scope: Scope, period: Period) -> QuerySet[Application]:
    return (
        scope.applications()
        .filter(
            period.holds("review_stopped_at"),
            state__in=DECIDED_STATES,
            endorsed_at__isnull=False,
        )
        .order_by()  # not the model's ordering: the ranks have their own
    )


def review_times(scope: Scope, period: Period) -> ReviewTimes:
    """Mean, median and 90th percentile of the reviews finished in the period, by month of
    their decision and over the whole period: two queries, a GROUP BY and the ranked rows
    the quantiles need (window functions, so the same on SQLite and PostgreSQL)."""
    target = timedelta(days=settings.REVIEW_TARGET_DAYS)
    reviews = finished_reviews(scope, period).annotate(
        month=month_of("review_stopped_at", period), duration=REVIEW_TIME
    )
    monthly = {
        row["month"]: row
        for row in reviews.values("month").annotate(
            n=Count("pk"),
            total=Sum("duration"),
            within=Count("pk", filter=Q(duration__lte=target)),
        )
    }
    overall_count = sum(row["n"] for row in monthly.values())
    wanted = Q(rank_all__in=quantile_ranks(overall_count))
    for month, row in monthly.items():
        wanted |= Q(month=month, rank__in=quantile_ranks(row["n"]))
    picked: dict[date | None, dict[int, timedelta]] = defaultdict(dict)
    if overall_count:
        ranked = (
            reviews.annotate(
                rank=Window(RowNumber(), partition_by=[F("month")], order_by=F("duration").asc()),
                rank_all=Window(RowNumber(), order_by=F("duration").asc()),
            )
            .filter(wanted)
            .values_list("month", "rank", "rank_all", "duration")
        )
        for month, rank, rank_all, duration in ranked:
            picked[month][rank] = duration
            picked[None][rank_all] = duration

    def stats(key, count, total, within) -> ReviewStats:
        return ranked_stats(picked[key], count, total, within) if count else ReviewStats()

    by_month = []
    for month in period.months:
        row = monthly.get(month)
        by_month.append(
            (month, stats(month, row["n"], row["total"], row["within"]) if row else ReviewStats())
        )
    overall = stats(
        None,
        overall_count,
        sum((row["total"] for row in monthly.values()), timedelta(0)),
        sum(row["within"] for row in monthly.values()),
    )
    return ReviewTimes(settings.REVIEW_TARGET_DAYS, overall, by_month)


# --- The funnel -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    reached: int
    conversion: float | None  # share of the previous stage's that reached this one
    waiting: int = 0  # still open at this stage
    stalled: int = 0  # of which waiting for more than STALL_DAYS
    left: int = 0  # stopped here: returned, rejected or withdrawn


STAGES = (
    ("submitted", _("Soumises au parrain")),
    ("endorsed", _("Parrainées")),
    ("proposed", _("Proposées à un grand groupe")),
    ("accompanied", _("Accompagnées")),
    ("closed", _("Clôturées")),
)
# The stage an application waits at, by its state.
WAITING_AT = {
    State.AWAITING_SPONSOR: "submitted",
    State.IN_REVIEW: "endorsed",
    State.AWAITING_INFORMATION: "endorsed",
    State.PROPOSED: "proposed",
    State.ACCOMPANIED: "accompanied",
}
# Where a withdrawn application left, by the state it was withdrawn from.
WITHDRAWN_FROM = {
    State.AWAITING_SPONSOR: "submitted",
    State.IN_REVIEW: "endorsed",
    State.AWAITING_INFORMATION: "endorsed",
    State.PROPOSED: "proposed",
}


def funnel(scope: Scope, period: Period, now: datetime) -> list[Stage]:
    """The applications submitted in the period, stage by stage: three queries (how far they
    went, where the open ones wait, where the withdrawn ones left)."""
    cohort = scope.applications().filter(period.holds("submitted_at"))
    proposed = Exists(Match.objects.filter(application=OuterRef("pk")))
    reached = cohort.aggregate(
        submitted=Count("pk"),
        endorsed=Count("pk", filter=Q(endorsed_at__isnull=False)),
        proposed=Count("pk", filter=Q(proposed)),
        accompanied=Count("pk", filter=Q(state__in=ACCOMPANIED_STATES)),
        closed=Count("pk", filter=Q(state=State.CLOSED)),
    )
    waiting, stalled, left = defaultdict(int), defaultdict(int), defaultdict(int)
    stall = now - timedelta(days=STALL_DAYS)
    for row in cohort.values("state").annotate(
        n=Count("pk"), stalled=Count("pk", filter=Q(state_changed_at__lt=stall))
    ):
        state = row["state"]
        if state in WAITING_AT:
            waiting[WAITING_AT[state]] += row["n"]
            stalled[WAITING_AT[state]] += row["stalled"]
        elif state == State.DRAFT:  # the sponsor declined: back with the SME
            left["submitted"] += row["n"]
        elif state == State.REJECTED:
            left["endorsed"] += row["n"]
    withdrawals = (
        ApplicationEvent.objects.filter(
            action=Action.WITHDRAW, application__in=cohort.filter(state=State.WITHDRAWN)
        )
        .values("from_state")
        .annotate(n=Count("pk"))
    )
    for row in withdrawals:
        if row["from_state"] in WITHDRAWN_FROM:
            left[WITHDRAWN_FROM[row["from_state"]]] += row["n"]
    stages, previous = [], None
    for key, label in STAGES:
        stages.append(
            Stage(
                key,
                label,
                reached[key],
                share(reached[key], previous) if previous is not None else None,
                waiting[key],
                stalled[key],
                left[key],
            )
        )
        previous = reached[key]
    return stages


# --- Breakdowns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    label: str
    submitted: int
    endorsed: int
    accompanied: int

    @property
    def accompanied_share(self) -> float | None:
        return share(self.accompanied, self.submitted)


def _breakdown(scope: Scope, period: Period, *keys: str) -> list[dict]:
    return list(
        scope.applications()
        .filter(period.holds("submitted_at"))
        .values(*keys)
        .annotate(
            submitted=Count("pk"),
            endorsed=Count("pk", filter=Q(endorsed_at__isnull=False)),
            accompanied=Count("pk", filter=Q(state__in=ACCOMPANIED_STATES)),
        )
        .order_by("-submitted", *keys)
    )


def _counts(row) -> dict:
    return {key: row[key] for key in ("submitted", "endorsed", "accompanied")}


def by_country(scope: Scope, period: Period) -> list[Breakdown]:
    return [
        Breakdown(countries.name(row["target_country"]), **_counts(row))
        for row in _breakdown(scope, period, "target_country")
    ]


def by_sector(scope: Scope, period: Period) -> list[Breakdown]:
    """By NAF section (the companies' divisions grouped under their section)."""
    english = (get_language() or "fr").startswith("en")
    label = f"company__sector__section__label_{'en' if english else 'fr'}"
    return [
        Breakdown(f"{row['company__sector__section__code']} – {row[label]}", **_counts(row))
        for row in _breakdown(scope, period, "company__sector__section__code", label)
    ]


def by_sponsor_body(scope: Scope, period: Period) -> list[Breakdown]:
    return [
        Breakdown(row["sponsor_body__name"], **_counts(row))
        for row in _breakdown(scope, period, "sponsor_body__name")
    ]


@dataclass(frozen=True)
class CorporationRow:
    name: str
    proposed: int
    accepted: int
    declined: int

    @property
    def acceptance_share(self) -> float | None:
        return share(self.accepted, self.accepted + self.declined)


def by_corporation(scope: Scope, period: Period) -> list[CorporationRow]:
    """Proposals made in the period to each member corporation's interlocutors, and what
    became of them."""
    proposals = Match.objects.filter(period.holds("created_at"))
    if scope.narrows:  # a proposal's application is always submitted: no join needed then
        proposals = proposals.filter(scope.q("application__"))
    rows = (
        proposals.values("interlocutor__corporation__name")
        .annotate(
            proposed=Count("pk"),
            accepted=Count("pk", filter=Q(status=MatchStatus.ACCEPTED)),
            declined=Count("pk", filter=Q(status=MatchStatus.DECLINED)),
        )
        .order_by("-proposed", "interlocutor__corporation__name")
    )
    return [
        CorporationRow(
            row["interlocutor__corporation__name"],
            row["proposed"],
            row["accepted"],
            row["declined"],
        )
        for row in rows
    ]


# --- Interlocutors, overdue reviews, ratings ------------------------------------------------------


@dataclass(frozen=True)
class Load:
    interlocutors: int
    at_capacity: int
    open_accompaniments: int
    capacity: int
    busiest: list[dict] = field(default_factory=list)  # name, corporation, open, pending, capacity

    @property
    def occupancy(self) -> float | None:
        return share(self.open_accompaniments, self.capacity)


def interlocutor_load(limit: int = 15) -> Load:
    """The active interlocutors' accompaniments under way against their capacity, and the
    busiest of them (accompaniments plus proposals awaiting their answer)."""
    active = Interlocutor.objects.filter(is_active=True, corporation__is_active=True)
    totals = active.aggregate(
        interlocutors=Count("pk"),
        at_capacity=Count("pk", filter=Q(open_accompaniments__gte=F("capacity"))),
        open_accompaniments=Sum("open_accompaniments", default=0),
        capacity=Sum("capacity", default=0),
    )
    busiest = (
        active.annotate(
            # The condition in the join (not in a FILTER over every match ever made) lets
            # PostgreSQL read only the pending ones, by their partial index.
            pending_matches=FilteredRelation(
                "matches", condition=Q(matches__status=MatchStatus.PROPOSED)
            ),
            pending=Count("pending_matches"),
            load=F("open_accompaniments") + F("pending"),
        )
        .filter(load__gt=0)
        .order_by("-load", "user__last_name", "pk")
        .values(
            "pk",
            "user__first_name",
            "user__last_name",
            "corporation__name",
            "open_accompaniments",
            "pending",
            "capacity",
        )[:limit]
    )
    return Load(**totals, busiest=list(busiest))


@dataclass(frozen=True)
class Overdue:
    count: int
    oldest: list[Application]  # the most overdue first, with their company and owner


def overdue(scope: Scope, now: datetime, limit: int = 10) -> Overdue:
    """Running review clocks past their due date: one query, the total counted by a window
    over the same rows as the list."""
    oldest = list(
        scope.applications()
        .overdue(now)
        .select_related("company", "owner")
        .annotate(total=Window(Count("pk")))
        .order_by("review_due_at", "pk")[:limit]
    )
    return Overdue(oldest[0].total if oldest else 0, oldest)


@dataclass(frozen=True)
class Ratings:
    count: int
    mean: float | None
    by_score: list[tuple[int, int]]  # (score 5 to 1, how many)


def _ratings(applications: QuerySet[Application]) -> Ratings:
    row = applications.filter(rating__isnull=False).aggregate(
        count=Count("pk"),
        mean=Avg("rating"),
        **{f"score_{score}": Count("pk", filter=Q(rating=score)) for score in range(1, 6)},
    )
    mean = round(row["mean"], 2) if row["mean"] is not None else None
    scores = [(score, row[f"score_{score}"]) for score in range(5, 0, -1)]
    return Ratings(row["count"], mean, scores)


def ratings(scope: Scope, period: Period) -> Ratings:
    """The SMEs' ratings of the accompaniments closed in the period."""
    return _ratings(scope.applications().filter(period.holds("closed_at")))


# --- A member corporation's own figures -------------------------------------------------------


@dataclass(frozen=True)
class CorporationFigures:
    proposals: int
    accepted: int
    declined: int
    expired: int
    pending: int
    by_month: list[tuple[date, int, int]]  # month, proposals, accepted
    followed: list[Match]  # accompaniments under way, with the SME and the interlocutor
    offers: list[HostingOffer]
    desks: int
    reserved_desks: int
    ratings: Ratings

    @property
    def acceptance_share(self) -> float | None:
        return share(self.accepted, self.accepted + self.declined + self.expired)

    @property
    def occupancy(self) -> float | None:
        return share(self.reserved_desks, self.desks)


def corporation_figures(corporation: MemberCorporation, period: Period) -> CorporationFigures:
    """What one member corporation sees of itself: the proposals made to its interlocutors in
    the period and their fate, the SMEs it follows now, the occupancy of its hosting offers,
    and the ratings of its accompaniments closed in the period."""
    proposals = Match.objects.filter(interlocutor__corporation=corporation)
    in_period = proposals.filter(period.holds("created_at"))
    totals = in_period.aggregate(
        proposals=Count("pk"),
        accepted=Count("pk", filter=Q(status=MatchStatus.ACCEPTED)),
        declined=Count("pk", filter=Q(status=MatchStatus.DECLINED)),
        expired=Count("pk", filter=Q(status=MatchStatus.EXPIRED)),
        pending=Count("pk", filter=Q(status=MatchStatus.PROPOSED)),
    )
    monthly = {
        row["month"]: row
        for row in in_period.annotate(month=month_of("created_at", period))
        .values("month")
        .annotate(n=Count("pk"), accepted=Count("pk", filter=Q(status=MatchStatus.ACCEPTED)))
    }
    by_month = [
        (month, monthly[month]["n"], monthly[month]["accepted"])
        if month in monthly
        else (month, 0, 0)
        for month in period.months
    ]
    followed = list(
        proposals.filter(status=MatchStatus.ACCEPTED, application__state=State.ACCOMPANIED)
        .select_related("application__company", "interlocutor__user", "hosting_offer")
        .order_by("decided_at", "pk")
    )
    offers = list(HostingOffer.objects.filter(corporation=corporation))
    accompanied = Application.objects.filter(
        period.holds("closed_at"),
        matches__status=MatchStatus.ACCEPTED,
        matches__interlocutor__corporation=corporation,
    )
    return CorporationFigures(
        **totals,
        by_month=by_month,
        followed=followed,
        offers=offers,
        desks=sum(offer.desks for offer in offers),
        reserved_desks=sum(offer.reserved_desks for offer in offers),
        ratings=_ratings(accompanied),
    )


# --- The public page's figures --------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    year: int
    smes_accompanied: int  # this calendar year, so far
    smes_accompanied_last_year: int  # the whole of last calendar year: the same measure
    goal: int | None
    as_of: datetime | None = field(default=None, compare=False)  # when worked out, if kept

    @property
    def year_start(self) -> date:
        """The first day the year's count covers ("depuis le 1er janvier")."""
        return date(self.year, 1, 1)


def headline(today: date) -> Headline:
    """The live figures of the public pages: no name, only counts. (The delays are the
    pages' steps, in `applications.delays`' one wording.)"""
    this_year_so_far, previous_year = accompanied_smes_this_and_last_year(today)
    return Headline(
        year=today.year,
        smes_accompanied=this_year_so_far,
        smes_accompanied_last_year=previous_year,
        goal=goal_of(today.year),
    )
