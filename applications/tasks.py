"""Celery tasks for applications: thin wrappers that fetch by id and call a service."""

from smtplib import SMTPException

from celery import shared_task

from . import notifications


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_event_notifications(*, event_id: int) -> int:
    """Mail the people concerned by one application event; returns how many mails left."""
    return notifications.notify_event(event_id)
