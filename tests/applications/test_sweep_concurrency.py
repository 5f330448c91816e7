"""Two sweeps at the same moment, on PostgreSQL: each reminder is sent once, each expiry done
once. The sweeps run in two threads with their own connections, released together (see
tests/corporations/test_concurrency.py), and commit for real."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection

from applications.enums import Action, Milestone, State
from applications.models import Application, ApplicationEvent, Reminder
from applications.reminders import sweep
from corporations.enums import MatchStatus
from corporations.models import Match
from outbox.models import Message
from outbox.services import relay
from tests.corporations.test_concurrency import at_the_same_moment
from tests.factories import make_application_in

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MONDAY = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
WAITING = 40


def test_two_sweeps_at_once_send_each_reminder_once_and_expire_once(
    time_machine, sponsor_body, advisor, staff_user, interlocutor, sme_user
):
    time_machine.move_to(MONDAY, tick=False)
    waiting = [
        make_application_in(State.AWAITING_SPONSOR, sponsor_body=sponsor_body, advisor=advisor)
        for _ in range(WAITING)
    ]
    proposed = make_application_in(
        State.PROPOSED, sponsor_body=sponsor_body, staff=staff_user, interlocutor=interlocutor
    )
    relay()  # the mails of the set-up
    mail.outbox.clear()
    time_machine.move_to(MONDAY + timedelta(days=10), tick=False)  # Thursday 12 March

    first, second = at_the_same_moment(sweep, sweep)

    assert not isinstance(first, Exception), first
    assert not isinstance(second, Exception), second
    assert first["sponsor_reminder"] + second["sponsor_reminder"] == WAITING
    assert first["proposal_expired"] + second["proposal_expired"] == 1
    reminders = Counter(Reminder.objects.values_list("milestone", flat=True))
    assert reminders[Milestone.SPONSOR_REMINDER] == WAITING
    assert reminders[Milestone.SPONSOR_ALERT] == 0  # 10 days: not yet
    assert reminders[Milestone.PROPOSAL_EXPIRED] == 1
    assert Message.objects.filter(task="applications.tasks.send_reminder_mails").count() == (
        reminders[Milestone.SPONSOR_REMINDER] + reminders[Milestone.INTERLOCUTOR_REMINDER]
    )
    # One mail per reminder to the advisor, none twice.
    subjects = Counter(message.subject for message in mail.outbox if message.to == [advisor.email])
    assert len(subjects) == WAITING
    assert set(subjects.values()) == {1}
    assert {a.reference for a in waiting} == {s.split(" ")[2] for s in subjects}
    # The proposal expired once: one event, the application back to staff.
    assert Application.objects.get(pk=proposed.pk).state == State.IN_REVIEW
    assert Match.objects.get(application=proposed).status == MatchStatus.EXPIRED
    assert (
        ApplicationEvent.objects.filter(application=proposed, action=Action.EXPIRE_MATCH).count()
        == 1
    )
