"""The pages kept in the cache (`core.page_cache`, `applications.caching`): served again
while nothing they show has changed, worked out again at once when it has, never one
person's page to another, never a CSRF token kept."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import caching, clock, selectors, services
from applications.enums import State
from applications.models import Application
from core import page_cache
from notifications.models import Notification
from tests.factories import InterlocutorFactory

pytestmark = pytest.mark.django_db

NOTE = "Note interne : vérifier le bilan 2025 avant de proposer."


def detail_url(application) -> str:
    return reverse("applications:detail", args=[application.pk])


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


# --- An application's page ----------------------------------------------------------------


def test_a_reload_with_nothing_changed_reads_no_more_than_the_person_and_the_application(
    client, application_in, staff_user
):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)
    first, rendered = get(client, detail_url(application))
    again, served = get(client, detail_url(application))
    # The session's person and the application itself (with the visit and the news): the
    # timeline, documents, forms and ranking come from the cache.
    assert served <= 3 < rendered
    assert _without_tokens(again) == _without_tokens(first)


def test_a_move_shows_at_once(client, application_in, staff_user, sme_user):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)
    before, _ = get(client, detail_url(application))
    assert "Demander des compléments" not in before
    services.request_information(application.pk, staff_user, question="Votre bilan 2025 ?")
    after, _ = get(client, detail_url(application))
    assert "Votre bilan 2025 ?" in after
    assert 'data-testid="clock-paused"' in after


def test_a_message_shows_at_once_and_is_marked_new(client, application_in, advisor, sme_user):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)
    get(client, detail_url(application))
    services.post_message(application.pk, advisor, body="Le calendrier nous convient.")
    after, _ = get(client, detail_url(application))
    assert "Le calendrier nous convient." in after
    assert 'data-testid="new-count"' in after
    # Seen: the next reload marks nothing new.
    again, _ = get(client, detail_url(application))
    assert "Le calendrier nous convient." in again
    assert 'data-testid="new-count"' not in again


def test_each_person_has_their_own_page(client, application_in, staff_user, sme_user):
    application = application_in(State.IN_REVIEW)
    services.post_message(application.pk, staff_user, body=NOTE, internal=True)
    client.force_login(staff_user)
    staff_page, _ = get(client, detail_url(application))
    assert NOTE in staff_page
    client.force_login(sme_user)
    sme_page, _ = get(client, detail_url(application))
    assert NOTE not in sme_page


def test_a_person_who_may_no_longer_see_it_gets_a_404_not_the_page_kept(
    client, application_in, interlocutor, staff_user
):
    application = application_in(State.PROPOSED)
    client.force_login(interlocutor)
    get(client, detail_url(application))
    services.decline_match(application.pk, interlocutor, reason="Pas de bureau à Hanoï.")
    assert client.get(detail_url(application)).status_code == 404


def test_each_language_has_its_own_page(client, application_in, sme_user):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)
    french, _ = get(client, detail_url(application))
    client.cookies["django_language"] = "en"
    english, _ = get(client, detail_url(application))
    assert "Échanges et historique" in french
    assert "Échanges et historique" not in english


def test_a_company_renamed_shows_at_once(client, application_in, sme_user, company):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)
    get(client, detail_url(application))
    company.legal_name = "Solaire du Mékong"
    company.save()
    after, _ = get(client, detail_url(application))
    assert "Solaire du Mékong" in after


def test_a_bulk_update_of_the_privacy_services_shows_at_once(
    client, application_in, staff_user, staff_colleague
):
    application = application_in(State.IN_REVIEW)
    Application.objects.filter(pk=application.pk).update(owner=staff_colleague)
    caching.applications_changed(application.pk)
    client.force_login(staff_user)
    page, _ = get(client, detail_url(application))
    assert str(staff_colleague.get_full_name()) in page


def test_the_page_kept_goes_when_the_clock_turns_a_day(
    client, application_in, sme_user, monkeypatch
):
    application = application_in(State.IN_REVIEW)
    now = timezone.now()
    # Three minutes before its fifth day under review begins.
    endorsed = now - timedelta(days=4) + timedelta(minutes=3)
    Application.objects.filter(pk=application.pk).update(
        endorsed_at=endorsed, review_due_at=endorsed + clock.target()
    )
    caching.applications_changed(application.pk)
    client.force_login(sme_user)
    page, _ = get(client, detail_url(application))
    assert "Instruction : jour 3 sur" in page
    (cached,) = [cache.get(key) for key in _content_keys() if ":detail:" in key]
    assert cached.valid_until == endorsed + timedelta(days=4)
    _, served = get(client, detail_url(application))
    assert served <= 3

    later = endorsed + timedelta(days=4, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    page, rendered = get(client, detail_url(application))
    assert rendered > 3
    assert "Instruction : jour 4 sur" in page


# --- CSRF ---------------------------------------------------------------------------------


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no form with a CSRF token"
    return match.group(1)


def test_the_csrf_token_is_the_requests_own_and_never_the_mark(
    application_in, sme_user, client, django_user_model
):
    from django.test import Client

    application = application_in(State.AWAITING_INFORMATION)
    client.force_login(sme_user)
    first, _ = get(client, detail_url(application))
    other = Client(enforce_csrf_checks=True)
    other.force_login(sme_user)
    second, served = get(other, detail_url(application))
    for page in (first, second):
        assert page_cache.csrf_mark() not in page
    assert _token(first) != _token(second)
    # The token of a page served from the cache is accepted.
    response = other.post(
        reverse("applications:message_post", args=[application.pk]),
        {"body": "Voici le bilan.", "is_answer": "False", "csrfmiddlewaretoken": _token(second)},
    )
    assert response.status_code == 302


# --- The lists ----------------------------------------------------------------------------


def test_the_staff_queue_shows_a_move_at_once(client, application_in, staff_user, advisor):
    submitted = application_in(State.AWAITING_SPONSOR)
    client.force_login(staff_user)
    before, rendered = get(client, reverse("applications:staff_queue"))
    again, served = get(client, reverse("applications:staff_queue"))
    assert served < rendered
    assert submitted.reference not in before
    services.endorse(submitted.pk, advisor)
    after, _ = get(client, reverse("applications:staff_queue"))
    assert submitted.reference in after


def test_the_queues_filters_each_have_their_page(client, application_in, staff_user):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)
    everything, _ = get(client, reverse("applications:staff_queue"))
    proposed, _ = get(client, reverse("applications:staff_queue") + "?state=proposed")
    assert application.reference in everything
    assert application.reference not in proposed


def test_a_notification_read_unmarks_the_row_at_once(
    client, application_in, sme_user, advisor, django_capture_on_commit_callbacks
):
    application = application_in(State.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(application.pk, advisor, body="Une question sur le calendrier.")
    client.force_login(sme_user)
    before, _ = get(client, reverse("applications:dashboard"))
    assert 'data-testid="has-news"' in before
    get(client, detail_url(application))  # reads the notifications about it
    after, _ = get(client, reverse("applications:dashboard"))
    assert 'data-testid="has-news"' not in after


def test_the_notifications_list_shows_a_new_one_and_a_read_one_at_once(
    client, application_in, sme_user, advisor, django_capture_on_commit_callbacks
):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)
    empty, _ = get(client, reverse("notifications:list"))
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(application.pk, advisor, body="Une question sur le calendrier.")
    listed, _ = get(client, reverse("notifications:list"))
    assert (
        listed.count('data-testid="notification"') == empty.count('data-testid="notification"') + 1
    )
    assert 'data-testid="mark-read"' in listed
    client.post(reverse("notifications:mark_all_read"))
    read, _ = get(client, reverse("notifications:list"))
    assert 'data-testid="mark-read"' not in read
    assert not Notification.objects.unread().filter(user=sme_user).exists()


def test_the_interlocutor_queue_loses_a_declined_proposal_at_once(
    client, application_in, interlocutor
):
    application = application_in(State.PROPOSED)
    client.force_login(interlocutor)
    before, _ = get(client, reverse("applications:interlocutor_queue"))
    assert application.reference in before
    services.decline_match(application.pk, interlocutor, reason="Pas de bureau.")
    after, _ = get(client, reverse("applications:interlocutor_queue"))
    assert application.reference not in after


# --- The review clock's next change -------------------------------------------------------


def _application(**fields) -> Application:
    return Application(**fields)


def test_a_running_clock_changes_when_the_next_day_under_review_begins():
    endorsed = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    application = _application(
        endorsed_at=endorsed,
        review_due_at=endorsed + clock.target(),
        review_paused_for=timedelta(0),
    )
    now = endorsed + timedelta(days=3, hours=2)
    review = clock.clock_of(application, now)
    assert review.changes_at(now) == endorsed + timedelta(days=4)
    # Stale from that moment on (`core.page_cache.read`): the days turn with it.
    before = clock.clock_of(application, review.changes_at(now) - timedelta(seconds=1))
    after = clock.clock_of(application, review.changes_at(now) + timedelta(microseconds=1))
    assert before.days_elapsed + 1 == after.days_elapsed
    assert before.days_left - 1 == after.days_left


def test_a_paused_clock_changes_with_its_days_of_pause_or_its_due_date():
    endorsed = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    paused = endorsed + timedelta(days=5)
    application = _application(
        endorsed_at=endorsed,
        review_due_at=endorsed + clock.target(),
        review_paused_for=timedelta(0),
        review_paused_at=paused,
    )
    now = paused + timedelta(hours=3)
    review = clock.clock_of(application, now)
    moment = review.changes_at(now)
    assert now < moment <= paused + timedelta(days=1)

    def shown(at):
        read = clock.clock_of(application, at)
        return read.paused_days, timezone.localtime(read.due_at).date()

    assert shown(moment - timedelta(seconds=1)) == shown(now)
    assert shown(moment + timedelta(microseconds=1)) != shown(now)


def test_a_stopped_clock_never_changes():
    endorsed = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    application = _application(
        endorsed_at=endorsed,
        review_due_at=endorsed + clock.target(),
        review_paused_for=timedelta(0),
        review_stopped_at=endorsed + timedelta(days=12),
    )
    assert (
        clock.clock_of(application, endorsed + timedelta(days=40)).changes_at(
            endorsed + timedelta(days=40)
        )
        is None
    )


# --- The application as its page reads it, its SQL written once ---------------------------


@pytest.mark.parametrize("persona", ["sme_user", "advisor", "staff_user", "interlocutor"])
def test_application_page_of_reads_what_the_orm_reads(request, application_in, persona):
    user = request.getfixturevalue(persona)
    application = application_in(State.PROPOSED)
    user = type(user).objects.get(pk=user.pk)  # with its roles, as a request has it
    expected = (
        selectors.with_news(
            selectors.with_last_visit(selectors.visible_applications(user), user), user
        )
        .select_related("owner")
        .get(pk=application.pk)
    )
    found = selectors.application_page_of(user, application.pk)
    assert found is not None
    assert {f.attname: getattr(found, f.attname) for f in Application._meta.concrete_fields} == {
        f.attname: getattr(expected, f.attname) for f in Application._meta.concrete_fields
    }
    assert (found.last_visit, found.has_news) == (expected.last_visit, expected.has_news)
    assert (found.company.legal_name, found.company.sector_id) == (
        expected.company.legal_name,
        expected.company.sector_id,
    )
    assert found.sponsor_body == expected.sponsor_body
    assert found.owner == expected.owner


def test_application_page_of_finds_nothing_one_may_not_see(
    application_in, other_sme_user, other_advisor, other_interlocutor
):
    application = application_in(State.PROPOSED)
    for user in (other_sme_user, other_advisor, other_interlocutor):
        user = type(user).objects.get(pk=user.pk)
        assert selectors.application_page_of(user, application.pk) is None
    assert selectors.application_page_of(other_sme_user, 10**9) is None


def test_application_page_of_an_interlocutor_of_two_corporations_roles(application_in, alstom):
    """A person's shape (which roles they hold) gives its own SQL: an SME member who is also
    an interlocutor sees both their company's drafts and their proposals."""
    application = application_in(State.DRAFT)
    member = application.company.memberships.first().user
    InterlocutorFactory(user=member, corporation=alstom)
    member = type(member).objects.get(pk=member.pk)
    assert selectors.application_page_of(member, application.pk).pk == application.pk


def _content_keys() -> list[str]:
    """The keys of the pages kept in the test cache (a local memory cache)."""
    return [
        key.split(":", 2)[-1]  # without the version, ":1:"
        for key in cache._cache  # noqa: SLF001  # the test's own local memory cache
        if ":page:" in key
    ]
