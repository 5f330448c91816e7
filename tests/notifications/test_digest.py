"""The daily digest, its schedule, the preferences page and the one-click unsubscribe."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.test import Client
from django.urls import reverse

from applications.models import Message
from notifications import services as inbox
from notifications.enums import Delivery, Kind
from notifications.models import Notification, Preference
from notifications.tasks import send_digest, send_digests
from pacte.celery import app as celery_app

pytestmark = pytest.mark.django_db

# Paris is UTC+1 in winter: 8:00 in Paris is 7:00 UTC.
TUESDAY_8AM = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
SATURDAY_8AM = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)
MONDAY_8AM = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
CHRISTMAS_8AM = datetime(2026, 12, 25, 7, 0, tzinfo=UTC)  # a Friday, a public holiday


def _waiting(user, source: str, application=None, *, kind=Kind.DOCUMENT, excerpt=""):
    """A notification waiting for the digest (documents go to the digest by default)."""
    [notification] = inbox.notify(
        [user],
        kind=kind,
        source=source,
        title=lambda: f"Titre {source}",
        url="/demandes/",
        application=application,
        excerpt=excerpt,
    )
    return notification


def _digests(mailoutbox):
    return [mail for mail in mailoutbox if "résumé" in mail.subject.lower()]


# --- The schedule ----------------------------------------------------------------------------


def test_beat_sends_the_digest_at_8_paris_time_in_winter_and_summer():
    schedule = celery_app.conf.beat_schedule["send-digests"]["schedule"]
    assert celery_app.conf.beat_schedule["send-digests"]["task"] == (
        "notifications.tasks.send_digests"
    )

    with time_machine.travel(datetime(2026, 12, 2, 6, 59, tzinfo=UTC), tick=False):
        due, _next = schedule.is_due(TUESDAY_8AM)
        assert not due  # 7:59 in Paris
    with time_machine.travel(datetime(2026, 12, 2, 7, 0, 30, tzinfo=UTC), tick=False):
        due, _next = schedule.is_due(TUESDAY_8AM)
        assert due  # 8:00 in Paris
    # Summer time: 8:00 in Paris is 6:00 UTC.
    with time_machine.travel(datetime(2026, 6, 2, 6, 0, 30, tzinfo=UTC), tick=False):
        due, _next = schedule.is_due(datetime(2026, 6, 1, 6, 0, tzinfo=UTC))
        assert due


@pytest.mark.parametrize("day", [SATURDAY_8AM, CHRISTMAS_8AM])
def test_no_digest_on_weekends_and_public_holidays(
    day, sme_user, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(day - timedelta(hours=2), tick=False):
        _waiting(sme_user, "document:1")

    with (
        time_machine.travel(day, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        queued = send_digests()

    assert queued == 0
    assert _digests(mailoutbox) == []
    assert Notification.objects.awaiting_digest().count() == 1


def test_mondays_digest_holds_the_weekend(sme_user, mailoutbox, django_capture_on_commit_callbacks):
    for source, when in [
        ("document:1", datetime(2026, 12, 4, 17, 0, tzinfo=UTC)),  # Friday evening
        ("document:2", datetime(2026, 12, 5, 10, 0, tzinfo=UTC)),  # Saturday
        ("document:3", datetime(2026, 12, 6, 10, 0, tzinfo=UTC)),  # Sunday
    ]:
        with time_machine.travel(when, tick=False):
            _waiting(sme_user, source)

    with (
        time_machine.travel(MONDAY_8AM, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        queued = send_digests()

    assert queued == 1
    [digest] = _digests(mailoutbox)
    assert digest.to == [sme_user.email]
    assert digest.subject == "[Pacte PME] Votre résumé : 3 nouveautés"
    for source in ["document:1", "document:2", "document:3"]:
        assert f"Titre {source}" in digest.body
    assert Notification.objects.awaiting_digest().count() == 0


# --- What it holds ---------------------------------------------------------------------------


@time_machine.travel(TUESDAY_8AM, tick=False)
def test_the_digest_groups_by_application_in_text_and_html(application_in, sme_user, mailoutbox):
    first = application_in("in_review")
    second = application_in("in_review")
    _waiting(sme_user, "document:1", first)
    _waiting(sme_user, "message:2", second, kind=Kind.MESSAGE, excerpt="Pouvez-vous préciser ?")
    Preference.objects.create(user=sme_user, kind=Kind.MESSAGE, delivery=Delivery.DIGEST)
    Notification.objects.filter(source="message:2").update(delivery=Delivery.DIGEST)

    sent = send_digest(user_id=sme_user.pk, until=TUESDAY_8AM.isoformat())

    assert sent == 2
    [digest] = mailoutbox
    text = digest.body
    assert (
        text.index(first.reference) < text.index("Titre document:1") < text.index(second.reference)
    )
    assert text.index(second.reference) < text.index("Titre message:2")
    assert "« Pouvez-vous préciser ? »" in text
    [(html, mimetype)] = digest.alternatives
    assert mimetype == "text/html"
    assert f"({first.reference})" in html and "Titre message:2" in html
    assert first.get_absolute_url() in html


@time_machine.travel(TUESDAY_8AM, tick=False)
def test_the_digest_holds_only_what_waits_for_it(sme_user, mailoutbox):
    _waiting(sme_user, "document:1")
    inbox.notify(  # wanted at once: not in the digest
        [sme_user], kind=Kind.MESSAGE, source="message:1", title=lambda: "Tout de suite", url="/"
    )
    Preference.objects.create(user=sme_user, kind=Kind.REMINDER, delivery=Delivery.NONE)
    inbox.notify(  # no mail at all
        [sme_user], kind=Kind.REMINDER, source="reminder:1", title=lambda: "Jamais", url="/"
    )
    with time_machine.travel(TUESDAY_8AM + timedelta(minutes=1), tick=False):
        _waiting(sme_user, "document:2")  # after the digest started: tomorrow's

    send_digest(user_id=sme_user.pk, until=TUESDAY_8AM.isoformat())

    [digest] = mailoutbox
    assert "Titre document:1" in digest.body
    for absent in ["Tout de suite", "Jamais", "Titre document:2"]:
        assert absent not in digest.body
    assert list(Notification.objects.awaiting_digest().values_list("source", flat=True)) == [
        "document:2"
    ]


@time_machine.travel(TUESDAY_8AM, tick=False)
def test_a_digest_goes_once_a_day_however_often_its_task_runs(sme_user, mailoutbox):
    _waiting(sme_user, "document:1")

    first = send_digest(user_id=sme_user.pk, until=TUESDAY_8AM.isoformat())
    _waiting(sme_user, "document:2")
    again = send_digest(user_id=sme_user.pk, until=TUESDAY_8AM.isoformat())

    assert (first, again) == (1, 0)
    assert len(mailoutbox) == 1


@time_machine.travel(TUESDAY_8AM, tick=False)
def test_nothing_waiting_sends_no_digest(sme_user, mailoutbox):
    assert send_digest(user_id=sme_user.pk, until=TUESDAY_8AM.isoformat()) == 0
    assert mailoutbox == []


@time_machine.travel(TUESDAY_8AM, tick=False)
def test_the_digest_is_in_the_recipients_language_with_an_unsubscribe_header(sme_user, mailoutbox):
    sme_user.language = "en"
    sme_user.save()
    _waiting(sme_user, "document:1")

    send_digest(user_id=sme_user.pk, until=TUESDAY_8AM.isoformat())

    [digest] = mailoutbox
    token = inbox.unsubscribe_token(sme_user)
    link = "http://testserver" + reverse("notifications:unsubscribe", args=[token])
    assert digest.extra_headers["List-Unsubscribe"].endswith(
        reverse("notifications:unsubscribe", args=[token]) + ">"
    )
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert reverse("notifications:unsubscribe", args=[token]) in digest.body
    assert link.removeprefix("http://testserver") in digest.alternatives[0][0]
    assert '<html lang="en">' in digest.alternatives[0][0]


@time_machine.travel(TUESDAY_8AM, tick=False)
def test_an_internal_note_never_reaches_the_smes_digest(
    committing_client, application_in, sme_user, staff_user, mailoutbox
):
    Preference.objects.create(user=sme_user, kind=Kind.MESSAGE, delivery=Delivery.DIGEST)
    application = application_in("in_review")
    committing_client.force_login(staff_user)
    for body, internal in [("Question ouverte", ""), ("Note secrète", "on")]:
        committing_client.post(
            reverse("applications:message_post", args=[application.pk]),
            {"body": body, "internal": internal},
        )
    assert Message.objects.count() == 2
    mailoutbox.clear()

    send_digest(user_id=sme_user.pk, until=(TUESDAY_8AM + timedelta(seconds=1)).isoformat())

    [digest] = mailoutbox
    assert "Question ouverte" in digest.body
    assert "Note secrète" not in digest.body
    assert "Note secrète" not in digest.alternatives[0][0]


# --- Preferences -----------------------------------------------------------------------------


def test_the_preferences_page_shows_each_kind_with_decisions_fixed(client, sme_user):
    Preference.objects.create(user=sme_user, kind=Kind.MESSAGE, delivery=Delivery.DIGEST)
    client.force_login(sme_user)

    response = client.get(reverse("notifications:preferences"))

    form = response.context["form"]
    assert {name: form[name].value() for name in form.fields} == {
        "decision": Delivery.IMMEDIATE,
        "activity": Delivery.IMMEDIATE,
        "message": Delivery.DIGEST,
        "document": Delivery.DIGEST,
        "reminder": Delivery.IMMEDIATE,
        "export": Delivery.NONE,
    }
    assert form.fields["decision"].disabled
    assert "toujours envoyées tout de suite" in response.content.decode()


def test_choosing_records_every_kind_but_decisions(client, sme_user):
    client.force_login(sme_user)

    response = client.post(
        reverse("notifications:preferences"),
        {
            "decision": "none",
            "activity": "digest",
            "message": "none",
            "document": "immediate",
            "reminder": "digest",
            "export": "immediate",
        },
    )

    assert response.status_code == 302
    assert inbox.choices_of(sme_user) == {
        Kind.DECISION: Delivery.IMMEDIATE,
        Kind.ACTIVITY: Delivery.DIGEST,
        Kind.MESSAGE: Delivery.NONE,
        Kind.DOCUMENT: Delivery.IMMEDIATE,
        Kind.REMINDER: Delivery.DIGEST,
        Kind.EXPORT: Delivery.IMMEDIATE,
    }
    assert not Preference.objects.filter(kind=Kind.DECISION).exists()


def test_an_unknown_choice_is_refused_on_the_page(client, sme_user):
    client.force_login(sme_user)

    response = client.post(
        reverse("notifications:preferences"),
        {"activity": "sometimes", "message": "none", "document": "digest", "reminder": "none"},
    )

    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert response.context["form"]["message"].value() == "none"  # what was chosen, kept
    assert not Preference.objects.exists()


def test_switching_a_kind_off_drops_what_waited_for_the_digest(client, sme_user):
    _waiting(sme_user, "document:1")
    client.force_login(sme_user)

    client.post(
        reverse("notifications:preferences"),
        {
            "activity": "immediate",
            "message": "immediate",
            "document": "none",
            "reminder": "none",
            "export": "none",
        },
    )

    assert Notification.objects.awaiting_digest().count() == 0
    assert Notification.objects.get().delivery == Delivery.NONE


# --- Unsubscribe -----------------------------------------------------------------------------


@pytest.fixture
def csrf_client():
    """Mail clients post without a CSRF token: the signed link must be enough."""
    return Client(enforce_csrf_checks=True)


def test_the_unsubscribe_link_needs_no_login_and_asks_first(csrf_client, sme_user):
    token = inbox.unsubscribe_token(sme_user)

    response = csrf_client.get(reverse("notifications:unsubscribe", args=[token]))

    assert response.status_code == 200
    assert sme_user.email in response.content.decode()
    assert inbox.choices_of(sme_user)[Kind.DOCUMENT] == Delivery.DIGEST  # nothing changed yet


def test_one_click_unsubscribes_from_the_digest_only(csrf_client, sme_user):
    Preference.objects.create(user=sme_user, kind=Kind.MESSAGE, delivery=Delivery.DIGEST)
    _waiting(sme_user, "document:1")
    token = inbox.unsubscribe_token(sme_user)

    response = csrf_client.post(
        reverse("notifications:unsubscribe", args=[token]),
        {"List-Unsubscribe": "One-Click"},
    )

    assert response.status_code == 200
    assert 'data-testid="unsubscribed"' in response.content.decode()
    assert inbox.choices_of(sme_user) == {
        Kind.DECISION: Delivery.IMMEDIATE,
        Kind.ACTIVITY: Delivery.IMMEDIATE,
        Kind.MESSAGE: Delivery.NONE,
        Kind.DOCUMENT: Delivery.NONE,
        Kind.REMINDER: Delivery.IMMEDIATE,
        Kind.EXPORT: Delivery.NONE,
    }
    assert Notification.objects.awaiting_digest().count() == 0


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token, user: token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
        lambda token, user: signing.dumps(user.pk),  # signed, but not for this purpose
        lambda token, user: "nimportequoi",
    ],
)
def test_an_altered_link_changes_nothing(csrf_client, sme_user, tamper):
    token = tamper(inbox.unsubscribe_token(sme_user), sme_user)

    response = csrf_client.post(reverse("notifications:unsubscribe", args=[token]))

    assert response.status_code == 404
    assert "Lien de désabonnement invalide" in response.content.decode()
    assert inbox.choices_of(sme_user)[Kind.DOCUMENT] == Delivery.DIGEST


def test_an_inactive_users_link_changes_nothing(csrf_client, sme_user):
    token = inbox.unsubscribe_token(sme_user)
    sme_user.is_active = False
    sme_user.save()

    response = csrf_client.post(reverse("notifications:unsubscribe", args=[token]))

    assert response.status_code == 404
    assert not Preference.objects.exists()


ENGLISH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.mo"


@pytest.mark.skipif(not ENGLISH.exists(), reason="no compiled English translations yet")
@time_machine.travel(TUESDAY_8AM, tick=False)
def test_an_english_speakers_digest_is_in_english(sme_user, mailoutbox):
    sme_user.language = "en"
    sme_user.save()
    _waiting(sme_user, "document:1")
    _waiting(sme_user, "document:2")

    send_digest(user_id=sme_user.pk, until=TUESDAY_8AM.isoformat())

    [digest] = mailoutbox
    assert digest.subject == "[Pacte PME] Your digest: 2 new items"
    assert "Here is what happened since your last digest." in digest.body
    assert "Stop receiving this digest (one click, no login):" in digest.body
