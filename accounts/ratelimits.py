"""Rate limits on the actions that send mail or store files (django-ratelimit, counted in the
cache): sign-up, password reset, new verification links, invitations and uploads.

Most views count an action only when it is about to act, its form valid (`form.is_valid()
and not exceeded(...)`): a typo costs nothing. Sign-up counts every POST, valid or not,
before it looks at the form (below): its answer is the same for a new and a taken address,
and the limit is what keeps anyone from trying many.
Over the rate (`settings.RATE_LIMITS`), `exceeded` puts the message on the form and answers
True, so the view stores and sends nothing and shows its page again, what was typed kept
(passwords aside); `@rate_limited` on the view turns that page into a 429 Too Many Requests.

    @rate_limited
    def signup(request):
        ...
        if request.method == "POST" and not exceeded(request, "signup", form) and form.is_valid():
"""

import logging
import re
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from .addresses import client_address

logger = logging.getLogger(__name__)

PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# As django-ratelimit reads them: a count, a slash, an optional multiple and a unit (seconds
# when none).
RATE = re.compile(r"^(\d+)/(\d*)([smhd]?)$")


def _user(request) -> str:
    return str(request.user.pk)


# What each limit counts: the client's address for anonymous actions (the one axes counts
# too, behind the TLS proxy as well), the user for the others.
KEYS = {
    "signup": client_address,
    "password_reset": client_address,
    "resend_verification": client_address,
    "invitation": _user,
    "upload": _user,
    "pdf": _user,
    "export": _user,
}


def period_of(rate: str) -> timedelta:
    """The period of a rate such as "5/h" or "100/15m"."""
    match = RATE.match(rate)
    if match is None:
        raise ValueError(f"Not a rate: {rate!r} (expected e.g. '5/h' or '100/15m').")
    _count, multiple, unit = match.groups()
    return timedelta(seconds=int(multiple or 1) * PERIOD_SECONDS[unit or "s"])


def message(group: str) -> str:
    """What the person reads: the wait is at most the rate's period."""
    now = timezone.now()
    wait = timeuntil(now + period_of(settings.RATE_LIMITS[group]), now)
    return _("Trop de tentatives : réessayez dans %(wait)s.") % {"wait": wait}


def exceeded(request, group: str, form=None) -> bool:
    """Count one more `group` action; True when it goes over the rate, the message then put
    on `form` (its non-field errors) and `request.limited` set for `@rate_limited`."""
    key = KEYS[group]
    if not is_ratelimited(
        request,
        group=f"accounts.ratelimits.{group}",
        key=lambda _group, request: key(request),
        rate=settings.RATE_LIMITS[group],
        increment=True,
    ):
        return False
    request.limited = True
    # The user's id, never the address: logs keep no more personal data than they need.
    who = f"user {request.user.pk}" if request.user.is_authenticated else "an anonymous client"
    logger.warning("Rate limit %s reached by %s.", group, who)
    if form is not None:
        form.add_error(None, ValidationError(message(group), code="rate_limited"))
    return True


def rate_limited(view):
    """View decorator: the page a view shows again for a request over its rate (see
    `exceeded`) answers 429 Too Many Requests."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if getattr(request, "limited", False) and response.status_code in (200, 400):
            response.status_code = 429
        return response

    return wrapper
