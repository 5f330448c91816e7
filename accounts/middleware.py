"""Middleware of accounts: what a logged-in session must satisfy before the portal serves it
a page."""

import functools
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage import default_storage
from django.shortcuts import redirect
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import two_factor


class OTPMiddleware(DjangoOTPMiddleware):
    """django-otp's middleware (`request.user.otp_device`, `is_verified()`), without its query
    for the device of a session verified with the authenticator app: the request's user comes
    with the primary key of their confirmed app (`accounts.backends.request_users`), which is
    all that checking the session's device against the user asks. The device itself is loaded
    only if something reads it. Any other device (a recovery code) or a user loaded otherwise
    goes through django-otp's own check.
    """

    def _verify_user_sync(self, request, user):
        if user.is_authenticated:
            device_pk = getattr(user, "confirmed_device_pk", None)
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            if device_pk is not None and persistent_id == totp_persistent_id(device_pk):
                self._init_user_fields(user)
                user.otp_device = SimpleLazyObject(lambda: TOTPDevice.objects.get(pk=device_pk))
                return user
        return super()._verify_user_sync(request, user)


def totp_persistent_id(pk: int) -> str:
    """The `persistent_id` of the authenticator app `pk`, as django-otp keeps it in the
    session."""
    return f"{TOTPDevice.model_label()}/{pk}"


class TwoFactorRequiredMiddleware:
    """Hold a session that owes its second factor at the set-up or verification page.

    Association staff and administrators without a device are sent to set it up; anyone with
    a device, to give a code. Only the pages needed to do that (or to give up: logout, login,
    the language) and static files are served meanwhile; that includes /admin/. Installed
    after django-otp's OTPMiddleware, which tells whether the session is verified.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._exempt(request.path):
            step = two_factor.step_due(request)
            if step is not None:
                next_url = request.get_full_path() if request.method == "GET" else None
                return redirect(two_factor.with_next(step, next_url))
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        if path.startswith(settings.STATIC_URL):
            return True
        return path in exempt_paths(get_script_prefix())


@functools.cache
def exempt_paths(script_prefix: str) -> frozenset[str]:
    """The pages a session owing its second factor may see, reversed once (for the prefix the
    portal is served under, which `reverse` prepends)."""
    return frozenset(
        reverse(name)
        for name in (
            "accounts:two_factor_setup",
            "accounts:two_factor_verify",
            "accounts:login",
            "accounts:logout",
            "set_language",
        )
    )


# --- Absolute lifetime of a session ----------------------------------------------------------

# When the session's user logged in, in seconds since the epoch (JSON-serialisable).
LOGIN_AT_SESSION_KEY = "accounts_login_at"
# When the session's expiry was last pushed back (saved), in seconds since the epoch.
REFRESHED_AT_SESSION_KEY = "accounts_refreshed_at"


def record_login_time(sender, request, user, **kwargs):
    """Receiver of `user_logged_in` (connected in `AccountsConfig.ready`): the lifetime of a
    session counts from its login. Django's `login` has just given the session a new key."""
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[LOGIN_AT_SESSION_KEY] = now
        request.session[REFRESHED_AT_SESSION_KEY] = now


def session_started_at(request) -> datetime | None:
    """When the user of this session logged in."""
    login_at = request.session.get(LOGIN_AT_SESSION_KEY)
    return None if login_at is None else datetime.fromtimestamp(login_at, tz=UTC)


class SessionLifetimeMiddleware:
    """Log a session out SESSION_MAX_SECONDS after its login, however active it has been, and
    keep it open while it is used.

    The idle timeout is Django's own expiry, SESSION_COOKIE_AGE after the session was last
    saved, in the database (and the cache) as in the cookie. Saving it on every request would
    cost a write each time: a request pushes the expiry back only when the last push is
    SESSION_REFRESH_SECONDS old or more, so that a session closes between SESSION_COOKIE_AGE
    minus that (a minute) and SESSION_COOKIE_AGE after its last request. A session from before
    this middleware (no login time) starts its clock on first sight. Installed right after
    AuthenticationMiddleware, so that an expired session goes to the login page before
    anything else, the two-factor step included.
    """

    expired_message = _("Votre session a expiré : reconnectez-vous.")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        # Without a session cookie, there is nothing to read nor to keep open.
        if session.session_key is None:
            return self.get_response(request)
        now = timezone.now().timestamp()
        if request.user.is_authenticated:
            login_at = session.setdefault(LOGIN_AT_SESSION_KEY, now)
            if now - login_at >= settings.SESSION_MAX_SECONDS:
                return self._expired(request)
        refreshed_at = session.get(REFRESHED_AT_SESSION_KEY)
        # Loaded, a session that has expired (or never existed) has lost its key: it is not
        # brought back to life.
        if session.session_key is not None and (
            refreshed_at is None or now - refreshed_at >= settings.SESSION_REFRESH_SECONDS
        ):
            # Modified, the session is saved with a new expiry and its cookie sent again.
            session[REFRESHED_AT_SESSION_KEY] = now
        return self.get_response(request)

    def _expired(self, request):
        next_url = request.get_full_path() if request.method == "GET" else None
        logout(request)
        response = redirect_to_login(next_url) if next_url else redirect(settings.LOGIN_URL)
        # MessageMiddleware sits further in and never sees this response: store the message
        # as it would have.
        storage = default_storage(request)
        storage.add(message_levels.WARNING, self.expired_message)
        storage.update(response)
        return response
