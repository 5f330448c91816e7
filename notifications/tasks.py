"""Celery tasks of notifications: a notification's mail, and the daily digest."""

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from accounts.mail import MAIL_TASK_OPTIONS
from accounts.models import User
from outbox import services as outbox
from outbox.services import once
from reference.business_days import is_business_day

from . import services
from .models import Notification


@shared_task(**MAIL_TASK_OPTIONS)
def send_notification_mail(*, notification_id: int) -> None:
    """The mail of one notification, once."""
    with once(f"notification-mail:{notification_id}") as first:
        if first:
            notification = (
                Notification.objects.select_related("user").filter(pk=notification_id).first()
            )
            if notification is not None:  # its application may have been deleted since
                services.send_mail(notification)


@shared_task(acks_late=True)
def send_digests() -> int:
    """Celery beat's, at 8:00 Paris time: one digest task per person with something waiting,
    on business days only (Monday's holds the weekend's). Returns how many were queued."""
    now = timezone.now()
    if not is_business_day(timezone.localdate(now)):
        return 0
    users = services.digest_recipients(now)
    outbox.enqueue_many(
        "notifications.tasks.send_digest",
        [{"user_id": user_id, "until": now.isoformat()} for user_id in users],
    )
    return len(users)


@shared_task(**MAIL_TASK_OPTIONS)
def send_digest(*, user_id: int, until: str) -> int:
    """One person's digest, once a day however often the task is delivered."""
    until_at = datetime.fromisoformat(until)
    with once(f"digest:{user_id}:{timezone.localdate(until_at).isoformat()}") as first:
        if not first:
            return 0
        return services.send_digest(User.objects.get(pk=user_id), until_at)
