"""Password spraying: a ceiling on the failed logins of one account, whatever their addresses.

django-axes refuses a username from one address after a few failures (accounts.lockouts); an
attacker with many addresses tries a few passwords from each. So the failures on an account
are also counted from every address (axes' `AccessFailureLog` rows, part of the login
records) over `LOGIN_ACCOUNT_WINDOW`. From `LOGIN_ACCOUNT_FAILURE_LIMIT` failures on:

- the owner gets one mail, at most one per window, with the counts and the links;
- each further attempt must wait, since the last failure, a delay that doubles with each
  failure (one minute, two, four... up to `LOGIN_ACCOUNT_MAX_DELAY`). An attempt too early is
  refused (429) before the password is checked, and is not counted: the attacker gets one
  guess per delay, the answer to a guess cannot be read during the wait, and no worker sleeps.

Not a lockout that an attacker can aim at the owner (OWASP's "device cookies"): a browser that
logged in to the account before carries a signed cookie naming it and is not slowed (it keeps
only axes' limit per address); a new password chosen by the reset link clears the count.
"""

import hashlib
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessFailureLog
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _

from outbox import services as outbox

from .models import User

logger = logging.getLogger(__name__)

FIRST_DELAY = timedelta(minutes=1)
DEVICE_COOKIE = "pacte_appareil"
DEVICE_COOKIE_AGE = timedelta(days=365)
DEVICE_SALT = "accounts.spraying.device"
# The accounts one browser remembers (colleagues sharing a computer), the latest first.
DEVICE_ACCOUNTS = 5


@dataclass(frozen=True)
class Failures:
    count: int
    addresses: int
    last: datetime | None


def _username(username: str) -> str:
    # As axes records it (accounts.lockouts.username_of).
    return username.strip().lower()


def _key(what: str, username: str) -> str:
    # Hashed: a username typed on the admin's login page may hold anything.
    return f"accounts.spraying.{what}:" + hashlib.sha256(username.encode()).hexdigest()


def failures_on(username: str, now: datetime | None = None) -> Failures:
    """The failed logins on `username` in the window, since its last new password (one query
    and a cache read)."""
    now = now or timezone.now()
    username = _username(username)
    rows = AccessFailureLog.objects.filter(
        username=username, attempt_time__gte=now - settings.LOGIN_ACCOUNT_WINDOW
    )
    cleared = cache.get(_key("cleared", username))
    if cleared is not None:
        rows = rows.filter(attempt_time__gt=cleared)
    totals = rows.aggregate(
        count=Count("pk"), addresses=Count("ip_address", distinct=True), last=Max("attempt_time")
    )
    return Failures(**totals)


def delay(failures: int) -> timedelta:
    """How long after the last failure the next attempt must wait, `failures` counted."""
    over = failures - settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    if over < 0:
        return timedelta(0)
    return min(settings.LOGIN_ACCOUNT_MAX_DELAY, FIRST_DELAY * 2 ** min(over, 32))


def wait(request, username: str, now: datetime | None = None) -> timedelta | None:
    """How long an attempt on `username` from this browser must still wait; None when it may
    go on (the password then checked)."""
    now = now or timezone.now()
    failures = failures_on(username, now)
    if failures.count < settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
        return None
    remaining = failures.last + delay(failures.count) - now
    if remaining <= timedelta(0) or is_known_device(request, username):
        return None
    return remaining


def message(remaining: timedelta) -> str:
    """What the person reads, the wait in whole minutes (Django's durations have no seconds)."""
    now = timezone.now()
    minutes = max(1, math.ceil(remaining.total_seconds() / 60))
    return _(
        "Trop de tentatives de connexion à ce compte ont échoué. Pour le protéger, réessayez "
        "dans %(wait)s, ou choisissez un nouveau mot de passe (« Mot de passe oublié ? »)."
    ) % {"wait": timeuntil(now + timedelta(minutes=minutes), now)}


# --- The device cookie -----------------------------------------------------------------------


def _device_accounts(request) -> list[int]:
    try:
        value = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_SALT, max_age=DEVICE_COOKIE_AGE
        )
    except signing.BadSignature:  # none, forged, or older than a year
        return []
    if not isinstance(value, list):
        return []
    return [pk for pk in value if isinstance(pk, int)]


def is_known_device(request, username: str) -> bool:
    """Whether this browser logged in to `username`'s account before."""
    accounts = _device_accounts(request)
    return bool(accounts) and (
        User.objects.filter(pk__in=accounts, email__iexact=_username(username)).exists()
    )


def remember_device(request, response, user: User) -> None:
    """After the right password: this browser is the owner's, not slowed from now on."""
    accounts = [user.pk, *(pk for pk in _device_accounts(request) if pk != user.pk)]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(accounts[:DEVICE_ACCOUNTS], salt=DEVICE_SALT),
        max_age=int(DEVICE_COOKIE_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# --- After each failure, and after a new password --------------------------------------------


def on_login_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    """`user_login_failed` receiver, connected after django-axes's (which records the failure
    this one counts): the owner is told once the account reaches the limit."""
    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if request is None or not isinstance(username, str) or not username.strip():
        return
    failures = failures_on(username)
    if failures.count < settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
        return
    user = User.objects.filter(email__iexact=_username(username), is_active=True).first()
    if user is None:
        return
    # One mail per window, however many failures follow and however many processes see them.
    window = int(settings.LOGIN_ACCOUNT_WINDOW.total_seconds())
    if not cache.add(_key("mailed", _username(username)), True, timeout=window):
        return
    logger.warning(
        "%s failed logins on user %s from %s addresses: its logins are slowed down.",
        failures.count,
        user.pk,
        failures.addresses,
    )
    outbox.enqueue(
        "accounts.tasks.send_login_failures_mail",
        user_id=user.pk,
        failures=failures.count,
        addresses=failures.addresses,
    )


def forget(username: str) -> None:
    """After a new password chosen through the reset link, or a lockout lifted by staff: the
    failures on `username` so far no longer count (the records stay, for an investigation),
    and a new episode gets its own mail."""
    username = _username(username)
    window = int(settings.LOGIN_ACCOUNT_WINDOW.total_seconds())
    cache.set(_key("cleared", username), timezone.now(), timeout=window)
    cache.delete(_key("mailed", username))
