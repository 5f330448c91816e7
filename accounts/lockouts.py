"""Login lockouts (django-axes): how axes names the person trying to log in, the lockouts in
force, and lifting one.

Axes counts failed logins per username and address (`AXES_LOCKOUT_PARAMETERS`) in its
`AccessAttempt` rows, one per username, address and browser; after `AXES_FAILURE_LIMIT`
failures within `AXES_COOLOFF_TIME` the pair is refused until the cool-off has passed since
the last failure. Association staff lift a lockout early from /comptes/verrouillages/.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from . import spraying

logger = logging.getLogger(__name__)


def username_of(request, credentials: dict | None) -> str | None:
    """The username axes counts (`AXES_USERNAME_CALLABLE`): the email address, lower-cased,
    as the login itself compares it. Otherwise "Claire@…" and "claire@…" would each get their
    own failures, and a success would not reset the count of the other spelling."""
    source = credentials or getattr(request, "data", None) or getattr(request, "POST", {})
    username = source.get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(username, str):
        return username
    return username.strip().lower()


@dataclass(frozen=True)
class Lockout:
    username: str
    ip_address: str
    failures: int
    last_failure: datetime
    until: datetime


def cool_off() -> timedelta:
    return get_cool_off()


def current(now: datetime | None = None) -> list[Lockout]:
    """The username and address pairs refused now, the most recent first (one query)."""
    now = now or timezone.now()
    period = cool_off()
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=now - period)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_failure=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_failure", "username", "ip_address")
    )
    return [Lockout(**row, until=row["last_failure"] + period) for row in rows]


def unlock(*, username: str, ip_address: str, by) -> int:
    """Forget the failures of this username from this address (every browser); returns how
    many attempt rows went, 0 if the lockout had already ended or been lifted. Staff who lift
    a lockout let the person in: the account's slowdown (accounts.spraying) ends too."""
    count, _ = AccessAttempt.objects.filter(username=username, ip_address=ip_address).delete()
    if count:
        spraying.forget(username)
    if count:
        # For a later investigation: the account concerned and who lifted its lockout.
        logger.warning("A login lockout of %s was lifted by user %s.", username, by.pk)
    return count


def forget_failures_of(user) -> int:
    """After a new password chosen through the reset link: whoever holds the mailbox is the
    account's owner, so the lockouts of the username end, from every address (the lockout page
    offers this way out), and so does the slowdown of the account (accounts.spraying)."""
    count, _ = AccessAttempt.objects.filter(username__iexact=user.email).delete()
    spraying.forget(user.email)
    return count


class UnlockForm(forms.Form):
    """The row whose "Débloquer" button was pressed."""

    username = forms.CharField(max_length=255)
    ip_address = forms.GenericIPAddressField()
