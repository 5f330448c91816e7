"""The review clock: the programme promises a review in about one month.

It starts when a sponsor endorses the application, pauses while the association waits for the
SME's answer to a request for information, resumes when the SME answers, and stops when an
interlocutor accepts, staff reject or the SME withdraws. Each application stores its due date
(`review_due_at`, indexed), recomputed on pause and resume: the endorsement date, plus the
target (`settings.REVIEW_TARGET_DAYS`), plus the time spent paused.

`apply` is called by the workflow's services on every move, inside their transaction;
`clock_of` reads the clock for display; `rebuild` works it out again from the history (for the
demo data, whose history is backdated after the fact).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .enums import Action

DAY = timedelta(days=1)


def target() -> timedelta:
    return timedelta(days=settings.REVIEW_TARGET_DAYS)


def _start(application, now: datetime) -> None:
    application.review_due_at = (application.endorsed_at or now) + target()
    application.review_paused_at = None
    application.review_paused_for = timedelta(0)
    application.review_stopped_at = None


def _pause(application, now: datetime) -> None:
    if application.review_due_at is not None and application.review_paused_at is None:
        application.review_paused_at = now


def _resume(application, now: datetime) -> None:
    if application.review_paused_at is not None:
        paused = now - application.review_paused_at
        application.review_paused_for += paused
        application.review_due_at += paused
        application.review_paused_at = None


def _stop(application, now: datetime) -> None:
    if application.review_due_at is None or application.review_stopped_at is not None:
        return  # never started (a draft withdrawn) or already stopped
    _resume(application, now)  # a withdrawal while waiting for the SME ends the pause
    application.review_stopped_at = now


EFFECTS = {
    Action.ENDORSE: _start,
    Action.REQUEST_INFORMATION: _pause,
    Action.ANSWER_INFORMATION: _resume,
    Action.ACCEPT_MATCH: _stop,
    Action.REJECT: _stop,
    Action.WITHDRAW: _stop,
}
FIELDS = ("review_due_at", "review_paused_at", "review_paused_for", "review_stopped_at")


def apply(application, action: Action, now: datetime) -> tuple[str, ...]:
    """Move the clock as `action` requires; returns the fields to save (none if untouched)."""
    effect = EFFECTS.get(action)
    if effect is None:
        return ()
    effect(application, now)
    return FIELDS


@dataclass(frozen=True)
class Clock:
    """The review clock of one application at one moment, for display."""

    started_at: datetime
    due_at: datetime
    elapsed: timedelta  # time under review, pauses excluded
    left: timedelta  # negative once overdue
    paused_since: datetime | None
    stopped_at: datetime | None
    paused: timedelta  # time spent paused so far, the current pause included

    @property
    def days_elapsed(self) -> int:
        return self.elapsed // DAY

    @property
    def overdue(self) -> bool:
        return self.left < timedelta(0)

    @property
    def days_left(self) -> int:
        """Days left, the day begun counted (1 on the last day), so that with `days_elapsed`
        (the days gone, the day begun not counted) they make the target: "jour 12 sur 30, 18
        jours restants". When overdue, see `days_overdue`."""
        return max(-(-self.left // DAY), 0)

    @property
    def days_overdue(self) -> int:
        """Whole days past the due date, at least 1 once it has passed."""
        return max(-self.left // DAY, 1) if self.overdue else 0

    @property
    def paused_days(self) -> int:
        return self.paused // DAY

    @property
    def target_days(self) -> int:
        return settings.REVIEW_TARGET_DAYS

    @property
    def running(self) -> bool:
        return self.paused_since is None and self.stopped_at is None

    def changes_at(self, now: datetime) -> datetime | None:
        """The next moment after `now` at which what the clock shows changes (the days under
        review, left or overdue, the days paused, the due date of a paused review moving on a
        day); None once the review is over, when it no longer moves."""
        if self.stopped_at is not None:
            return None
        if self.running:
            # The days elapsed and the days left turn together (the target is whole days).
            return now + min(_to_next_day(self.elapsed), _to_next_day(-self.left))
        due = timezone.localtime(self.due_at)
        midnight = timezone.make_aware(
            datetime.combine(due.date() + DAY, datetime.min.time()), due.tzinfo
        )
        return now + min(_to_next_day(self.paused), midnight - due)


def _to_next_day(growing: timedelta) -> timedelta:
    """How long until `growing`, which grows with time, reaches its next whole day."""
    return DAY - growing % DAY


def clock_of(application, now: datetime) -> Clock | None:
    """The clock as it reads at `now`; None before the endorsement."""
    if application.endorsed_at is None or application.review_due_at is None:
        return None
    end = application.review_stopped_at or application.review_paused_at or now
    due = application.review_due_at
    if application.review_paused_at and not application.review_stopped_at:
        due += now - application.review_paused_at  # the due date moves on with the pause
    return Clock(
        started_at=application.endorsed_at,
        due_at=due,
        elapsed=end - application.endorsed_at - application.review_paused_for,
        left=application.review_due_at - end,
        paused_since=application.review_paused_at,
        stopped_at=application.review_stopped_at,
        paused=application.review_paused_for
        + (now - application.review_paused_at if application.review_paused_at else timedelta(0)),
    )


@dataclass(frozen=True)
class Pause:
    start: datetime
    end: datetime | None  # None: still waiting for the SME

    @property
    def days(self) -> int:
        return (self.end - self.start) // DAY if self.end else 0


def pauses_of(application, information_requests) -> list[Pause]:
    """The pauses of the clock: the requests for information made during the review."""
    if application.endorsed_at is None:
        return []
    return [
        Pause(request.asked_at, request.answered_at)
        for request in information_requests
        if request.asked_at >= application.endorsed_at
    ]


STOPS = (Action.ACCEPT_MATCH, Action.REJECT, Action.WITHDRAW)


def rebuild(application) -> tuple[str, ...]:
    """Set the clock from the application's history: the endorsement starts it, the requests
    for information made since are its pauses, the first acceptance, rejection or withdrawal
    stops it. Returns the fields to save (none before the endorsement)."""
    started = application.endorsed_at
    if started is None:
        return ()
    paused_for, paused_at = timedelta(0), None
    for asked, answered in application.information_requests.filter(
        asked_at__gte=started
    ).values_list("asked_at", "answered_at"):
        if answered is None:
            paused_at = asked
        else:
            paused_for += answered - asked
    stopped_at = (
        application.events.filter(action__in=STOPS, created_at__gte=started)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if stopped_at is not None and paused_at is not None:
        paused_for += stopped_at - paused_at
        paused_at = None
    application.review_due_at = started + target() + paused_for
    application.review_paused_at = paused_at
    application.review_paused_for = paused_for
    application.review_stopped_at = stopped_at
    return FIELDS
