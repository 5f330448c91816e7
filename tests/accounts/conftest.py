"""Fixtures for the accounts tests: reading links out of mails, invitations."""

import re

import pytest
from django.conf import settings

from accounts.models import Invitation


@pytest.fixture
def client(committing_client):
    """Here every request commits: the accounts' mails leave through the outbox."""
    return committing_client


@pytest.fixture
def link_in():
    """The path of the one portal link in a mail's text part (and the same in its HTML)."""

    def find(message) -> str:
        pattern = re.escape(settings.SITE_URL) + r"(/\S+)"
        links = re.findall(pattern, message.body)
        assert len(links) == 1, links
        html = message.alternatives[0][0]
        assert f'href="{settings.SITE_URL}{links[0]}"' in html
        return links[0]

    return find


@pytest.fixture
def make_invitation(staff_user):
    """An invitation by `staff_user`, staff role unless told otherwise."""

    def make(**fields) -> Invitation:
        values = {
            "email": "nouvelle.personne@pacte-test.example",
            "first_name": "Nina",
            "last_name": "Roux",
            "role": "staff",
            "invited_by": staff_user,
            **fields,
        }
        return Invitation.objects.create(**values)

    return make
