"""Celery tasks for accounts."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import Invitation


@shared_task
def purge_expired_invitations() -> int:
    """Delete invitations nobody accepted in time (their links no longer work anyway)."""
    limit = timezone.now() - timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    deleted, _ = Invitation.objects.filter(accepted_at__isnull=True, created_at__lt=limit).delete()
    return deleted
