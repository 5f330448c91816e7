"""The tamper-evident event log: each application's events chained by SHA-256, and
`manage.py verify_audit` finding a row edited, deleted or inserted behind the portal's back."""

import importlib
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from applications.audit import GENESIS, digest
from applications.enums import Action, State
from applications.models import Application, ApplicationEvent

pytestmark = pytest.mark.django_db


def verify_audit() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def tampered() -> tuple[str, str]:
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("verify_audit", stdout=out)
    return out.getvalue(), str(failed.value)


def test_each_event_is_chained_to_the_one_before_it(application_in):
    application = application_in(State.ACCOMPANIED)
    events = list(application.events.order_by("pk"))

    assert len(events) == 4  # submitted, endorsed, proposed, accepted
    assert events[0].previous_hash == GENESIS
    for before, event in zip(events, events[1:], strict=False):
        assert event.previous_hash == before.hash
    for event in events:
        assert re.fullmatch(r"[0-9a-f]{64}", event.hash)
        assert event.hash == digest(event, event.previous_hash)


def test_each_application_has_a_chain_of_its_own(application_in):
    first = application_in(State.IN_REVIEW)
    second = application_in(State.IN_REVIEW)

    assert first.events.order_by("pk").first().previous_hash == GENESIS
    assert second.events.order_by("pk").first().previous_hash == GENESIS


def test_verify_audit_finds_the_chains_intact(application_in):
    application_in(State.CLOSED)
    application_in(State.PROPOSED)

    assert verify_audit() == (
        f"Chaîne intacte : {ApplicationEvent.objects.count()} événements vérifiés.\n"
    )


def test_verify_audit_catches_a_row_edited_behind_the_applications_back(application_in):
    application = application_in(State.IN_REVIEW)
    endorsed = application.events.get(action=Action.ENDORSE)
    ApplicationEvent.objects.filter(pk=endorsed.pk).update(note="Projet excellent !")

    out, error = tampered()

    assert out == (
        f"{application.reference}, événement {endorsed.pk} : son contenu ne correspond plus "
        "à son empreinte (modifié).\n"
    )
    assert error.startswith("1 rupture dans la chaîne des événements")


@pytest.mark.parametrize(
    "change",
    [
        {"action": Action.REJECT},
        {"to_state": State.CLOSED},
        {"actor": None},
        {"match": None},
    ],
    ids=["action", "to_state", "actor", "match"],
)
def test_any_field_edited_breaks_the_chain(application_in, change):
    application = application_in(State.PROPOSED)
    proposed = application.events.get(action=Action.PROPOSE)
    ApplicationEvent.objects.filter(pk=proposed.pk).update(**change)

    out, _error = tampered()

    assert f"événement {proposed.pk} : son contenu" in out


def test_a_date_moved_breaks_the_chain(application_in):
    application = application_in(State.IN_REVIEW)
    submitted = application.events.get(action=Action.SUBMIT)
    ApplicationEvent.objects.filter(pk=submitted.pk).update(
        created_at=submitted.created_at - timedelta(days=3)
    )

    out, _error = tampered()

    assert f"événement {submitted.pk} : son contenu" in out


def test_a_deleted_event_breaks_the_chain_at_the_next_one(application_in):
    application = application_in(State.ACCOMPANIED)
    events = list(application.events.order_by("pk"))
    ApplicationEvent.objects.filter(pk=events[1].pk).delete()

    out, _error = tampered()

    assert out == (
        f"{application.reference}, événement {events[2].pk} : il ne suit pas l'événement "
        "enregistré avant lui (un événement supprimé ou inséré).\n"
    )


def test_deleting_the_last_events_leaves_the_head_pointing_nowhere(application_in):
    application = application_in(State.ACCOMPANIED)
    events = list(application.events.order_by("pk"))
    ApplicationEvent.objects.filter(pk__in=[events[2].pk, events[3].pk]).delete()

    out, _error = tampered()

    assert out == (
        f"{application.reference}, événement {events[1].pk} : la chaîne ne finit pas sur la "
        "dernière empreinte de la demande (événements supprimés à la fin).\n"
    )


def test_deleting_every_event_shows_too(application_in):
    application = application_in(State.IN_REVIEW)
    application.events.all().delete()

    out, _error = tampered()

    assert out.startswith(f"{application.reference}, aucun événement : la chaîne ne finit pas")


def test_the_migration_chains_the_events_written_before_it(application_in):
    application_in(State.ACCOMPANIED)
    ApplicationEvent.objects.update(previous_hash="", hash="")
    Application.objects.update(audit_head="")
    migration = importlib.import_module("applications.migrations.0007_audit_chain")

    migration.seal_existing_events(apps, schema_editor=None)

    assert verify_audit().startswith("Chaîne intacte")
