"""accounts.backends.UserBackend: the user of every request comes with its roles and its
two-factor status in one query, and says the same as asking each relation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.backends import UserBackend
from accounts.enums import Role
from accounts.models import User
from accounts.roles import role_of
from tests.factories import TOTPDeviceFactory

pytestmark = pytest.mark.django_db

# Each persona's role, as role_of reads it from the relations.
PERSONAS = {
    "sme_user": Role.COMPANY,
    "advisor": Role.ADVISOR,
    "interlocutor": Role.INTERLOCUTOR,
    "staff_user": Role.STAFF,
}
ROLE_TABLES = (
    "accounts_staffmembership",
    "sponsors_advisor",
    "corporations_interlocutor",
    "applications_companymembership",
)


@pytest.mark.parametrize(("persona", "role"), PERSONAS.items())
def test_the_request_user_knows_its_roles_without_another_query(request, persona, role):
    user = request.getfixturevalue(persona)

    loaded = UserBackend().get_user(user.pk)

    with CaptureQueriesContext(connection) as queries:
        assert role_of(loaded) == role
        assert two_factor.is_required_for(loaded) == (role == Role.STAFF)
        assert two_factor.has_confirmed_device(loaded) == two_factor.has_confirmed_device(
            User.objects.get(pk=user.pk)
        )
    # The last one, on a user loaded without the backend, asks.
    assert len(queries) == 2


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_page_asks_no_role_of_its_own(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("notifications:list"))

    assert response.status_code == 200
    role_queries = [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].startswith('SELECT "accounts_user"')
        and any(table in query["sql"] for table in ROLE_TABLES)
    ]
    assert role_queries == []


def test_an_inactive_user_is_nobody(sme_user):
    sme_user.is_active = False
    sme_user.save()

    assert UserBackend().get_user(sme_user.pk) is None
    assert UserBackend().get_user(0) is None


# --- The second factor, from the user's query (accounts.middleware.OTPMiddleware) -----------


def test_a_session_verified_with_its_app_asks_no_device(client, staff_user):
    client.force_login(staff_user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("notifications:preferences"))

    assert response.status_code == 200
    assert response.wsgi_request.user.is_verified() is True
    assert [q["sql"] for q in queries.captured_queries if "otp_totp" in q["sql"]] == [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "accounts_user"')
    ]
    # Read, the device is the session's.
    device = response.wsgi_request.user.otp_device
    assert device.persistent_id == TOTPDevice.objects.get(user=staff_user).persistent_id


@pytest.mark.parametrize("change", ["deleted", "unconfirmed", "replaced"])
def test_a_session_whose_app_is_gone_is_verified_no_more(client, staff_user, change):
    client.force_login(staff_user)
    device = TOTPDevice.objects.get(user=staff_user)
    if change == "deleted":
        device.delete()
    elif change == "unconfirmed":
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    else:
        TOTPDeviceFactory(user=staff_user)

    response = client.get(reverse("notifications:preferences"))

    if change == "replaced":
        # The older app still verifies the session, as django-otp has it (asked, not read).
        assert response.status_code == 200
        assert response.wsgi_request.user.is_verified() is True
    else:
        assert response.status_code == 302
        assert response.wsgi_request.user.is_verified() is False
        assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_session_verified_with_someone_elses_app_is_not(client, staff_user, staff_colleague):
    client.force_login(staff_user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=staff_colleague).persistent_id
    session.save()

    response = client.get(reverse("notifications:preferences"))

    assert response.status_code == 302
    assert response.wsgi_request.user.is_verified() is False


# --- The request's user, its query written once (accounts.backends, core.prepared) ----


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_prepared_user_is_the_orms(request, persona):
    from accounts.backends import request_user, request_users  # noqa: PLC0415

    user = request.getfixturevalue(persona)

    prepared, orm = request_user(user.pk), request_users().get(pk=user.pk)

    def described(u):
        relations = {
            name: (getattr(u, name).__class__, getattr(u, name).__dict__ | {"_state": None})
            for name in ("staff_membership", "advisor_membership", "interlocutor")
            + ("company_membership",)
            if getattr(u, name, None) is not None
        }
        return {k: v for k, v in u.__dict__.items() if k != "_state"}, relations

    assert described(prepared) == described(orm)
    assert prepared._state.adding is False and prepared._state.db == orm._state.db
    assert request_user(0) is None
