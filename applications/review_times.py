"""How long reviews take: the statistics of finished reviews (count, mean, median and 90th
percentile, how many within the programme's target), as the dashboards (`reports.figures`) and
the SME's estimate of its own wait (`selectors.expected_review`) count them."""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import RowNumber

from .enums import State
from .models import Application

DAY = timedelta(days=1)
ACCOMPANIED_STATES = (State.ACCOMPANIED, State.CLOSED)
DECIDED_STATES = (*ACCOMPANIED_STATES, State.REJECTED)  # the review's own decisions


def days(duration: timedelta | None) -> float | None:
    return None if duration is None else round(duration / DAY, 1)


def share(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


@dataclass(frozen=True)
class ReviewStats:
    reviews: int = 0
    mean_days: float | None = None
    median_days: float | None = None
    p90_days: float | None = None
    within_target: int = 0

    @property
    def within_target_share(self) -> float | None:
        return share(self.within_target, self.reviews)


REVIEW_TIME = ExpressionWrapper(
    F("review_stopped_at") - F("endorsed_at") - F("review_paused_for"),
    output_field=DurationField(),
)
QUANTILES = (0.5, 0.9)


def quantile_ranks(count: int) -> set[int]:
    """The 1-based ranks the quantiles of `count` sorted values need (linear interpolation
    between the two nearest ranks, as PostgreSQL's percentile_cont)."""
    ranks = set()
    for quantile in QUANTILES:
        position = 1 + quantile * (count - 1)
        ranks |= {math.floor(position), math.ceil(position)}
    return ranks


def _quantile(values: dict[int, timedelta], count: int, quantile: float) -> timedelta:
    position = 1 + quantile * (count - 1)
    low, high = values[math.floor(position)], values[math.ceil(position)]
    return low + (high - low) * (position - math.floor(position))


def ranked_stats(values: dict[int, timedelta], count: int, total: timedelta, within: int):
    """The statistics of `count` reviews from their total time and the ranked durations the
    quantiles need (`values`, by rank)."""
    return ReviewStats(
        reviews=count,
        mean_days=days(total / count),
        median_days=days(_quantile(values, count, 0.5)),
        p90_days=days(_quantile(values, count, 0.9)),
        within_target=within,
    )


def review_stats(reviews: QuerySet[Application]) -> ReviewStats:
    """The statistics of these finished reviews, in two queries: their count and total, then
    the few ranked durations the quantiles need."""
    target = timedelta(days=settings.REVIEW_TARGET_DAYS)
    reviews = reviews.order_by().annotate(duration=REVIEW_TIME)
    row = reviews.aggregate(
        n=Count("pk"), total=Sum("duration"), within=Count("pk", filter=Q(duration__lte=target))
    )
    if not row["n"]:
        return ReviewStats()
    values = dict(
        reviews.annotate(rank=Window(RowNumber(), order_by=F("duration").asc()))
        .filter(rank__in=quantile_ranks(row["n"]))
        .values_list("rank", "duration")
    )
    return ranked_stats(values, row["n"], row["total"], row["within"])


def quantile_of(ordered: list[timedelta], quantile: float) -> timedelta:
    """The quantile of durations already sorted, by the same interpolation."""
    position = quantile * (len(ordered) - 1)
    low, high = ordered[math.floor(position)], ordered[math.ceil(position)]
    return low + (high - low) * (position - math.floor(position))
