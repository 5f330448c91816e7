"""Tasks through a real broker and a real worker: what the eager tests cannot see (the message
is sent only once the transaction has committed, it can be read back, a failing one is not
redelivered for ever)."""

import os
import threading
import time

import pytest
from celery.signals import task_failure, task_prerun, task_retry
from django.core import mail
from django.db import transaction

from applications import services
from applications.enums import Action, State
from applications.models import Application, ApplicationEvent
from applications.tasks import send_event_notifications

pytestmark = [
    pytest.mark.celery_worker,
    # The worker reads the rows from its own thread: they must be committed. The flush at the
    # end would also empty the NAF sectors loaded by a migration; put them back.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The broker of the settings, and RabbitMQ too when CI says where it is.
BROKERS = [pytest.param("", id="settings-broker")]
if os.environ.get("CELERY_TEST_RABBITMQ_URL"):
    BROKERS.append(pytest.param(os.environ["CELERY_TEST_RABBITMQ_URL"], id="rabbitmq"))
TIMEOUT = 20.0
APPLICATION_TASKS = "applications.tasks."


def wait_until(condition, timeout: float = TIMEOUT, interval: float = 0.1):
    """Poll `condition` until it returns something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"Still waiting after {timeout:.0f} s for {condition.__doc__}")
        time.sleep(interval)


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


@pytest.fixture
def task_runs():
    """What the worker did with the tasks of applications: each run, failure and retry, as
    (task, keyword arguments)."""
    record = {"runs": [], "failures": [], "retries": []}

    def short(task) -> str | None:
        name = getattr(task, "name", "") or ""
        return name.removeprefix(APPLICATION_TASKS) if name.startswith(APPLICATION_TASKS) else None

    def on_prerun(sender=None, kwargs=None, **_):
        if short(sender):
            record["runs"].append((short(sender), kwargs))

    def on_failure(sender=None, exception=None, kwargs=None, **_):
        if short(sender):
            record["failures"].append((short(sender), kwargs, exception))

    def on_retry(sender=None, request=None, **_):
        if short(sender):
            record["retries"].append((short(sender), request.kwargs))

    receivers = [(task_prerun, on_prerun), (task_failure, on_failure), (task_retry, on_retry)]
    for signal, receiver in receivers:
        signal.connect(receiver, weak=False)
    yield record
    for signal, receiver in receivers:
        signal.disconnect(receiver)


@pytest.mark.parametrize("broker_url", BROKERS, indirect=True)
def test_worker_mails_the_advisor_when_an_application_is_submitted(
    worker, broker_queue, draft_application, sme_user, sponsor_body, advisor, task_runs
):
    services.submit(draft_application.pk, sme_user, sponsor_body=sponsor_body)

    def both_mailed():
        """the worker to mail the advisor, and the receipt to the SME"""
        return mails_to(advisor.email) and mails_to(sme_user.email)

    wait_until(both_mailed)
    submitted = draft_application.events.get(action=Action.SUBMIT)
    assert submitted.to_state == State.AWAITING_SPONSOR
    assert sorted(task_runs["runs"], key=repr) == sorted(
        [
            ("send_event_notifications", {"event_id": submitted.pk}),
            ("send_event_mail", {"event_id": submitted.pk, "user_id": advisor.pk}),
            ("send_submission_receipts", {"event_id": submitted.pk}),
            ("send_submission_receipt", {"event_id": submitted.pk, "user_id": sme_user.pk}),
        ],
        key=repr,
    )
    assert (task_runs["failures"], task_runs["retries"]) == ([], [])
    assert sorted(message.to for message in mail.outbox) == sorted(
        [[advisor.email], [sme_user.email]]
    )
    assert all(draft_application.reference in message.subject for message in mail.outbox)
    assert broker_queue.waiting() == 0


def test_worker_fails_once_on_a_deleted_event_and_goes_on(
    run_worker, broker_queue, draft_application, sme_user, sponsor_body, advisor, task_runs
):
    deleted = draft_application.events.create(
        action=Action.CREATE,
        from_state="",
        to_state=State.DRAFT,
        actor=sme_user,
        created_at=draft_application.created_at,
    )
    deleted_id = deleted.pk
    deleted.delete()

    with run_worker():
        send_event_notifications.delay(event_id=deleted_id)
        # A message sent after it: the worker must still be there to take it.
        services.submit(draft_application.pk, sme_user, sponsor_body=sponsor_body)

        def all_handled():
            """the worker to fail on the deleted event, then mail the advisor and the SME"""
            return task_runs["failures"] and mails_to(advisor.email) and mails_to(sme_user.email)

        wait_until(all_handled)

    submitted = draft_application.events.get(action=Action.SUBMIT)
    assert task_runs["runs"][0] == ("send_event_notifications", {"event_id": deleted_id})
    assert sorted(task_runs["runs"][1:], key=repr) == sorted(
        [
            ("send_event_notifications", {"event_id": submitted.pk}),
            ("send_event_mail", {"event_id": submitted.pk, "user_id": advisor.pk}),
            ("send_submission_receipts", {"event_id": submitted.pk}),
            ("send_submission_receipt", {"event_id": submitted.pk, "user_id": sme_user.pk}),
        ],
        key=repr,
    )
    [(task, arguments, exception)] = task_runs["failures"]
    assert (task, arguments) == ("send_event_notifications", {"event_id": deleted_id})
    assert isinstance(exception, ApplicationEvent.DoesNotExist)
    assert task_runs["retries"] == []
    # The worker has stopped and closed its connection, which puts back in the queue any
    # message it had not acknowledged: the failed one was (acks_late acknowledges failures).
    assert broker_queue.waiting() == 0
    assert sorted(message.to for message in mail.outbox) == sorted(
        [[advisor.email], [sme_user.email]]
    )


def test_worker_waits_for_a_transaction_of_the_web_rather_than_failing(
    run_worker, broker_queue, draft_application, sme_user, sponsor_body, advisor, task_runs
):
    """The worker and the web share the database: a task that meets a request's open write
    transaction waits for it to end (the database's busy timeout), as it would in production;
    it neither fails nor retries. On SQLite this needs a test database that is a file: in
    Django's shared-cache in-memory one, the table lock fails at once ("database table is
    locked"), which no timeout covers."""
    services.submit(draft_application.pk, sme_user, sponsor_body=sponsor_body)
    submitted = draft_application.events.get(action=Action.SUBMIT)
    broker_queue.purge()  # the task that submit queued: sent again below, at a chosen moment
    started = threading.Event()

    def on_prerun(sender=None, **_):
        started.set()

    task_prerun.connect(on_prerun, weak=False)
    try:
        with run_worker():
            with transaction.atomic():
                # A request in the middle of its transaction: it has written to the table the
                # task reads, and holds the write lock until it commits.
                Application.objects.filter(pk=draft_application.pk).update(target_city="Hanoï")
                send_event_notifications.delay(event_id=submitted.pk)
                assert started.wait(TIMEOUT), "the worker never started the task"
                # Long enough for the task to meet the lock (it reads at once): it must wait.
                time.sleep(0.5)

            def advisor_mailed():
                """the worker to mail the advisor once the transaction has committed"""
                return mails_to(advisor.email)

            wait_until(advisor_mailed)
    finally:
        task_prerun.disconnect(on_prerun)

    assert task_runs == {
        "runs": [
            ("send_event_notifications", {"event_id": submitted.pk}),
            ("send_event_mail", {"event_id": submitted.pk, "user_id": advisor.pk}),
        ],
        "failures": [],
        "retries": [],
    }
    assert [message.to for message in mail.outbox] == [[advisor.email]]
    assert broker_queue.waiting() == 0
