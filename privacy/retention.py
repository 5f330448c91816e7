"""Keeping personal data no longer than the portal says: the nightly retention sweep.

Celery beat runs `apply` at 3:00 (`manage.py apply_retention` does the same from cron). Each
step is a query that finds what is due, acted on in batches by set-based statements; nothing
loops over every application in Python, and every step is idempotent: a second run finds
nothing left to do.

- A draft nobody worked on for DRAFT_REMINDER_DAYS gets one reminder mail to its company's
  members (a `DraftReminder` row, unique per idle period, written with the outbox message).
- A draft still untouched DRAFT_DELETION_DAYS after that reminder is deleted, its documents'
  files with it (`applications.models` removes a document's file once its row is gone).
- A closed, rejected or withdrawn application is archived CLOSED_RETENTION_DAYS after it
  ended: its documents' files deleted (their rows kept as a record of what was sent), the
  project's description, the rating's comment and the conversation's messages erased, its
  notifications and visits deleted, and it leaves the lists. Its events stay as they are: the
  tamper-evident chain (`applications.audit`) covers their notes, and they record the
  association's decisions, which it must be able to account for.
- Login records, notifications, the outbox's records of mails and expired sessions are
  deleted once older than their own durations.
"""

import logging
from datetime import datetime, timedelta
from functools import partial
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts.models import User
from applications import caching
from applications.enums import State
from applications.models import Application, Document, Message, Visit
from core.db import insert_once
from notifications import news
from notifications.models import Notification
from outbox import services as outbox
from outbox.models import Delivery
from outbox.models import Message as OutboxMessage

from .models import DraftReminder

logger = logging.getLogger(__name__)

BATCH = 500
REMINDER_TASK = "privacy.tasks.send_draft_reminder"
DAY = timedelta(days=1)


# --- Drafts ----------------------------------------------------------------------------------


def last_touched():
    """When a draft was last worked on: saved, or a document attached to it."""
    latest_document = (
        Document.objects.filter(application=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return Greatest("updated_at", Coalesce(Subquery(latest_document), "updated_at"))


def _drafts() -> QuerySet[Application]:
    return Application.objects.filter(state=State.DRAFT).annotate(last_touched=last_touched())


def _reminded(**conditions) -> Exists:
    """A reminder was sent for the draft's current idle period (none since it was touched)."""
    return Exists(
        DraftReminder.objects.filter(
            application=OuterRef("pk"), cycle__gte=OuterRef("last_touched"), **conditions
        )
    )


def drafts_to_remind(now: datetime) -> QuerySet[Application]:
    """Drafts untouched for DRAFT_REMINDER_DAYS, not yet reminded for this idle period."""
    return _drafts().filter(
        ~_reminded(), last_touched__lte=now - settings.DRAFT_REMINDER_DAYS * DAY
    )


def drafts_to_delete(now: datetime) -> QuerySet[Application]:
    """Drafts reminded DRAFT_DELETION_DAYS ago or more, and untouched since."""
    return _drafts().filter(_reminded(sent_at__lte=now - settings.DRAFT_DELETION_DAYS * DAY))


def remind_idle_drafts(now: datetime) -> int:
    """Record one reminder per idle draft and queue its mail, in the same transaction."""
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(drafts_to_remind(now).values_list("pk", "last_touched")[:BATCH])
            reminders = _insert_once(rows, now)
            outbox.enqueue_many(REMINDER_TASK, [{"reminder_id": r.pk} for r in reminders])
            sent += len(reminders)
        if len(rows) < BATCH:
            return sent


def _insert_once(rows, now: datetime) -> list[DraftReminder]:
    """The reminders of `rows` that no other sweep took."""
    return insert_once(
        [DraftReminder(application_id=pk, cycle=cycle, sent_at=now) for pk, cycle in rows]
    )


def delete_abandoned_drafts(now: datetime) -> int:
    """Delete the drafts left untouched after their reminder, with their documents' files."""
    deleted = 0
    while True:
        with transaction.atomic():
            found = list(drafts_to_delete(now).values_list("pk", flat=True)[:BATCH])
            if found:
                # Lock them, then ask again: a draft saved in the meantime is spared.
                list(Application.objects.select_for_update().filter(pk__in=found).values("pk"))
                doomed = drafts_to_delete(now).filter(pk__in=found).values_list("pk", flat=True)
                _count, per_model = Application.objects.filter(pk__in=list(doomed)).delete()
                deleted += per_model.get(Application._meta.label, 0)
        if len(found) < BATCH:
            return deleted


def reminder_recipients(reminder: DraftReminder) -> list[User]:
    """The company's members who can still log in."""
    return list(
        User.objects.filter(
            company_membership__company_id=reminder.application.company_id, is_active=True
        ).order_by("pk")
    )


def is_current(reminder: DraftReminder) -> bool:
    """The draft still exists, as a draft, untouched since the reminder's idle period began."""
    return _drafts().filter(pk=reminder.application_id, last_touched__lte=reminder.cycle).exists()


def deletion_date(reminder: DraftReminder) -> datetime:
    return reminder.sent_at + settings.DRAFT_DELETION_DAYS * DAY


# --- Closed applications -----------------------------------------------------------------------


def applications_to_archive(now: datetime) -> QuerySet[Application]:
    return Application.objects.filter(
        state__in=State.terminal(),
        closed_at__lte=now - settings.CLOSED_RETENTION_DAYS * DAY,
        archived_at__isnull=True,
    )


def archive_closed(now: datetime) -> int:
    """Archive the applications that ended CLOSED_RETENTION_DAYS ago (see the module's
    docstring for what it erases and what it keeps)."""
    storage = Document._meta.get_field("file").storage
    archived = 0
    while True:
        with transaction.atomic():
            ids = list(
                applications_to_archive(now)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:BATCH]
            )
            documents = Document.objects.filter(application_id__in=ids).exclude(file="")
            files = list(documents.values_list("file", flat=True))
            documents.update(file="")
            Message.objects.filter(application_id__in=ids).update(body="")
            _delete_notifications(Notification.objects.filter(application_id__in=ids))
            Visit.objects.filter(application_id__in=ids).delete()
            archived += Application.objects.filter(pk__in=ids, archived_at__isnull=True).update(
                archived_at=now, description="", rating_comment=""
            )
            caching.applications_changed(*ids)  # bulk updates: no signal
            # The files go once the rows no longer point to them.
            transaction.on_commit(partial(_delete_files, storage, files))
        if len(ids) < BATCH:
            return archived


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # the next archive has nothing to retry: say so, go on
            logger.exception("Archived document file %s not deleted", name)


# --- Records with a lifetime of their own ------------------------------------------------------


def purge_login_records(now: datetime) -> int:
    """django-axes's failed attempts and login logs older than LOGIN_RECORD_RETENTION_DAYS."""
    limit = now - settings.LOGIN_RECORD_RETENTION_DAYS * DAY
    return sum(
        model.objects.filter(attempt_time__lt=limit).delete()[0]
        for model in (AccessAttempt, AccessLog, AccessFailureLog)
    )


def purge_notifications(now: datetime) -> int:
    limit = now - settings.NOTIFICATION_RETENTION_DAYS * DAY
    return _delete_notifications(Notification.objects.filter(created_at__lt=limit))


def _delete_notifications(notifications: QuerySet[Notification]) -> int:
    """Delete them in bulk (no signal), telling the pages their people's lists changed."""
    news.changed(*notifications.order_by().values_list("user_id", flat=True).distinct())
    return notifications.delete()[0]


def purge_mail_records(now: datetime) -> int:
    """The outbox's relayed messages and its deliveries (which say a mail went, not what it
    said): long past any retry, they only say who was written to."""
    limit = now - settings.MAIL_RECORD_RETENTION_DAYS * DAY
    messages = OutboxMessage.objects.filter(relayed_at__lt=limit).delete()[0]
    return messages + Delivery.objects.filter(done_at__lt=limit).delete()[0]


def forget_stale_reminders() -> int:
    """Reminders about applications no longer drafts (submitted since): nothing to delete."""
    return DraftReminder.objects.exclude(application__state=State.DRAFT).delete()[0]


def clear_expired_sessions() -> None:
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


# --- The sweep ---------------------------------------------------------------------------------


def apply(now: datetime | None = None) -> dict[str, int]:
    """One pass of every step; returns how many rows each one acted on."""
    now = now or timezone.now()
    done = {
        "drafts_deleted": delete_abandoned_drafts(now),
        "drafts_reminded": remind_idle_drafts(now),
        "applications_archived": archive_closed(now),
        "login_records_deleted": purge_login_records(now),
        "notifications_deleted": purge_notifications(now),
        "mail_records_deleted": purge_mail_records(now),
        "stale_reminders_deleted": forget_stale_reminders(),
    }
    clear_expired_sessions()
    return done
