"""The authentication backend: Django's `ModelBackend`, whose `get_user` (the user of every
request of a logged-in session) loads in the same query what every page asks of the user."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.db.models import OuterRef, Subquery
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.prepared import PreparedQuery

from .models import User

# The user's roles (`accounts.roles.role_of`), one-to-one relations followed from the user: a
# LEFT JOIN each, at most one row. Not further (the company, the body, the corporation): each
# join more costs PostgreSQL's planner more than the query it would save on some pages.
REQUEST_USER_RELATIONS = (
    "staff_membership",
    "advisor_membership",
    "interlocutor",
    "company_membership",
)


# Built once: annotate() resolves a copy of each for each query.
# The user's authenticator app, the newest confirmed one (`two_factor.confirmed_device`).
CONFIRMED_DEVICE_PK = Subquery(
    TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True).order_by("-pk").values("pk")[:1]
)

# What the apps above add to the request's user, by name: a subquery on the outer user's `pk`
# each (`annotate_request_users`). The apps register them from their `ready()`, before any
# request; accounts lies below them and does not import them.
REQUEST_USER_ANNOTATIONS: dict = {}


def annotate_request_users(**annotations) -> None:
    """Load these annotations with every request's user, in the same query: the
    notifications app's unread count (`unread_notifications`, the bell's), for one."""
    REQUEST_USER_ANNOTATIONS.update(annotations)
    _prepared.clear()


def request_users():
    """Users as a request needs them: roles joined; the primary key of their confirmed
    authenticator app (`confirmed_device_pk`, None without one), from which
    `accounts.two_factor.step_due` and `accounts.middleware.OTPMiddleware` tell the second
    factor on every request; and what the apps registered (`annotate_request_users`)."""
    return User.objects.select_related(*REQUEST_USER_RELATIONS).annotate(
        confirmed_device_pk=CONFIRMED_DEVICE_PK, **REQUEST_USER_ANNOTATIONS
    )


# A primary key no user has, in the place of the one each request asks for
# (`core.prepared`: the query's SQL is written once per process and database).
PLACEHOLDER = -318_507_441


def _prepared_request_users(using: str) -> PreparedQuery:
    return PreparedQuery(request_users().filter(pk=PLACEHOLDER), {"pk": PLACEHOLDER}, using)


_prepared: dict[str, PreparedQuery] = {}


def request_user(pk) -> User | None:
    """The user `pk` as `request_users()` loads them, None if there is none."""
    prepared = _prepared.get(DEFAULT_DB_ALIAS)
    if prepared is None:
        prepared = _prepared[DEFAULT_DB_ALIAS] = _prepared_request_users(DEFAULT_DB_ALIAS)
    return prepared.get(pk=User._meta.pk.to_python(pk))


class UserBackend(ModelBackend):
    """Logs in as `ModelBackend` does (email and password); the user of each request comes
    with its roles, two-factor status and unread count in one query, not one per relation."""

    def get_user(self, user_id):
        try:
            user = request_user(user_id)
        except ValidationError:
            return None
        if user is None:
            return None
        user.has_confirmed_device = user.confirmed_device_pk is not None
        return user if self.user_can_authenticate(user) else None
