"""An interlocutor's record (proposals decided and accepted, SMEs' ratings): kept by the
workflow's services as it happens, recomputable from the proposals, and never inconsistent."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from applications.enums import Action, State
from applications.services import rate
from corporations.models import Interlocutor
from corporations.services import recount_records
from tests.factories import perform

pytestmark = pytest.mark.django_db


def record(user) -> tuple[int, int, int, int]:
    interlocutor = Interlocutor.objects.get(user=user)
    return (
        interlocutor.proposals_decided,
        interlocutor.proposals_accepted,
        interlocutor.ratings_sum,
        interlocutor.ratings_count,
    )


@pytest.fixture
def history(application_in, interlocutor, sme_user):
    """The persona interlocutor's history: an accompaniment closed and rated 4, another
    closed and not rated, one under way, one declined, and one still to decide."""
    closed = application_in(State.CLOSED)
    rate(closed.pk, sme_user, rating=4)
    application_in(State.CLOSED)
    application_in(State.ACCOMPANIED)
    declined = application_in(State.PROPOSED)
    perform(Action.DECLINE_MATCH, declined.pk, interlocutor, reason="Hors de notre périmètre.")
    application_in(State.PROPOSED)


def test_a_new_interlocutor_has_no_record(interlocutor):
    assert record(interlocutor) == (0, 0, 0, 0)


def test_the_services_keep_the_record_as_proposals_are_decided_and_rated(history, interlocutor):
    # Four decided (three accepted, one declined); the pending proposal does not count yet.
    assert record(interlocutor) == (4, 3, 4, 1)


def test_a_rating_counts_for_the_interlocutor_who_accompanied_the_sme_only(
    history, other_interlocutor
):
    assert record(other_interlocutor) == (0, 0, 0, 0)


def test_recount_records_finds_what_the_services_kept(history, interlocutor, other_interlocutor):
    kept = record(interlocutor)
    Interlocutor.objects.update(
        proposals_decided=0, proposals_accepted=0, ratings_sum=0, ratings_count=0
    )

    assert recount_records() == Interlocutor.objects.count()

    assert record(interlocutor) == kept
    assert record(other_interlocutor) == (0, 0, 0, 0)


def test_the_migration_counts_the_records_so_far(history, interlocutor):
    kept = record(interlocutor)
    Interlocutor.objects.update(
        proposals_decided=0, proposals_accepted=0, ratings_sum=0, ratings_count=0
    )
    migration = importlib.import_module("corporations.migrations.0002_interlocutor_record")

    migration.count_records(apps, schema_editor=None)

    assert record(interlocutor) == kept


def test_the_database_refuses_more_accepted_than_decided(interlocutor):
    with pytest.raises(IntegrityError), transaction.atomic():
        Interlocutor.objects.filter(user=interlocutor).update(proposals_accepted=1)
