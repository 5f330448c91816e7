"""The sweep: each milestone on its day (a frozen clock), once per cycle, on French business
days, with the thresholds administrators set; set-based, whatever the number of open
applications."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.enums import Action, Milestone, State
from applications.models import Application, ApplicationEvent, Reminder, ReminderSettings
from applications.reminders import sweep
from corporations.enums import MatchStatus
from corporations.models import Interlocutor, Match
from outbox.models import Message
from outbox.services import relay
from reference.business_days import is_business_day
from tests.factories import ApplicationFactory, StaffMembershipFactory, perform

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 8:00 in Paris. Days are counted from here.
MONDAY = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def at(time_machine, django_capture_on_commit_callbacks):
    """`at(day)` freezes the clock `day` days after MONDAY; `at.sweep(day)` sweeps then, its
    mails sent (the outbox relayed after the commit, the tasks run eagerly)."""

    class At:
        def __call__(self, day: float):
            time_machine.move_to(MONDAY + day * DAY, tick=False)

        def settle(self):
            """The mails of what happened so far, sent and forgotten (the test's actions did
            not commit, so their outbox messages are still waiting)."""
            relay()
            mail.outbox.clear()

        def sweep(self, day: float) -> dict[str, int]:
            self(day)
            with django_capture_on_commit_callbacks(execute=True):
                return sweep()

    clock = At()
    clock(0)
    return clock


def acted(done: dict[str, int]) -> dict[str, int]:
    return {name: count for name, count in done.items() if count and name != "relayed"}


def mails(mailoutbox) -> list[tuple[str, str]]:
    return [(message.to[0], message.subject) for message in mailoutbox]


# --- The sponsor ------------------------------------------------------------------------------


def test_a_silent_sponsor_is_reminded_after_7_days_then_staff_alerted_after_14(
    at, application_in, advisor, staff_user, mailoutbox
):
    application = application_in(State.AWAITING_SPONSOR)
    at.settle()

    assert acted(at.sweep(6.9)) == {}
    assert acted(at.sweep(7)) == {Milestone.SPONSOR_REMINDER: 1}
    assert mails(mailoutbox) == [
        (
            advisor.email,
            f"[Pacte PME] {application.reference} – Une demande attend votre parrainage",
        )
    ]
    assert acted(at.sweep(7.5)) == {}  # once per cycle

    mailoutbox.clear()
    assert acted(at.sweep(14)) == {Milestone.SPONSOR_ALERT: 1}
    assert mails(mailoutbox) == [
        (staff_user.email, f"[Pacte PME] {application.reference} – Parrain silencieux")
    ]
    assert "attend son parrain depuis 14 jours" in mailoutbox[0].body


def test_a_new_submission_starts_a_new_cycle(at, application_in, advisor, sme_user):
    application = application_in(State.AWAITING_SPONSOR)
    at.sweep(7)
    at(8)
    perform(Action.DECLINE_ENDORSEMENT, application.pk, advisor)
    perform(Action.SUBMIT, application.pk, sme_user, sponsor_body=application.sponsor_body)

    assert acted(at.sweep(14)) == {}  # six days into the new cycle
    assert acted(at.sweep(15)) == {Milestone.SPONSOR_REMINDER: 1}
    assert Reminder.objects.filter(milestone=Milestone.SPONSOR_REMINDER).count() == 2


# --- The review ------------------------------------------------------------------------------


def test_the_owner_is_reminded_on_day_21_and_the_leads_alerted_on_day_30(
    at, application_in, staff_user, mailoutbox
):
    lead = StaffMembershipFactory(is_lead=True).user
    application = application_in(State.IN_REVIEW)
    assert Application.objects.get(pk=application.pk).owner == staff_user
    at.settle()

    assert acted(at.sweep(20.9)) == {}
    assert acted(at.sweep(21)) == {Milestone.REVIEW_REMINDER: 1}
    assert mails(mailoutbox) == [
        (staff_user.email, f"[Pacte PME] {application.reference} – Instruction à terminer")
    ]
    assert "en est à son jour 21" in mailoutbox[0].body

    mailoutbox.clear()
    assert acted(at.sweep(30)) == {}  # the last day
    assert acted(at.sweep(30.01)) == {Milestone.REVIEW_OVERDUE: 1}  # a quarter of an hour past
    assert mails(mailoutbox) == [
        (lead.email, f"[Pacte PME] {application.reference} – Instruction en retard")
    ]
    assert Application.objects.get(pk=application.pk).clock.overdue


def test_a_pause_moves_the_review_milestones(at, application_in, staff_user, sme_user):
    application = application_in(State.IN_REVIEW)
    at(10)
    perform(Action.REQUEST_INFORMATION, application.pk, staff_user)
    at(17)
    perform(Action.ANSWER_INFORMATION, application.pk, sme_user)

    assert acted(at.sweep(24)) == {}  # 17 days of review
    assert acted(at.sweep(28)) == {Milestone.REVIEW_REMINDER: 1}  # day 21
    assert acted(at.sweep(37.01)) == {Milestone.REVIEW_OVERDUE: 1}  # past day 30


def test_no_review_reminder_once_an_interlocutor_accepted(at, application_in):
    application_in(State.ACCOMPANIED)

    assert acted(at.sweep(45)) == {}


# --- The interlocutor ------------------------------------------------------------------------


def test_a_silent_interlocutor_is_reminded_after_5_days(
    at, application_in, interlocutor, mailoutbox
):
    application = application_in(State.PROPOSED)
    at.settle()

    assert acted(at.sweep(4.9)) == {}
    assert acted(at.sweep(5)) == {}  # due, but a Saturday
    assert acted(at.sweep(7)) == {Milestone.INTERLOCUTOR_REMINDER: 1}  # Monday
    assert mails(mailoutbox) == [
        (
            interlocutor.email,
            f"[Pacte PME] {application.reference} – Une proposition attend votre réponse",
        )
    ]


def test_after_10_days_the_proposal_expires_and_the_application_returns_to_staff(
    at, application_in, interlocutor, staff_user, mailoutbox
):
    application = application_in(State.PROPOSED)
    at.settle()
    at.sweep(7)
    mailoutbox.clear()

    assert acted(at.sweep(9.9)) == {}
    assert acted(at.sweep(10)) == {Milestone.PROPOSAL_EXPIRED: 1}

    application = Application.objects.get(pk=application.pk)
    assert application.state == State.IN_REVIEW
    assert Match.objects.get(application=application).status == MatchStatus.EXPIRED
    event = ApplicationEvent.objects.filter(application=application).last()
    assert (event.action, event.actor, event.to_state) == (
        Action.EXPIRE_MATCH,
        None,
        State.IN_REVIEW,
    )
    assert event.note == "Sans réponse du correspondant, la proposition a expiré."
    assert sorted(to for to, _subject in mails(mailoutbox)) == sorted(
        [interlocutor.email, staff_user.email]
    )
    assert Interlocutor.objects.get(user=interlocutor).proposals_decided == 1
    assert acted(at.sweep(11)) == {}


def test_a_proposal_answered_in_time_does_not_expire(at, application_in, interlocutor):
    application = application_in(State.PROPOSED)
    at(9)
    perform(Action.ACCEPT_MATCH, application.pk, interlocutor)

    assert acted(at.sweep(10)) == {}
    assert Application.objects.get(pk=application.pk).state == State.ACCOMPANIED


# --- The SME ----------------------------------------------------------------------------------


def test_a_silent_sme_is_reminded_after_14_days_then_staff_alerted_after_30(
    at, application_in, staff_user, sme_user, mailoutbox
):
    application = application_in(State.IN_REVIEW)
    at(1)
    perform(Action.REQUEST_INFORMATION, application.pk, staff_user)
    at.settle()

    assert acted(at.sweep(14)) == {}  # 13 days after the question
    assert acted(at.sweep(15)) == {Milestone.SME_REMINDER: 1}
    assert mails(mailoutbox) == [
        (sme_user.email, f"[Pacte PME] {application.reference} – Une question attend votre réponse")
    ]
    mailoutbox.clear()
    assert acted(at.sweep(31)) == {Milestone.SME_ALERT: 1}
    assert mails(mailoutbox) == [
        (staff_user.email, f"[Pacte PME] {application.reference} – PME silencieuse")
    ]


# --- Business days -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (datetime(2026, 3, 6).date(), True),  # a Friday
        (datetime(2026, 3, 7).date(), False),  # Saturday
        (datetime(2026, 3, 8).date(), False),  # Sunday
        (datetime(2026, 4, 6).date(), False),  # Easter Monday
        (datetime(2026, 5, 1).date(), False),  # Labour Day, a Friday
        (datetime(2026, 7, 14).date(), False),  # Bastille Day
        (datetime(2026, 12, 25).date(), False),  # Christmas
        (datetime(2026, 12, 24).date(), True),
    ],
)
def test_business_days_are_french_working_days(day, business):
    assert is_business_day(day) is business


def test_a_reminder_due_on_a_weekend_waits_for_monday(at, application_in):
    at(-2)  # Saturday 28 February
    application_in(State.AWAITING_SPONSOR)

    assert acted(at.sweep(5)) == {}  # due Saturday 7 March
    assert acted(at.sweep(6)) == {}  # Sunday
    assert acted(at.sweep(7)) == {Milestone.SPONSOR_REMINDER: 1}  # Monday


def test_a_reminder_due_on_a_public_holiday_waits_for_the_next_business_day(at, application_in):
    at(53)  # Friday 24 April; due Friday 1 May, Labour Day
    application_in(State.AWAITING_SPONSOR)

    assert acted(at.sweep(60)) == {}
    assert acted(at.sweep(63)) == {Milestone.SPONSOR_REMINDER: 1}  # Monday 4 May


# --- Settings --------------------------------------------------------------------------------


def test_administrators_set_the_thresholds(at, application_in):
    thresholds = ReminderSettings.current()
    thresholds.sponsor_reminder_days = 3
    thresholds.save()
    application_in(State.AWAITING_SPONSOR)

    assert acted(at.sweep(3)) == {Milestone.SPONSOR_REMINDER: 1}


def test_an_alert_cannot_come_before_its_reminder(settings):
    thresholds = ReminderSettings(sponsor_reminder_days=14, sponsor_alert_days=7)
    thresholds.review_reminder_day = 30

    with pytest.raises(ValidationError) as invalid:
        thresholds.full_clean()

    assert invalid.value.message_dict == {
        "sponsor_alert_days": ["Ce délai doit être plus long que celui de la relance."],
        "review_reminder_day": ["La relance doit précéder l'échéance de l'instruction (jour 30)."],
    }


# --- Set-based --------------------------------------------------------------------------------


def sweep_queries(at, day) -> int:
    at(day)
    with CaptureQueriesContext(connection) as queries:
        sweep()
    return len(queries)


def test_the_sweep_costs_the_same_queries_for_5_or_50_open_applications(at, sponsor_body):
    def open_applications(count):
        for _ in range(count):
            ApplicationFactory(state=State.AWAITING_SPONSOR, sponsor_body=sponsor_body)
        Application.objects.update(submitted_at=MONDAY)

    ReminderSettings.current()
    open_applications(5)
    few = sweep_queries(at, 1)
    open_applications(45)
    many = sweep_queries(at, 1)

    assert few == many


def test_the_sweep_writes_its_mails_to_the_outbox_in_its_transaction(at, application_in):
    application_in(State.AWAITING_SPONSOR)
    at(7)

    sweep()  # the test's transaction: no commit, so nothing relayed yet

    reminder = Reminder.objects.get()
    message = Message.objects.get(task="applications.tasks.send_reminder_mails")
    assert message.kwargs == {"reminder_id": reminder.pk}
    assert message.relayed_at is None


def test_sweep_reviews_command_prints_what_it_did(at, application_in, capsys):
    application_in(State.AWAITING_SPONSOR)
    at(7)

    call_command("sweep_reviews")

    assert "sponsor_reminder=1" in capsys.readouterr().out.splitlines()
