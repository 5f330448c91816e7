"""Celery tasks for accounts."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from outbox.services import once

from . import services
from .mail import MAIL_TASK_OPTIONS
from .models import Invitation, User

MAIL_RETRIES = {**MAIL_TASK_OPTIONS, "bind": True}


@shared_task
def purge_expired_invitations() -> int:
    """Delete invitations nobody accepted in time (their links no longer work anyway)."""
    limit = timezone.now() - timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    deleted, _ = Invitation.objects.filter(accepted_at__isnull=True, created_at__lt=limit).delete()
    return deleted


# Each mail task does its work once per outbox message (its task id): redelivered or published
# twice, it finds the mail sent.


@shared_task(**MAIL_RETRIES)
def send_verification_mail(self, *, user_id: int) -> None:
    with once(f"mail:{self.request.id}") as first:
        if first:
            services.mail_verification(User.objects.get(pk=user_id))


@shared_task(**MAIL_RETRIES)
def send_signup_attempt_mail(self, *, user_id: int) -> None:
    with once(f"mail:{self.request.id}") as first:
        if first:
            services.mail_signup_attempt(User.objects.get(pk=user_id))


@shared_task(**MAIL_RETRIES)
def send_invitation_mail(self, *, invitation_id: int, language: str) -> None:
    with once(f"mail:{self.request.id}") as first:
        if first:
            invitation = Invitation.objects.select_related("invited_by").get(pk=invitation_id)
            services.mail_invitation(invitation, language)


@shared_task(**MAIL_RETRIES)
def send_password_reset_mail(self, *, user_id: int) -> None:
    with once(f"mail:{self.request.id}") as first:
        if first:
            services.mail_password_reset(User.objects.get(pk=user_id))


@shared_task(**MAIL_RETRIES)
def send_login_failures_mail(self, *, user_id: int, failures: int, addresses: int) -> None:
    with once(f"mail:{self.request.id}") as first:
        if first:
            services.mail_login_failures(User.objects.get(pk=user_id), failures, addresses)
