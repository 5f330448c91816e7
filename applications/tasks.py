"""Celery tasks for applications: thin wrappers that fetch by id and call a service."""

from celery import shared_task
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.mail import MAIL_TASK_OPTIONS
from accounts.models import User
from notifications import services as inbox
from notifications.enums import Kind
from notifications.tasks import send_notification_mail
from outbox.services import once

from . import recipients, reminders, selectors
from .models import ApplicationEvent, Document, Message, Reminder, ReminderSettings

FAN_OUT_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**FAN_OUT_OPTIONS)
def send_event_notifications(*, event_id: int) -> int:
    """Fan an event out: a notification for each person concerned (the bell), and one mail
    task per person who wants it at once, so that a retry resends one mail, not the whole
    batch (a broker failing in the middle: the fan-out is retried, and the mails already
    queued are sent once anyway). Returns how many mails were queued."""
    event = ApplicationEvent.objects.select_related("application__company").get(pk=event_id)
    users = recipients.recipients(event)
    if not users:
        return 0
    company = set(
        recipients.audience(recipients.COMPANY, event.application).values_list("pk", flat=True)
    )
    made = inbox.notify(
        users,
        kind=recipients.event_kind(event, company),
        source=f"event:{event_id}",
        title=recipients.event_title(event),
        url=event.application.get_absolute_url(),
        application=event.application,
    )
    now = inbox.to_mail_now(made)
    for notification in now:
        send_event_mail.delay(event_id=event_id, user_id=notification.user_id)
    return len(now)


@shared_task(**MAIL_TASK_OPTIONS)
def send_event_mail(*, event_id: int, user_id: int) -> None:
    """One mail, once: a redelivered or twice-published task finds it sent."""
    with once(f"event-mail:{event_id}:{user_id}") as first:
        if first:
            event = ApplicationEvent.objects.select_related("application__company", "actor").get(
                pk=event_id
            )
            recipients.send_event_mail(event, User.objects.get(pk=user_id))
            inbox.mark_mailed(user_id=user_id, source=f"event:{event_id}")


@shared_task(**FAN_OUT_OPTIONS)
def send_submission_receipts(*, event_id: int) -> int:
    """The receipt of a sending (`services.submit`): one mail task per member of the SME, so
    that a retry resends one mail, not all of them. Returns how many were queued."""
    event = ApplicationEvent.objects.select_related("application").get(pk=event_id)
    users = recipients.receipt_recipients(event.application)
    for user in users:
        send_submission_receipt.delay(event_id=event_id, user_id=user.pk)
    return len(users)


@shared_task(**MAIL_TASK_OPTIONS)
def send_submission_receipt(*, event_id: int, user_id: int) -> None:
    """One receipt, once: a redelivered or twice-published task finds it sent."""
    with once(f"receipt-mail:{event_id}:{user_id}") as first:
        if first:
            event = ApplicationEvent.objects.select_related(
                "application__company", "application__sponsor_body", "actor"
            ).get(pk=event_id)
            recipients.send_receipt_mail(
                event,
                User.objects.get(pk=user_id),
                estimates=selectors.delay_estimates(timezone.now()),
                thresholds=ReminderSettings.current(),
            )


@shared_task(**MAIL_TASK_OPTIONS)
def send_reminder_mails(*, reminder_id: int) -> int:
    """The notifications of one reminder, and the mails of those who want them at once, each
    once: a retry after a failure sends the rest."""
    reminder = Reminder.objects.select_related(
        "application__company", "application__sponsor_body"
    ).get(pk=reminder_id)
    made = inbox.notify(
        reminders.recipients(reminder),
        kind=Kind.REMINDER,
        source=f"reminder:{reminder_id}",
        title=reminders.title(reminder),
        url=reminder.application.get_absolute_url(),
        application=reminder.application,
    )
    sent = 0
    for notification in inbox.to_mail_now(made):
        user = notification.user
        with once(f"reminder-mail:{reminder_id}:{user.pk}") as first:
            if first:
                reminders.send_reminder_mail(reminder, user)
                inbox.mark_mailed(user_id=user.pk, source=notification.source)
                sent += 1
    return sent


@shared_task(**FAN_OUT_OPTIONS)
def send_message_notifications(*, message_id: int) -> int:
    """A message's notifications, and a mail task for each person who wants one at once."""
    message = Message.objects.select_related("application__company", "author").get(pk=message_id)
    made = inbox.notify(
        recipients.message_recipients(message),
        kind=Kind.MESSAGE,
        source=f"message:{message_id}",
        title=recipients.message_title(message),
        url=message.application.get_absolute_url() + f"#message-{message_id}",
        application=message.application,
        excerpt=message.body[:500],
    )
    return _mail_now(made)


@shared_task(**FAN_OUT_OPTIONS)
def send_document_notifications(*, document_id: int) -> int:
    """A document's notifications, and a mail task for each person who wants one at once."""
    document = Document.objects.select_related("application__company", "uploaded_by").get(
        pk=document_id
    )
    made = inbox.notify(
        recipients.document_recipients(document),
        kind=Kind.DOCUMENT,
        source=f"document:{document_id}",
        title=recipients.document_title(document),
        url=document.application.get_absolute_url() + "#documents",
        application=document.application,
    )
    return _mail_now(made)


def _mail_now(made) -> int:
    now = inbox.to_mail_now(made)
    for notification in now:
        send_notification_mail.delay(notification_id=notification.pk)
    return len(now)


@shared_task(acks_late=True)
def sweep_reviews() -> dict[str, int]:
    """Celery beat's every few minutes: reminders, alerts, expiries, and the outbox."""
    return reminders.sweep()
