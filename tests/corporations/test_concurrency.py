"""Two actors at the same moment, on PostgreSQL: exactly one succeeds, the other gets a clear
message, and capacity and desks are never overbooked.

Each actor runs in its own thread, with its own connection (Django's connections are per
thread), and waits at a barrier so that both call the service together. The tests commit for
real (`transaction=True`); `serialized_rollback=True` puts back the NAF sectors the data
migration loaded, which the flush after a committing test would otherwise wipe.
"""

import threading

import pytest
from django.db import connection

from applications import services
from applications.enums import Action, State
from applications.models import ApplicationEvent
from applications.services import WorkflowError
from corporations.models import HostingOffer, Interlocutor, Match
from tests.factories import (
    HostingOfferFactory,
    InterlocutorFactory,
    StaffMembershipFactory,
    perform,
)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CAPACITY_MESSAGE = (
    "Vous accompagnez déjà 1 PME, le maximum que vous avez indiqué. "
    "Clôturez un accompagnement ou augmentez votre capacité dans votre profil "
    "avant d'accepter ce dossier."
)
DESKS_MESSAGE = (
    "L'offre d'hébergement de Hanoi n'a plus assez de postes libres (libres : 0 ; "
    "demandés : 2). L'équipe Pacte PME peut proposer une autre offre."
)
NO_LONGER_POSSIBLE = (
    "Cette action n'est plus possible : le dossier est maintenant « Proposée à un grand "
    "groupe ». La page a été mise à jour, vérifiez son état avant de recommencer."
)


def at_the_same_moment(*calls) -> list:
    """Run each call in its own thread, all released together; return what each returned or
    raised, in the order of the calls."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # handed back to the test, which checks its kind
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


def split(results: list) -> tuple[list, list[str]]:
    """(what succeeded, the messages of the WorkflowErrors); anything else fails the test."""
    errors = [r for r in results if isinstance(r, Exception)]
    unexpected = [e for e in errors if not isinstance(e, WorkflowError)]
    assert unexpected == []
    return [r for r in results if not isinstance(r, Exception)], [e.message for e in errors]


def accept(application, user):
    return lambda: services.accept_match(application.pk, user, note="Nous acceptons.")


def test_accept_match_two_at_once_beyond_capacity_one_succeeds(application_in, interlocutor):
    Interlocutor.objects.filter(user=interlocutor).update(capacity=1)
    first = application_in(State.PROPOSED)
    second = application_in(State.PROPOSED)

    results = at_the_same_moment(accept(first, interlocutor), accept(second, interlocutor))

    succeeded, messages = split(results)
    assert len(succeeded) == 1
    assert messages == [CAPACITY_MESSAGE]
    assert Interlocutor.objects.get(user=interlocutor).open_accompaniments == 1
    assert ApplicationEvent.objects.filter(action=Action.ACCEPT_MATCH).count() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert sorted([first.state, second.state]) == [State.ACCOMPANIED, State.PROPOSED]


def test_accept_match_two_at_once_on_one_offer_one_gets_the_desks(
    alstom, application_in, staff_user, interlocutor
):
    offer = HostingOfferFactory(corporation=alstom, city="Hanoi", desks=2)
    colleague = InterlocutorFactory(corporation=alstom, countries=["VN"]).user
    first = application_in(State.IN_REVIEW)
    second = application_in(State.IN_REVIEW)
    for application, person in [(first, interlocutor), (second, colleague)]:
        perform(
            Action.PROPOSE,
            application.pk,
            staff_user,
            interlocutor=person.interlocutor,
            hosting_offer=offer,
        )

    results = at_the_same_moment(accept(first, interlocutor), accept(second, colleague))

    succeeded, messages = split(results)
    assert len(succeeded) == 1
    assert messages == [DESKS_MESSAGE]
    assert HostingOffer.objects.get(pk=offer.pk).reserved_desks == 2
    # The loser's capacity, taken before the desks were found short, was rolled back.
    assert sorted(
        Interlocutor.objects.filter(user__in=[interlocutor, colleague]).values_list(
            "open_accompaniments", flat=True
        )
    ) == [0, 1]
    assert ApplicationEvent.objects.filter(action=Action.ACCEPT_MATCH).count() == 1


def test_propose_two_staff_at_once_one_match(alstom, application_in, staff_user):
    application = application_in(State.IN_REVIEW)
    colleague = StaffMembershipFactory().user
    people = [InterlocutorFactory(corporation=alstom, countries=["VN"]) for _ in range(2)]

    def propose(actor, person):
        return lambda: services.propose(application.pk, actor, interlocutor=person)

    results = at_the_same_moment(propose(staff_user, people[0]), propose(colleague, people[1]))

    succeeded, messages = split(results)
    assert len(succeeded) == 1
    assert messages == [NO_LONGER_POSSIBLE]
    assert Match.objects.filter(application=application).count() == 1
    assert (
        ApplicationEvent.objects.filter(application=application, action=Action.PROPOSE).count() == 1
    )
    application.refresh_from_db()
    assert application.state == State.PROPOSED
