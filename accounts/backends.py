"""The authentication backend: Django's `ModelBackend`, whose `get_user` (the user of every
request of a logged-in session) loads in the same query what every page asks of the user."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import OuterRef, Subquery
from django.db.models.query import get_related_populators
from django_otp.plugins.otp_totp.models import TOTPDevice

from notifications.models import unread_count_of_outer_user

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
UNREAD_NOTIFICATIONS = unread_count_of_outer_user()


def request_users():
    """Users as a request needs them: roles joined; the primary key of their confirmed
    authenticator app (`confirmed_device_pk`, None without one), from which
    `accounts.two_factor.step_due` and `accounts.middleware.OTPMiddleware` tell the second
    factor on every request; and their unread notifications (`unread_notifications`, the
    bell's count, `notifications.context_processors`)."""
    return User.objects.select_related(*REQUEST_USER_RELATIONS).annotate(
        confirmed_device_pk=CONFIRMED_DEVICE_PK,
        unread_notifications=UNREAD_NOTIFICATIONS,
    )


class PreparedRequestUser:
    """`request_users().get(pk=…)`, its SQL written once per database rather than on every
    request (compiling the five tables' columns and the two subqueries cost the ORM more than
    PostgreSQL takes to answer). Only the primary key changes from one user to the next: it is
    put in the parameters of the SQL written once, and the row made into the user and their
    relations as the ORM's own `ModelIterable` does, with the same compiler's description of
    the columns (`select`, `klass_info`, `annotation_col_map`) and converters.
    """

    # A primary key no user has, to find its place among the query's parameters.
    PLACEHOLDER = -318_507_441

    def __init__(self, using: str):
        self.using = using
        compiler = request_users().filter(pk=self.PLACEHOLDER).query.get_compiler(using)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        places = [i for i, p in enumerate(params) if type(p) is int and p == self.PLACEHOLDER]
        (self.pk_place,) = places  # exactly one
        self.compiler = compiler
        klass_info = compiler.klass_info
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model_columns = slice(first, last)
        self.init_list = [f[0].target.attname for f in compiler.select[first:last]]
        self.related_populators = get_related_populators(klass_info, compiler.select, using)
        self.annotation_col_map = compiler.annotation_col_map
        self.converters = compiler.get_converters(
            [column[0] for column in compiler.select[: compiler.col_count]]
        )

    def get(self, pk) -> User | None:
        params = list(self.params)
        params[self.pk_place] = User._meta.pk.to_python(pk)
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if self.converters:
            (row,) = self.compiler.apply_converters([row], self.converters)
        user = User.from_db(self.using, self.init_list, row[self.model_columns])
        for populator in self.related_populators:
            populator.populate(row, user)
        for name, position in self.annotation_col_map.items():
            setattr(user, name, row[position])
        return user


_prepared: dict[str, PreparedRequestUser] = {}


def request_user(pk) -> User | None:
    """The user `pk` as `request_users()` loads them, None if there is none."""
    prepared = _prepared.get(DEFAULT_DB_ALIAS)
    if prepared is None:
        prepared = _prepared[DEFAULT_DB_ALIAS] = PreparedRequestUser(DEFAULT_DB_ALIAS)
    return prepared.get(pk)


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
