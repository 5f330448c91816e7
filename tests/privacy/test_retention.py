"""The retention sweep on a frozen clock: drafts reminded then deleted, closed applications
archived, old records purged; each once, however often it runs."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessLog
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from applications import services as application_services
from applications.enums import Outcome, State
from applications.models import Application, ApplicationEvent, Document, Message, Visit
from notifications.enums import Kind
from notifications.models import Notification
from outbox.models import Delivery
from outbox.models import Message as OutboxMessage
from outbox.services import relay
from privacy import export, retention
from privacy.models import DraftReminder
from privacy.tasks import apply_retention
from tests.factories import ApplicationFactory, CompanyMembershipFactory

from .conftest import attach, stored_files

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 8:00 in Paris. Days are counted from here.
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
DAY = timedelta(days=1)

NOTHING = {
    "drafts_deleted": 0,
    "drafts_reminded": 0,
    "applications_archived": 0,
    "login_records_deleted": 0,
    "notifications_deleted": 0,
    "mail_records_deleted": 0,
    "stale_reminders_deleted": 0,
}


@pytest.fixture
def at(time_machine, django_capture_on_commit_callbacks):
    """`at(day)` freezes the clock `day` days after START; `at.sweep(day)` runs the sweep then,
    its mails sent (the outbox relayed after the commit, the tasks run eagerly)."""

    class At:
        def __call__(self, day: float):
            time_machine.move_to(START + day * DAY, tick=False)

        def settle(self):
            """The mails of what happened so far, sent and forgotten."""
            relay()
            mail.outbox.clear()

        def sweep(self, day: float) -> dict[str, int]:
            self(day)
            with django_capture_on_commit_callbacks(execute=True):
                return retention.apply()

    clock = At()
    clock(0)
    return clock


# What the sweep does to drafts and applications; the purges of records that age out on
# their own (notifications, mails, logins) are tested apart.
APPLICATION_STEPS = ("drafts_deleted", "drafts_reminded", "applications_archived")


def acted(done: dict[str, int]) -> dict[str, int]:
    return {name: done[name] for name in APPLICATION_STEPS if done[name]}


def mails(mailoutbox) -> list[tuple[str, str]]:
    return [(message.to[0], message.subject) for message in mailoutbox]


# --- Drafts: one reminder ------------------------------------------------------------------------


def test_an_idle_draft_is_reminded_once_after_182_days(
    at, sme_user, company, draft_application, mailoutbox
):
    colleague = CompanyMembershipFactory(company=company, user__first_name="Marc").user
    reference = draft_application.reference

    assert acted(at.sweep(181.9)) == {}
    assert acted(at.sweep(182)) == {"drafts_reminded": 1}
    subject = f"[Pacte PME] {reference} – Votre brouillon sera bientôt supprimé"
    assert mails(mailoutbox) == [(sme_user.email, subject), (colleague.email, subject)]
    assert acted(at.sweep(183)) == {}  # once
    assert acted(at.sweep(211)) == {}
    assert len(mailoutbox) == 2
    assert list(DraftReminder.objects.values_list("application_id", "sent_at")) == [
        (draft_application.pk, START + 182 * DAY)
    ]


def test_the_reminder_says_when_the_draft_goes_in_text_and_html(
    at, sme_user, draft_application, mailoutbox
):
    at.sweep(182)

    [message] = mailoutbox
    edit = f"{settings.SITE_URL}{reverse('applications:edit', args=[draft_application.pk])}"
    assert message.body == (
        "Bonjour Claire,\n\n"
        f"Le brouillon de votre demande de portage {draft_application.reference} "
        "(Hanoi, Viêt Nam) n'a pas été modifié depuis le 2 mars 2026.\n\n"
        "Pour ne pas garder vos données plus longtemps que nécessaire, il sera supprimé le "
        "30 septembre 2026, avec ses documents, s'il n'est pas modifié d'ici là.\n\n"
        "Pour le garder, ouvrez-le et enregistrez-le de nouveau (même sans rien changer) :\n\n"
        f"{edit}\n\n"
        f"Nos durées de conservation : {settings.SITE_URL}/mes-donnees/conservation/\n\n"
        "L'équipe Pacte PME international\n"
    )
    [(html, content_type)] = message.alternatives
    assert content_type == "text/html"
    assert f'<a href="{edit}">' in html
    assert "il sera supprimé le 30 septembre 2026" in html


def test_the_reminder_goes_only_to_the_drafts_company(
    at, sme_user, draft_application, other_sme_user, other_company, mailoutbox
):
    at.sweep(182)

    assert [message.to for message in mailoutbox] == [[sme_user.email]]


def test_no_reminder_for_a_submitted_application(at, application_in, mailoutbox):
    application_in(State.AWAITING_SPONSOR)
    at.settle()

    assert acted(at.sweep(400)) == {}
    assert mailoutbox == []


def test_a_draft_edited_meanwhile_is_reminded_182_days_after_the_edit(
    at, client, sme_user, draft_application
):
    at(100)
    client.force_login(sme_user)
    response = client.post(
        reverse("applications:edit", args=[draft_application.pk]),
        {
            "target_country": "VN",
            "target_city": "Hô Chi Minh-Ville",
            "support_kinds": ["advice"],
            "maturity": draft_application.maturity,
            "description": draft_application.description,
        },
    )
    assert response.status_code == 302

    assert acted(at.sweep(182)) == {}
    assert acted(at.sweep(281.9)) == {}
    assert acted(at.sweep(282)) == {"drafts_reminded": 1}


def test_a_document_attached_counts_as_work_on_the_draft(at, sme_user, draft_application):
    at(150)
    attach(draft_application, sme_user, "Plan.pdf")

    assert acted(at.sweep(182)) == {}
    assert acted(at.sweep(332)) == {"drafts_reminded": 1}


# --- Drafts: deletion a month after the reminder ------------------------------------------------


def test_a_draft_still_idle_30_days_after_its_reminder_is_deleted_with_its_files(
    at, sme_user, draft_application, private_storage, other_sme_user, other_company
):
    attach(draft_application, sme_user, "Plan.pdf")
    theirs = ApplicationFactory(company=other_company, created_by=other_sme_user)
    at(100)
    kept = attach(theirs, other_sme_user, "Leur plan.pdf")
    at.sweep(182)

    assert acted(at.sweep(211.9)) == {}
    assert Application.objects.filter(pk=draft_application.pk).exists()
    assert acted(at.sweep(212)) == {"drafts_deleted": 1}
    assert not Application.objects.filter(pk=draft_application.pk).exists()
    assert list(Document.objects.values_list("pk", flat=True)) == [kept.pk]
    assert stored_files(private_storage) == [kept.file.name]
    assert DraftReminder.objects.filter(application=theirs).count() == 0  # not idle long enough
    assert acted(at.sweep(213)) == {}


def test_a_draft_saved_after_its_reminder_is_kept(at, sme_user, draft_application):
    at.sweep(182)
    at(200)
    Application.objects.get(pk=draft_application.pk).save()  # the edit form saves it so

    assert acted(at.sweep(212)) == {}
    assert acted(at.sweep(250)) == {}
    assert Application.objects.filter(pk=draft_application.pk).exists()
    assert acted(at.sweep(382)) == {"drafts_reminded": 1}
    assert acted(at.sweep(412)) == {"drafts_deleted": 1}


def test_a_reminder_queued_for_a_draft_saved_since_sends_nothing(
    at, sme_user, draft_application, mailoutbox
):
    at(182)
    retention.remind_idle_drafts(START + 182 * DAY)  # queued, not relayed yet
    Application.objects.get(pk=draft_application.pk).save()

    relay()

    assert mailoutbox == []


# --- Closed applications: archival after three years ---------------------------------------------


@pytest.fixture
def closed(at, application_in, sme_user, staff_user):
    """Company A's application, closed on day 0 with a document, a message and a comment."""
    application = application_in(State.ACCOMPANIED)
    attach(application, sme_user, "Plan.pdf")
    application_services.post_message(application.pk, sme_user, body="Merci pour votre aide.")
    application_services.close(application.pk, staff_user, outcome=Outcome.ESTABLISHED)
    application_services.rate(application.pk, sme_user, rating=5, comment="Parfait.")
    application_services.record_visit(sme_user, application)
    Notification.objects.create(
        user=sme_user,
        kind=Kind.MESSAGE,
        source="message:1",
        title="Nouveau message",
        url="/",
        application=application,
    )
    at.settle()
    return Application.objects.get(pk=application.pk)


def test_a_closed_application_is_archived_after_1095_days_and_not_before(
    at, closed, private_storage
):
    events = list(ApplicationEvent.objects.filter(application=closed).values())
    document = Document.objects.get(application=closed)
    assert len(stored_files(private_storage)) == 1

    assert acted(at.sweep(1094.9)) == {}
    assert Application.objects.get(pk=closed.pk).archived_at is None
    assert acted(at.sweep(1095)) == {"applications_archived": 1}

    archived = Application.objects.get(pk=closed.pk)
    assert archived.archived_at == START + 1095 * DAY
    assert (archived.description, archived.rating_comment) == ("", "")
    assert (archived.state, archived.rating, archived.outcome) == (State.CLOSED, 5, "established")
    assert list(Message.objects.filter(application=closed).values_list("body", flat=True)) == [""]
    document.refresh_from_db()
    assert (document.name, document.size, document.file.name) == ("Plan.pdf", document.size, "")
    assert stored_files(private_storage) == []
    assert Notification.objects.filter(application=closed).count() == 0
    assert Visit.objects.filter(application=closed).count() == 0
    # The history is untouched, and its chain verifies.
    assert list(ApplicationEvent.objects.filter(application=closed).values()) == events
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("Chaîne intacte")


@pytest.mark.parametrize("state", [State.REJECTED, State.WITHDRAWN])
def test_rejected_and_withdrawn_applications_are_archived_too(at, application_in, state):
    application = application_in(state)
    at.settle()

    assert acted(at.sweep(1094)) == {}
    assert acted(at.sweep(1095)) == {"applications_archived": 1}
    assert Application.objects.get(pk=application.pk).archived_at is not None


def test_an_open_application_is_never_archived(at, application_in):
    application_in(State.ACCOMPANIED)
    at.settle()

    assert acted(at.sweep(3000)) == {}


def test_an_archived_application_leaves_the_lists(at, client, closed, sme_user, staff_user):
    at.sweep(1095)
    client.force_login(sme_user)

    dashboard = client.get(reverse("applications:dashboard")).content.decode()
    page = client.get(closed.get_absolute_url())

    assert closed.reference not in dashboard
    assert page.status_code == 200  # still reachable by its address
    client.force_login(staff_user)
    queue = client.get(reverse("applications:staff_queue"), {"state": State.CLOSED})
    assert closed.reference not in queue.content.decode()


def test_an_archived_document_is_not_downloaded(at, client, closed, sme_user):
    at.sweep(1095)
    document = Document.objects.get(application=closed)
    client.force_login(sme_user)

    response = client.get(document.get_absolute_url(), follow=True)

    assert response.redirect_chain == [(closed.get_absolute_url(), 302)]
    assert "Ce document a été effacé à l&#x27;archivage du dossier." in response.content.decode()


def test_the_export_of_an_archived_application_names_its_documents_without_files(
    at, closed, sme_user
):
    at.sweep(1095)

    exported = export.collect(sme_user)

    assert exported.files == []
    [application] = exported.data["applications"]
    assert [(d["name"], d["file"]) for d in application["documents"]] == [("Plan.pdf", None)]


# --- Records with a lifetime of their own -------------------------------------------------------


def test_login_records_go_after_180_days(at):
    AccessLog.objects.create(username="a@example.com", user_agent="Firefox", path_info="/")
    AccessAttempt.objects.create(
        username="b@example.com", user_agent="Firefox", path_info="/", failures_since_start=1
    )

    assert at.sweep(179.9)["login_records_deleted"] == 0
    assert at.sweep(180.1)["login_records_deleted"] == 2
    assert AccessLog.objects.count() == AccessAttempt.objects.count() == 0


def test_notifications_go_after_a_year(at, sme_user):
    Notification.objects.create(
        user=sme_user, kind=Kind.DECISION, source="event:1", title="Décision", url="/"
    )

    assert at.sweep(364.9)["notifications_deleted"] == 0
    assert at.sweep(365.1)["notifications_deleted"] == 1
    assert Notification.objects.count() == 0


def test_mail_records_go_after_90_days(at):
    OutboxMessage.objects.create(task="accounts.tasks.x", kwargs={}, relayed_at=START)
    OutboxMessage.objects.create(task="accounts.tasks.y", kwargs={})  # never relayed: kept
    Delivery.objects.create(key="mail:1")

    assert at.sweep(89.9)["mail_records_deleted"] == 0
    assert at.sweep(90.1)["mail_records_deleted"] == 2
    assert list(OutboxMessage.objects.values_list("task", flat=True)) == ["accounts.tasks.y"]


def test_the_durations_come_from_the_settings(at, settings, draft_application, closed):
    settings.DRAFT_REMINDER_DAYS = 10
    settings.DRAFT_DELETION_DAYS = 5
    settings.CLOSED_RETENTION_DAYS = 20

    assert acted(at.sweep(10)) == {"drafts_reminded": 1}
    assert acted(at.sweep(15)) == {"drafts_deleted": 1}
    assert acted(at.sweep(20)) == {"applications_archived": 1}


# --- Running it ---------------------------------------------------------------------------------


def test_running_twice_acts_once(at, sme_user, company, closed, mailoutbox):
    at(800)
    doomed = ApplicationFactory(company=company, created_by=sme_user)
    at(913)
    reminded = ApplicationFactory(company=company, created_by=sme_user)
    at.sweep(982)  # `doomed` reminded
    mailoutbox.clear()

    first = at.sweep(1095)
    second = at.sweep(1095)

    assert acted(first) == dict.fromkeys(APPLICATION_STEPS, 1)
    assert second == NOTHING
    assert not Application.objects.filter(pk=doomed.pk).exists()
    assert list(DraftReminder.objects.values_list("application_id", flat=True)) == [reminded.pk]
    assert len(mailoutbox) == 1


def test_the_command_runs_the_sweep(at, draft_application):
    at(182)
    out = StringIO()

    call_command("apply_retention", stdout=out)

    assert out.getvalue().splitlines() == [
        "drafts_deleted=0",
        "drafts_reminded=1",
        "applications_archived=0",
        "login_records_deleted=0",
        "notifications_deleted=0",
        "mail_records_deleted=0",
        "stale_reminders_deleted=0",
    ]


def test_celery_beat_runs_it_every_night_at_3():
    assert settings.CELERY_BEAT_SCHEDULE["privacy-retention"] == {
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=0),
    }


def test_the_task_runs_the_sweep(at, draft_application):
    at(182)

    assert apply_retention.delay().get()["drafts_reminded"] == 1
