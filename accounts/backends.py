"""The authentication backend: Django's `ModelBackend`, whose `get_user` (the user of every
request of a logged-in session) loads in the same query what every page asks of the user."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

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


# Built once: annotate() resolves a copy of it for each query.
HAS_CONFIRMED_DEVICE = Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))


def request_users():
    """Users as a request needs them: roles joined, and whether they set up an authenticator
    app (`has_confirmed_device`), which `accounts.two_factor.step_due` asks on every request."""
    return User.objects.select_related(*REQUEST_USER_RELATIONS).annotate(
        has_confirmed_device=HAS_CONFIRMED_DEVICE
    )


class UserBackend(ModelBackend):
    """Logs in as `ModelBackend` does (email and password); the user of each request comes
    with its roles and two-factor status in one query, not one per relation."""

    def get_user(self, user_id):
        try:
            user = request_users().get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
