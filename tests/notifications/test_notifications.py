"""Notifications: made for each person concerned, mailed as each person chose; the bell."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from applications.enums import Action, State
from notifications import services as inbox
from notifications.enums import Delivery, Kind
from notifications.models import Notification, Preference
from tests.factories import perform

pytestmark = pytest.mark.django_db


def _kinds(user) -> dict[str, tuple[str, str]]:
    return {n.source: (n.kind, n.delivery) for n in Notification.objects.filter(user=user)}


def test_an_event_is_a_decision_for_the_sme_and_a_step_for_the_others(
    application_in, sme_user, advisor, staff_user, django_capture_on_commit_callbacks
):
    application = application_in(State.AWAITING_SPONSOR)

    with django_capture_on_commit_callbacks(execute=True):
        perform(Action.ENDORSE, application.pk, advisor)

    event = application.events.get(action=Action.ENDORSE)
    assert _kinds(sme_user) == {f"event:{event.pk}": (Kind.DECISION, Delivery.IMMEDIATE)}
    assert _kinds(staff_user) == {f"event:{event.pk}": (Kind.ACTIVITY, Delivery.IMMEDIATE)}
    assert _kinds(advisor) == {}  # never the actor


def test_a_step_switched_off_is_in_the_bell_but_not_mailed(
    application_in, advisor, staff_user, sme_user, mailoutbox, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=staff_user, kind=Kind.ACTIVITY, delivery=Delivery.NONE)
    application = application_in(State.AWAITING_SPONSOR)

    with django_capture_on_commit_callbacks(execute=True):
        perform(Action.ENDORSE, application.pk, advisor)

    notification = Notification.objects.get(user=staff_user)
    assert (notification.delivery, notification.mailed_at, notification.read_at) == (
        Delivery.NONE,
        None,
        None,
    )
    assert sorted(mail.to[0] for mail in mailoutbox) == [sme_user.email]


def test_a_decision_cannot_be_switched_off(
    application_in, advisor, sme_user, mailoutbox, django_capture_on_commit_callbacks
):
    # Even a row written behind the form's back does not silence a decision.
    Preference.objects.create(user=sme_user, kind=Kind.DECISION, delivery=Delivery.NONE)
    application = application_in(State.AWAITING_SPONSOR)

    with django_capture_on_commit_callbacks(execute=True):
        perform(Action.DECLINE_ENDORSEMENT, application.pk, advisor)

    notification = Notification.objects.get(user=sme_user)
    assert notification.kind == Kind.DECISION
    assert notification.delivery == Delivery.IMMEDIATE
    assert notification.mailed_at is not None
    assert [mail.to for mail in mailoutbox] == [[sme_user.email]]


def test_notify_makes_one_notification_per_person_and_source(sme_user, staff_user):
    def title():
        return "Bonjour"

    for _ in range(3):
        made = inbox.notify(
            [sme_user, staff_user], kind=Kind.MESSAGE, source="message:1", title=title, url="/"
        )

    assert len(made) == 2
    assert Notification.objects.count() == 2


def test_the_title_is_written_in_each_recipients_language(sme_user, staff_user):
    sme_user.language = "en"
    sme_user.save()

    inbox.notify(
        [sme_user, staff_user],
        kind=Kind.MESSAGE,
        source="message:1",
        title=translation.get_language,
        url="/",
    )

    assert dict(Notification.objects.values_list("user__email", "title")) == {
        sme_user.email: "en",
        staff_user.email: "fr",
    }


# --- The bell ------------------------------------------------------------------------------


def _notify(user, n: int, application=None) -> list[Notification]:
    return [
        inbox.notify(
            [user],
            kind=Kind.MESSAGE,
            source=f"message:{i}",
            title=lambda i=i: f"Message {i}",
            url="/demandes/",
            application=application,
        )[0]
        for i in range(n)
    ]


def test_the_bell_shows_the_unread_count(client, sme_user):
    _notify(sme_user, 3)
    client.force_login(sme_user)

    page = client.get(reverse("applications:dashboard")).content.decode()

    assert 'data-testid="unread-count">3</span>' in page
    assert "Notifications : 3 non lues" in page


def test_the_bell_counts_in_one_query(client, sme_user, django_assert_max_num_queries):
    from tests.applications.test_views import _queries_for  # noqa: PLC0415

    client.force_login(sme_user)
    _notify(sme_user, 1)
    one = _queries_for(client, reverse("notifications:list"), django_assert_max_num_queries)
    _notify(sme_user, 40)
    many = _queries_for(client, reverse("notifications:list"), django_assert_max_num_queries)

    assert many == one


def test_the_list_shows_only_ones_own_notifications(client, sme_user, other_sme_user):
    _notify(sme_user, 2)
    inbox.notify([other_sme_user], kind=Kind.MESSAGE, source="x", title=lambda: "Secret", url="/")
    client.force_login(sme_user)

    page = client.get(reverse("notifications:list")).content.decode()

    assert page.count('data-testid="notification"') == 2
    assert "Secret" not in page


def test_opening_a_notification_marks_it_read_and_goes_to_it(client, sme_user):
    first, second = _notify(sme_user, 2)
    client.force_login(sme_user)

    response = client.post(reverse("notifications:open", args=[first.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/demandes/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None


def test_marking_one_read_stays_on_the_list(client, sme_user):
    [notification] = _notify(sme_user, 1)
    client.force_login(sme_user)

    response = client.post(reverse("notifications:open", args=[notification.pk]), {"stay": "1"})

    assert response["Location"] == reverse("notifications:list")
    assert Notification.objects.unread().count() == 0


def test_someone_elses_notification_is_a_404(client, sme_user, other_sme_user):
    [notification] = _notify(other_sme_user, 1)
    client.force_login(sme_user)

    response = client.post(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_opening_needs_a_post(client, sme_user):
    [notification] = _notify(sme_user, 1)
    client.force_login(sme_user)

    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 405


def test_an_outside_url_is_never_followed(client, sme_user):
    [notification] = inbox.notify(
        [sme_user], kind=Kind.MESSAGE, source="m", title=lambda: "t", url="https://evil.example/"
    )
    client.force_login(sme_user)

    response = client.post(reverse("notifications:open", args=[notification.pk]))

    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read_marks_only_ones_own(client, sme_user, other_sme_user):
    _notify(sme_user, 3)
    _notify(other_sme_user, 2)
    client.force_login(sme_user)

    response = client.post(reverse("notifications:mark_all_read"), follow=True)

    assert Notification.objects.unread().filter(user=sme_user).count() == 0
    assert Notification.objects.unread().filter(user=other_sme_user).count() == 2
    assert 'data-testid="unread-count"' not in response.content.decode()
    assert "Toutes vos notifications sont marquées comme lues." in response.content.decode()


@pytest.mark.parametrize("name", ["notifications:list", "notifications:preferences"])
def test_anonymous_users_are_sent_to_log_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_visiting_the_application_reads_its_notifications(
    client, application_in, sme_user, staff_user
):
    application = application_in(State.IN_REVIEW)
    other = application_in(State.IN_REVIEW)
    _notify(sme_user, 2, application=application)
    inbox.notify(
        [sme_user], kind=Kind.MESSAGE, source="other", title=lambda: "o", url="/", application=other
    )
    client.force_login(sme_user)

    client.get(application.get_absolute_url())

    assert list(Notification.objects.unread().values_list("source", flat=True)) == ["other"]


def test_the_bell_of_the_page_that_reads_them_counts_them_read(client, application_in, sme_user):
    application = application_in(State.IN_REVIEW)
    _notify(sme_user, 2, application=application)
    client.force_login(sme_user)
    dashboard = client.get(reverse("applications:dashboard")).content.decode()
    assert 'data-testid="unread-count">2</span>' in dashboard

    # The request's user was loaded with 2 unread; the page read them before its bell.
    page = client.get(application.get_absolute_url()).content.decode()

    assert 'data-testid="unread-count"' not in page
    assert "Notifications : 0 non lue" in page


def test_the_bell_counts_with_the_user_in_no_query_of_its_own(client, sme_user):
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    _notify(sme_user, 3)
    client.force_login(sme_user)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("notifications:preferences")).content.decode()

    assert 'data-testid="unread-count">3</span>' in page
    assert not [
        q
        for q in queries.captured_queries
        if "notifications_notification" in q["sql"]
        and not q["sql"].startswith('SELECT "accounts_user"')
    ]


@time_machine.travel(datetime(2026, 11, 26, 10, 0, tzinfo=UTC), tick=False)
def test_the_list_is_newest_first(client, sme_user):
    _notify(sme_user, 2)
    client.force_login(sme_user)

    page = client.get(reverse("notifications:list")).content.decode()

    assert page.index("Message 1") < page.index("Message 0")


@pytest.mark.parametrize(
    ("persona", "url_name", "state"),
    [
        ("sme_user", "applications:dashboard", State.IN_REVIEW),
        ("advisor", "applications:sponsor_queue", State.AWAITING_SPONSOR),
        ("staff_user", "applications:staff_queue", State.IN_REVIEW),
        ("interlocutor", "applications:interlocutor_queue", State.PROPOSED),
    ],
)
def test_lists_mark_the_applications_with_news_until_visited(
    client, request, application_in, persona, url_name, state
):
    user = request.getfixturevalue(persona)
    with_news = application_in(state)
    application_in(state)
    inbox.notify(
        [user], kind=Kind.MESSAGE, source="m", title=lambda: "t", url="/", application=with_news
    )
    client.force_login(user)

    before = client.get(reverse(url_name)).content.decode()
    client.get(with_news.get_absolute_url())
    after = client.get(reverse(url_name)).content.decode()

    assert before.count('data-testid="has-news"') == 1
    assert before.index('data-testid="has-news"') > before.index(with_news.get_absolute_url() + '"')
    assert 'data-testid="has-news"' not in after
