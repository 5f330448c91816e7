"""The sweep: reminders, alerts and expiries, found by indexed queries and acted on once.

Celery beat runs `sweep` every few minutes (`manage.py sweep_reviews` does the same from cron).
Each milestone is one query that finds what is due and not yet acted on (the thresholds are
`ReminderSettings`, editable by administrators); nothing loops over the open applications in
Python, and nothing is scheduled ahead. For each row found, a `Reminder` row (unique per
application, milestone and cycle) is written in the same transaction as the action it stands
for: the mail written to the outbox, or the proposal expired. Two sweeps at once, a retried
task or a redelivered message therefore act once: the second insert hits the constraint.

Reminders go out on French business days only: on a weekend or a public holiday the sweep
only relays the outbox, and what fell due waits for the next business day.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.mail import build_mail
from accounts.models import User
from core.db import insert_once
from corporations.enums import MatchStatus
from corporations.models import Match
from outbox import services as outbox
from reference.business_days import is_business_day

from .enums import Milestone, State
from .models import Application, InformationRequest, Reminder, ReminderSettings
from .recipients import COMPANY, OWNER, SPONSOR, STAFF, audience

logger = logging.getLogger(__name__)

BATCH = 1000
SEND_TASK = "applications.tasks.send_reminder_mails"
DAY = timedelta(days=1)


# --- What is due ------------------------------------------------------------------------------


def _not_yet(milestone: Milestone, application: str, cycle: str) -> Exists:
    """No reminder yet for this milestone of this cycle (`application` and `cycle` name the
    outer query's fields)."""
    return ~Exists(
        Reminder.objects.filter(
            application=OuterRef(application), milestone=milestone, cycle=OuterRef(cycle)
        )
    )


def _waiting_for_sponsor(milestone: Milestone, days: int, now: datetime) -> QuerySet:
    return Application.objects.filter(
        _not_yet(milestone, "pk", "submitted_at"),
        state=State.AWAITING_SPONSOR,
        submitted_at__lte=now - days * DAY,
    ).values_list("pk", "submitted_at")


def _review_reaching(milestone: Milestone, days_before_due: int, now: datetime) -> QuerySet:
    """Running clocks within `days_before_due` of their due date; with 0, past it (overdue,
    as `clock.Clock.overdue` says)."""
    if days_before_due:
        reaching = Application.objects.running_clock().filter(
            review_due_at__lte=now + days_before_due * DAY
        )
    else:
        reaching = Application.objects.overdue(now)
    return reaching.filter(_not_yet(milestone, "pk", "endorsed_at")).values_list(
        "pk", "endorsed_at"
    )


def _unanswered_proposals(milestone: Milestone, days: int, now: datetime) -> QuerySet:
    return Match.objects.filter(
        _not_yet(milestone, "application", "created_at"),
        status=MatchStatus.PROPOSED,
        created_at__lte=now - days * DAY,
    ).values_list("application_id", "created_at")


def _unanswered_questions(milestone: Milestone, days: int, now: datetime) -> QuerySet:
    return InformationRequest.objects.filter(
        _not_yet(milestone, "application", "asked_at"),
        answered_at__isnull=True,
        asked_at__lte=now - days * DAY,
    ).values_list("application_id", "asked_at")


def due(milestone: Milestone, thresholds: ReminderSettings, now: datetime) -> QuerySet:
    """(application id, cycle) of what reached `milestone` and was not acted on yet."""
    target = settings.REVIEW_TARGET_DAYS
    match milestone:
        case Milestone.SPONSOR_REMINDER:
            return _waiting_for_sponsor(milestone, thresholds.sponsor_reminder_days, now)
        case Milestone.SPONSOR_ALERT:
            return _waiting_for_sponsor(milestone, thresholds.sponsor_alert_days, now)
        case Milestone.REVIEW_REMINDER:
            return _review_reaching(milestone, target - thresholds.review_reminder_day, now)
        case Milestone.REVIEW_OVERDUE:
            return _review_reaching(milestone, 0, now)
        case Milestone.INTERLOCUTOR_REMINDER:
            return _unanswered_proposals(milestone, thresholds.interlocutor_reminder_days, now)
        case Milestone.PROPOSAL_EXPIRED:
            return _unanswered_proposals(milestone, thresholds.proposal_expiry_days, now)
        case Milestone.SME_REMINDER:
            return _unanswered_questions(milestone, thresholds.sme_reminder_days, now)
        case Milestone.SME_ALERT:
            return _unanswered_questions(milestone, thresholds.sme_alert_days, now)
    raise ValueError(milestone)


# --- Acting once -------------------------------------------------------------------------------


def sweep(now: datetime | None = None) -> dict[str, int]:
    """One pass: every milestone on a business day, then the outbox. Returns what was done,
    by milestone, and how many outbox messages were relayed."""
    now = now or timezone.now()
    done: dict[str, int] = {}
    if is_business_day(timezone.localdate(now)):
        thresholds = ReminderSettings.current()
        for milestone in Milestone:
            done[milestone.value] = _act_on(milestone, thresholds, now)
    done["relayed"] = outbox.relay_pending(now)
    return done


def _act_on(milestone: Milestone, thresholds: ReminderSettings, now: datetime) -> int:
    acted = 0
    while True:
        with transaction.atomic():
            rows = list(due(milestone, thresholds, now)[:BATCH])
            if not rows:
                return acted
            if milestone == Milestone.PROPOSAL_EXPIRED:
                acted += sum(_expire(application_id, cycle, now) for application_id, cycle in rows)
            else:
                reminders = _insert_once(milestone, rows, now)
                outbox.enqueue_many(SEND_TASK, [{"reminder_id": r.pk} for r in reminders])
                acted += len(reminders)
        if len(rows) < BATCH:
            return acted


def _insert_once(milestone: Milestone, rows, now: datetime) -> list[Reminder]:
    """The reminders of `rows` that no other sweep took."""
    return insert_once(
        [
            Reminder(application_id=pk, milestone=milestone, cycle=cycle, created_at=now)
            for pk, cycle in rows
        ]
    )


def _expire(application_id: int, cycle: datetime, now: datetime) -> int:
    """Expire the proposal and record it, together; nothing if it was answered meanwhile."""
    from .services import WorkflowError, expire_proposal

    try:
        with transaction.atomic():
            Reminder.objects.create(
                application_id=application_id,
                milestone=Milestone.PROPOSAL_EXPIRED,
                cycle=cycle,
                created_at=now,
            )
            expire_proposal(application_id, proposed_at=cycle)
    except (IntegrityError, WorkflowError) as error:
        logger.info("Proposal of application %s not expired: %s", application_id, error)
        return 0
    return 1


# --- Who is told, and what ----------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    subject: str
    headline: str


NOTICES = {
    Milestone.SPONSOR_REMINDER: Notice(
        _("Une demande attend votre parrainage"),
        _(
            "La demande de %(company)s (%(target)s) attend la décision de votre organisme "
            "depuis %(days)s jours."
        ),
    ),
    Milestone.SPONSOR_ALERT: Notice(
        _("Parrain silencieux"),
        _(
            "La demande de %(company)s (%(target)s) attend son parrain depuis %(days)s jours : "
            "relancez-le."
        ),
    ),
    Milestone.REVIEW_REMINDER: Notice(
        _("Instruction à terminer"),
        _(
            "L'instruction de la demande de %(company)s (%(target)s) en est à son jour "
            "%(days)s : il reste peu de temps pour trouver un correspondant."
        ),
    ),
    Milestone.REVIEW_OVERDUE: Notice(
        _("Instruction en retard"),
        _(
            "L'instruction de la demande de %(company)s (%(target)s) a dépassé son échéance "
            "d'un mois."
        ),
    ),
    Milestone.INTERLOCUTOR_REMINDER: Notice(
        _("Une proposition attend votre réponse"),
        _(
            "L'équipe Pacte PME vous a proposé d'accompagner %(company)s (%(target)s) il y a "
            "%(days)s jours : acceptez ou déclinez la proposition."
        ),
    ),
    Milestone.SME_REMINDER: Notice(
        _("Une question attend votre réponse"),
        _(
            "L'équipe Pacte PME attend depuis %(days)s jours votre réponse à sa demande de "
            "compléments (%(target)s) : l'instruction est suspendue d'ici là."
        ),
    ),
    Milestone.SME_ALERT: Notice(
        _("PME silencieuse"),
        _(
            "%(company)s n'a pas répondu depuis %(days)s jours à la demande de compléments "
            "(%(target)s)."
        ),
    ),
}


def recipients(reminder: Reminder) -> list[User]:
    application = reminder.application
    staff = audience(STAFF, application)
    users = User.objects.none()
    match reminder.milestone:
        case Milestone.SPONSOR_REMINDER:
            users = audience(SPONSOR, application)
        case Milestone.SPONSOR_ALERT | Milestone.SME_ALERT:
            users = staff
        case Milestone.REVIEW_REMINDER:
            users = audience(OWNER, application) if application.owner_id else staff
        case Milestone.REVIEW_OVERDUE:
            leads = staff.filter(staff_membership__is_lead=True)
            users = leads if leads.exists() else staff
        case Milestone.INTERLOCUTOR_REMINDER:
            users = User.objects.filter(
                interlocutor__matches__application=application,
                interlocutor__matches__status=MatchStatus.PROPOSED,
                interlocutor__matches__created_at=reminder.cycle,
            )
        case Milestone.SME_REMINDER:
            users = audience(COMPANY, application)
    return list(users.filter(is_active=True).distinct().order_by("pk"))


def title(reminder: Reminder):
    """The notification's title, to be called in the recipient's language."""
    notice = NOTICES[reminder.milestone]
    application = reminder.application
    return lambda: (
        notice.headline
        % {
            "company": application.company.legal_name,
            "target": application.target_label,
            "days": days_for(reminder),
        }
    )


# Besides the staff, who sees a reminder in the application's history: the people it was
# sent to (the interlocutor's, by the interlocutor it was sent to: see `selectors`). Alerts
# and the review's reminders are the association's business.
SEEN_BY = {
    Milestone.SPONSOR_REMINDER: SPONSOR,
    Milestone.SME_REMINDER: COMPANY,
}


def days_for(reminder: Reminder) -> int:
    """The figure the mail gives: days since the cycle began (the review: its day)."""
    if reminder.milestone in (Milestone.REVIEW_REMINDER, Milestone.REVIEW_OVERDUE):
        clock = reminder.application.clock
        return clock.days_elapsed if clock else 0
    return (reminder.created_at - reminder.cycle) // DAY


def send_reminder_mail(reminder, user: User) -> None:
    """One mail about one reminder or alert to one person, in their language."""
    application = reminder.application
    with translation.override(user.language):
        subject = str(NOTICES[reminder.milestone].subject)
        headline = title(reminder)()
    context = {
        "recipient": user,
        "application": application,
        "subject": subject,
        "headline": headline,
        "url": application.get_absolute_url(),
    }
    build_mail("reminder", context, user.email, user.language).send()
