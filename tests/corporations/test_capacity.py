"""Capacity and desks: reserved when a proposal is accepted, released when the accompaniment
closes, refused (with a clear message, writing nothing) when there is no room left, and the
database constraints as the last word."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from applications.enums import Action, State
from applications.models import ApplicationEvent
from applications.services import WorkflowError
from corporations.enums import MatchStatus
from corporations.models import HostingOffer, Interlocutor, Match
from tests.factories import HostingOfferFactory, perform, snapshot

pytestmark = pytest.mark.django_db


def capacity_message(count: int) -> str:
    return (
        f"Vous accompagnez déjà {count} PME, le maximum que vous avez indiqué. "
        "Clôturez un accompagnement ou augmentez votre capacité dans votre profil "
        "avant d'accepter ce dossier."
    )


def desks_message(city: str, free: int, desks: int) -> str:
    return (
        f"L'offre d'hébergement de {city} n'a plus assez de postes libres (libres : {free} ; "
        f"demandés : {desks}). L'équipe Pacte PME peut proposer une autre offre."
    )


@pytest.fixture
def offer(alstom):
    """Alstom's offices in Hanoi: four desks."""
    return HostingOfferFactory(corporation=alstom, city="Hanoi", desks=4)


@pytest.fixture
def proposed_with(application_in, staff_user, interlocutor):
    """An application of company A (two desks asked) proposed to the persona interlocutor with
    a hosting offer."""

    def make(offer, **fields):
        application = application_in(State.IN_REVIEW, **fields)
        perform(
            Action.PROPOSE,
            application.pk,
            staff_user,
            interlocutor=interlocutor.interlocutor,
            hosting_offer=offer,
        )
        return application

    return make


def load(interlocutor_user, offer) -> tuple[int, int]:
    """(open accompaniments of the interlocutor, desks reserved on the offer), as saved."""
    return (
        Interlocutor.objects.get(user=interlocutor_user).open_accompaniments,
        HostingOffer.objects.get(pk=offer.pk).reserved_desks,
    )


def test_accept_match_with_hosting_reserves_the_desks_and_the_capacity(
    offer, proposed_with, interlocutor
):
    application = proposed_with(offer)

    perform(Action.ACCEPT_MATCH, application.pk, interlocutor)

    assert load(interlocutor, offer) == (1, 2)
    match = Match.objects.get(application=application)
    assert (match.status, match.hosting_offer_id, match.reserved_desks) == (
        MatchStatus.ACCEPTED,
        offer.pk,
        2,
    )
    event = ApplicationEvent.objects.filter(application=application).latest("pk")
    assert (event.action, event.actor, event.match_id) == (
        Action.ACCEPT_MATCH,
        interlocutor,
        match.pk,
    )


def test_accept_match_without_hosting_takes_capacity_only(offer, proposed_with, interlocutor):
    application = proposed_with(None)

    perform(Action.ACCEPT_MATCH, application.pk, interlocutor)

    assert load(interlocutor, offer) == (1, 0)
    assert Match.objects.get(application=application).reserved_desks == 0


def test_close_releases_the_desks_and_the_capacity(offer, proposed_with, interlocutor, staff_user):
    application = proposed_with(offer)
    perform(Action.ACCEPT_MATCH, application.pk, interlocutor)

    perform(Action.CLOSE, application.pk, staff_user)

    assert load(interlocutor, offer) == (0, 0)
    # The match keeps what it held, for the record.
    assert Match.objects.get(application=application).reserved_desks == 2


def test_close_releases_only_what_its_match_held(offer, proposed_with, interlocutor, staff_user):
    first = proposed_with(offer)
    perform(Action.ACCEPT_MATCH, first.pk, interlocutor)
    second = proposed_with(offer, hosting_desks=1)
    perform(Action.ACCEPT_MATCH, second.pk, interlocutor)
    assert load(interlocutor, offer) == (2, 3)

    perform(Action.CLOSE, first.pk, staff_user)

    assert load(interlocutor, offer) == (1, 1)


def test_accept_match_when_the_interlocutor_is_full_is_refused_and_changes_nothing(
    offer, application_in, proposed_with, interlocutor
):
    Interlocutor.objects.filter(user=interlocutor).update(capacity=1)
    application_in(State.ACCOMPANIED)
    application = proposed_with(offer)
    before = snapshot(application)

    with pytest.raises(WorkflowError) as refused:
        perform(Action.ACCEPT_MATCH, application.pk, interlocutor)

    assert refused.value.message == capacity_message(1)
    assert snapshot(application) == before
    assert load(interlocutor, offer) == (1, 0)


def test_accept_match_when_the_offer_lacks_free_desks_is_refused_and_changes_nothing(
    offer, proposed_with, interlocutor
):
    HostingOffer.objects.filter(pk=offer.pk).update(desks=3)
    first = proposed_with(offer)
    perform(Action.ACCEPT_MATCH, first.pk, interlocutor)
    application = proposed_with(offer)
    before = snapshot(application)

    with pytest.raises(WorkflowError) as refused:
        perform(Action.ACCEPT_MATCH, application.pk, interlocutor)

    assert refused.value.message == desks_message("Hanoi", free=1, desks=2)
    assert snapshot(application) == before
    # The capacity taken before the desks were found short is given back with the rest.
    assert load(interlocutor, offer) == (1, 2)


def test_interlocutor_constraint_refuses_an_update_beyond_capacity(interlocutor):
    rows = Interlocutor.objects.filter(user=interlocutor)

    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(open_accompaniments=F("capacity") + 1)

    assert rows.get().open_accompaniments == 0


def test_interlocutor_constraint_accepts_an_update_up_to_capacity(interlocutor):
    rows = Interlocutor.objects.filter(user=interlocutor)

    rows.update(open_accompaniments=F("capacity"))

    assert rows.get().open_accompaniments == 3


def test_hosting_offer_constraint_refuses_an_update_that_overbooks(offer):
    rows = HostingOffer.objects.filter(pk=offer.pk)

    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(reserved_desks=F("desks") + 1)

    assert rows.get().reserved_desks == 0


def test_hosting_offer_constraint_accepts_an_update_up_to_the_desks(offer):
    rows = HostingOffer.objects.filter(pk=offer.pk)

    rows.update(reserved_desks=F("desks"))

    assert rows.get().reserved_desks == 4
