"""accounts.backends.UserBackend: the user of every request comes with its roles and its
two-factor status in one query, and says the same as asking each relation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import two_factor
from accounts.backends import UserBackend
from accounts.enums import Role
from accounts.models import User
from accounts.roles import role_of

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
