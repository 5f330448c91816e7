"""The admin of accounts: users by email, staff memberships, invitations."""

import pytest
from django.urls import reverse

from accounts.models import Invitation, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:accounts_staffmembership_changelist",
        "admin:accounts_staffmembership_add",
        "admin:accounts_invitation_changelist",
        "admin:accounts_invitation_add",
    ],
)
def test_admin_pages_render(client, admin_user, staff_user, name):
    client.force_login(admin_user)

    response = client.get(reverse(name), {"q": "julie"} if name.endswith("changelist") else {})

    assert response.status_code == 200


def test_admin_user_change_page_renders(client, admin_user, sme_user):
    client.force_login(admin_user)

    response = client.get(reverse("admin:accounts_user_change", args=[sme_user.pk]))

    assert response.status_code == 200


def test_admin_adds_a_user_by_email(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Nouveau@Pacte-PME.example",
            "first_name": "Paul",
            "last_name": "Nouveau",
            "usable_password": "true",
            "password1": "Portage-Hanoi-2026",
            "password2": "Portage-Hanoi-2026",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email__iexact="nouveau@pacte-pme.example")
    assert (user.first_name, user.last_name) == ("Paul", "Nouveau")
    assert user.check_password("Portage-Hanoi-2026")


def test_admin_invitation_token_is_read_only(client, admin_user, staff_user):
    invitation = Invitation.objects.create(
        email="x@example.com", first_name="X", last_name="Y", role="staff", invited_by=staff_user
    )
    client.force_login(admin_user)

    response = client.get(reverse("admin:accounts_invitation_change", args=[invitation.pk]))

    assert response.status_code == 200
    assert 'name="token"' not in response.content.decode()
    assert invitation.token in response.content.decode()
