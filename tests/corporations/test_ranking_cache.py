"""The ranking on an application's page is cached: read again only when what it depends on
changes, and the page says as of when. Each change below shows on the very next page."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import ranking as ranking_cache
from applications.enums import Action, State
from core import generations, typography
from corporations import services
from corporations.models import Absence, Interlocutor, Presence
from tests.factories import InterlocutorFactory, MemberCorporationFactory, PresenceFactory, sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def spie_interlocutor(db):
    corporation = MemberCorporationFactory(name="Spie")
    PresenceFactory(corporation=corporation, country="VN", city="Hanoi", sectors=[sector("43")])
    return InterlocutorFactory(
        corporation=corporation,
        countries=["VN"],
        user__first_name="Anne",
        user__last_name="Roussel",
    )


def _ranking(client, application):
    response = client.get(application.get_absolute_url())
    assert response.status_code == 200
    ranking = response.context["ranking"]
    return (
        [r.candidate.id for r in ranking.available],
        {r.candidate.id: r.unavailable for r in ranking.unavailable},
        response,
    )


def test_the_page_says_as_of_when_and_reads_the_ranking_once(
    client, staff_user, application_in, interlocutor
):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        _available, _unavailable, first = _ranking(client, application)

    with CaptureQueriesContext(connection) as queries:
        _available, _unavailable, second = _ranking(client, application)

    as_of = timezone.localtime(first.context["ranking_as_of"])
    assert second.context["ranking_as_of"] == first.context["ranking_as_of"]
    when = typography.long_datetime(as_of)
    assert f"Classement à jour au {when}." in second.content.decode()
    assert not [q for q in queries if "corporations_presence" in q["sql"]]
    assert not [
        q for q in queries if 'NOT (EXISTS(SELECT 1 AS "a" FROM "corporations_match"' in q["sql"]
    ]


def test_a_decline_shows_at_once(
    client, staff_user, interlocutor, application_in, spie_interlocutor
):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)
    available, _unavailable, response = _ranking(client, application)
    assert available == [interlocutor.interlocutor.pk, spie_interlocutor.pk]
    assert f'<option value="{interlocutor.interlocutor.pk}">' in response.content.decode()

    client.post(
        reverse("applications:action", args=[application.pk, Action.PROPOSE]),
        {"interlocutor": interlocutor.interlocutor.pk, "expected_state": State.IN_REVIEW},
    )
    client.force_login(interlocutor)
    client.post(
        reverse("applications:action", args=[application.pk, Action.DECLINE_MATCH]),
        {"reason": "Pas de bureau libre.", "expected_state": State.PROPOSED},
    )
    client.force_login(staff_user)

    available, unavailable, response = _ranking(client, application)
    assert available == [spie_interlocutor.pk]
    assert unavailable == {interlocutor.interlocutor.pk: "A déjà décliné ce dossier."}
    # Nor may it be proposed to them again: the form's list (cached with the ranking) says so.
    page = response.content.decode()
    assert f'<option value="{interlocutor.interlocutor.pk}">' not in page
    assert f'<option value="{spie_interlocutor.pk}">' in page


def test_an_absence_shows_at_once(client, staff_user, interlocutor, application_in):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)
    assert _ranking(client, application)[:2] == ([interlocutor.interlocutor.pk], {})

    today = timezone.localdate()
    Absence.objects.create(
        interlocutor=interlocutor.interlocutor, start=today, end=today + timedelta(days=3)
    )

    assert _ranking(client, application)[:2] == (
        [],
        {interlocutor.interlocutor.pk: (f"Absent jusqu'au {today + timedelta(days=3):%d/%m/%Y}.")},
    )


def test_a_presence_ended_and_a_new_one_show_at_once(
    client, staff_user, interlocutor, application_in, spie_interlocutor
):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)
    assert _ranking(client, application)[0] == [interlocutor.interlocutor.pk, spie_interlocutor.pk]

    Presence.objects.filter(corporation=spie_interlocutor.corporation).delete()
    assert _ranking(client, application)[0] == [interlocutor.interlocutor.pk]

    PresenceFactory(corporation=spie_interlocutor.corporation, country="VN", city="Hanoi")
    assert _ranking(client, application)[0] == [interlocutor.interlocutor.pk, spie_interlocutor.pk]


def test_an_interlocutor_changed_shows_at_once(client, staff_user, interlocutor, application_in):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)
    assert _ranking(client, application)[0] == [interlocutor.interlocutor.pk]

    person = Interlocutor.objects.get(pk=interlocutor.interlocutor.pk)
    person.is_active = False
    person.save()

    assert _ranking(client, application)[0] == []


def test_the_application_edited_shows_at_once(client, staff_user, interlocutor, application_in):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)
    assert _ranking(client, application)[0] == [interlocutor.interlocutor.pk]

    application.target_country = "BR"
    application.save()

    assert _ranking(client, application)[0] == []


def test_a_recount_of_the_records_shows_at_once(client, staff_user, interlocutor, application_in):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)
    _ranking(client, application)
    key = generations.current(ranking_cache.RANKING)

    services.recount_records()

    assert generations.current(ranking_cache.RANKING) != key


def test_a_login_keeps_the_cached_ranking(client, staff_user, interlocutor, application_in):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)
    _ranking(client, application)
    generation = generations.current(ranking_cache.RANKING)

    client.force_login(interlocutor)  # saves `last_login` alone

    assert generations.current(ranking_cache.RANKING) == generation
