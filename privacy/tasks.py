"""Celery tasks for privacy: the nightly retention sweep and the draft reminders' mails."""

from celery import shared_task
from django.urls import reverse

from accounts.mail import MAIL_TASK_OPTIONS, build_mail
from outbox.services import once

from . import retention
from .models import DraftReminder


@shared_task(acks_late=True)
def apply_retention() -> dict[str, int]:
    """Celery beat's nightly pass (see `privacy.retention`)."""
    return retention.apply()


@shared_task(**MAIL_TASK_OPTIONS)
def send_draft_reminder(*, reminder_id: int) -> int:
    """Tell the company's members that their draft will be deleted unless they work on it;
    each mail once. Nothing if the draft was saved or deleted since. Returns mails sent."""
    reminder = (
        DraftReminder.objects.select_related("application__company").filter(pk=reminder_id).first()
    )
    if reminder is None or not retention.is_current(reminder):
        return 0
    application = reminder.application
    context = {
        "application": application,
        "last_touched": reminder.cycle,
        "deletion_date": retention.deletion_date(reminder),
        "url": reverse("applications:edit", args=[application.pk]),
        "retention_url": reverse("privacy:retention"),
    }
    sent = 0
    for user in retention.reminder_recipients(reminder):
        with once(f"draft-reminder-mail:{reminder_id}:{user.pk}") as first:
            if first:
                build_mail(
                    "draft_retention", {"recipient": user, **context}, user.email, user.language
                ).send()
                sent += 1
    return sent
