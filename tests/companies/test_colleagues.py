"""An SME user invites a colleague, who then acts for the same company."""

import re

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.models import Invitation, User

pytestmark = pytest.mark.django_db


def test_sme_invites_a_colleague_who_joins_the_company(
    committing_client, sme_user, company, mailoutbox
):
    client = committing_client
    client.force_login(sme_user)

    response = client.post(
        reverse("companies:invite"),
        {"first_name": "Paul", "last_name": "Girard", "email": "Paul.Girard@asconit.example"},
    )

    assert response["Location"] == reverse("companies:edit")
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.company, invitation.email) == (
        Role.COMPANY,
        company,
        "paul.girard@asconit.example",
    )
    assert mailoutbox[0].to == ["paul.girard@asconit.example"]
    link = re.search(r"http://\S+/comptes/invitations/\S+/", mailoutbox[0].body).group(0)
    client.logout()
    accept = client.post(
        link.split("8000", 1)[1],
        {"password1": "une phrase de passe solide", "password2": "une phrase de passe solide"},
    )
    assert accept.status_code == 302
    colleague = User.objects.get(email="paul.girard@asconit.example")
    assert colleague.company_membership.company == company
    assert client.get(reverse("applications:dashboard")).status_code == 200


def test_colleague_invitation_refuses_an_existing_account(client, sme_user, other_sme_user):
    client.force_login(sme_user)

    response = client.post(
        reverse("companies:invite"),
        {"first_name": "Yann", "last_name": "Le Goff", "email": other_sme_user.email},
    )

    assert response.status_code == 400
    assert "Cette personne a déjà un compte sur le portail." in response.content.decode()
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("persona", ["advisor", "staff_user", "interlocutor"])
def test_only_company_members_invite_colleagues(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(
        reverse("companies:invite"),
        {"first_name": "X", "last_name": "Y", "email": "x.y@example.com"},
    )

    assert response.status_code == 403
    assert Invitation.objects.count() == 0


def test_colleague_invitation_sends_anonymous_to_login(client, db):
    response = client.post(reverse("companies:invite"))

    assert response["Location"].startswith(reverse("accounts:login"))
