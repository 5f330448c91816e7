"""Celery tasks of reports: building a large export, and purging the expired ones."""

from celery import shared_task
from django.utils import timezone

from notifications import services as inbox
from notifications.tasks import send_notification_mail

from . import services

# A list of tens of thousands of rows takes longer than the default limits (two minutes); past
# the soft limit, the export is marked failed.
LIMIT = int(services.BUILD_TIME_LIMIT.total_seconds())
EXPORT_TASK_OPTIONS = {"acks_late": True, "time_limit": LIMIT, "soft_time_limit": LIMIT - 60}


@shared_task(**EXPORT_TASK_OPTIONS)
def build_export(*, export_id: str) -> int:
    """Build one export, once: a second delivery finds it no longer pending. Returns how many
    mails were queued (for the owner who wants one at once)."""
    made = services.build_export(export_id)
    now = inbox.to_mail_now(made)
    for notification in now:
        send_notification_mail.delay(notification_id=notification.pk)
    return len(now)


@shared_task(acks_late=True)
def purge_exports() -> int:
    """Celery beat's, every hour: exports past EXPORT_RETENTION_DAYS, rows and files."""
    return services.purge_expired_exports(timezone.now())
