"""Celery tasks for applications: thin wrappers that fetch by id and call a service."""

from celery import shared_task
from kombu.exceptions import OperationalError

from accounts.mail import MAIL_TASK_OPTIONS
from accounts.models import User
from outbox.services import once

from . import notifications, reminders
from .models import ApplicationEvent, Reminder


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=8,
)
def send_event_notifications(*, event_id: int) -> int:
    """Fan an event out: one mail task per person concerned, so that a retry resends one mail,
    not the whole batch (a broker failing in the middle: the fan-out is retried, and the mails
    already queued are sent once anyway). Returns how many were queued."""
    event = ApplicationEvent.objects.select_related("application").get(pk=event_id)
    users = notifications.recipients(event)
    for user in users:
        send_event_mail.delay(event_id=event_id, user_id=user.pk)
    return len(users)


@shared_task(**MAIL_TASK_OPTIONS)
def send_event_mail(*, event_id: int, user_id: int) -> None:
    """One mail, once: a redelivered or twice-published task finds it sent."""
    with once(f"event-mail:{event_id}:{user_id}") as first:
        if first:
            event = ApplicationEvent.objects.select_related("application__company", "actor").get(
                pk=event_id
            )
            notifications.send_event_mail(event, User.objects.get(pk=user_id))


@shared_task(**MAIL_TASK_OPTIONS)
def send_reminder_mails(*, reminder_id: int) -> int:
    """The mails of one reminder, each once: a retry after a failure sends the rest."""
    reminder = Reminder.objects.select_related(
        "application__company", "application__sponsor_body"
    ).get(pk=reminder_id)
    sent = 0
    for user in reminders.recipients(reminder):
        with once(f"reminder-mail:{reminder_id}:{user.pk}") as first:
            if first:
                notifications.send_reminder_mail(reminder, user)
                sent += 1
    return sent


@shared_task(acks_late=True)
def sweep_reviews() -> dict[str, int]:
    """Celery beat's every few minutes: reminders, alerts, expiries, and the outbox."""
    return reminders.sweep()
