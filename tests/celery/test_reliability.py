"""Nothing lost, nothing twice, with a real broker and a real worker.

- The broker is down while a user acts: the action succeeds at once, its mail waits in the
  outbox, and is delivered once, by the sweep, when the broker is back.
- A worker process killed (SIGKILL) in the middle of sending a mail: the task is redelivered
  and the mail sent once. This one runs a worker in a process of its own (the prefork pool,
  as in production), against the test database, so it needs PostgreSQL and a server broker
  (Redis or RabbitMQ); the mail goes to a small SMTP server run by the test, which holds the
  first connection until the worker is killed.
"""

import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from applications import services
from applications.enums import Action, State
from outbox import services as outbox
from outbox.models import Delivery, Message
from pacte.celery import app as celery_app
from tests.celery.conftest import _forget_broker_state
from tests.celery.test_worker import BROKERS, mails_to, wait_until

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Nothing listens there: a broker that is down.
DEAD_BROKER = "redis://127.0.0.1:9/0"


@pytest.fixture
def broker_down(broker_queue):
    """`with broker_down():` publishing fails as when the broker is stopped."""
    conf = celery_app.conf

    class Down:
        def __enter__(self):
            self.saved = conf.broker_write_url
            conf.broker_write_url = DEAD_BROKER
            _forget_broker_state()

        def __exit__(self, *exc):
            conf.broker_write_url = self.saved
            _forget_broker_state()

    return Down


@pytest.mark.parametrize("broker_url", BROKERS, indirect=True)
def test_an_action_succeeds_with_the_broker_down_and_its_mail_goes_once_it_is_back(
    worker, broker_queue, broker_down, draft_application, sme_user, sponsor_body, advisor
):
    with broker_down():
        started = time.monotonic()
        services.submit(draft_application.pk, sme_user, sponsor_body=sponsor_body)
        took = time.monotonic() - started

    draft_application.refresh_from_db()
    assert draft_application.state == State.AWAITING_SPONSOR  # the action stands
    assert took < 1.5
    # The sponsor's notifications and the SME's receipt, each refused once by the broker.
    event, receipt = Message.objects.filter(relayed_at__isnull=True).order_by("pk")
    assert (event.task, receipt.task) == (
        "applications.tasks.send_event_notifications",
        "applications.tasks.send_submission_receipts",
    )
    assert (event.attempts, receipt.attempts) == (1, 1)
    assert event.last_error and receipt.last_error  # why they wait, for the admin's outbox page
    time.sleep(1)
    assert mail.outbox == []

    # The broker is back; the next sweep relays what waited.
    relayed = outbox.relay_pending(timezone.now() + timedelta(minutes=1))

    assert relayed == 2

    def both_mailed():
        """the worker to mail the advisor, and the receipt to the SME"""
        return mails_to(advisor.email) and mails_to(sme_user.email)

    wait_until(both_mailed)
    time.sleep(1)  # anything twice would have come by now
    assert sorted(message.to for message in mail.outbox) == sorted(
        [[advisor.email], [sme_user.email]]
    )
    assert outbox.relay_pending(timezone.now() + timedelta(minutes=1)) == 0
    assert Delivery.objects.filter(key__startswith="event-mail:").count() == 1
    assert Delivery.objects.filter(key__startswith="receipt-mail:").count() == 1


# --- A worker killed in the middle of a task ------------------------------------------------


class StallingSMTP(socketserver.ThreadingTCPServer):
    """Just enough SMTP to take mails; holds its first client without a greeting until
    `release` is set, so that the sending task is caught in the middle."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        self.first_client = threading.Event()
        self.release = threading.Event()
        self.received: list[str] = []
        self.clients = 0

    @property
    def port(self) -> int:
        return self.server_address[1]


class SMTPHandler(socketserver.StreamRequestHandler):
    def handle(self):
        server = self.server
        server.clients += 1
        if server.clients == 1:
            server.first_client.set()
            server.release.wait(timeout=60)
            return  # the client was killed meanwhile: drop the connection
        self.reply("220 test ESMTP")
        recipients, data = [], None
        while line := self.rfile.readline():
            command = line.decode().strip()
            upper = command.upper()
            if data is not None:
                if command == ".":
                    server.received.append(",".join(recipients))
                    data = None
                    self.reply("250 queued")
                continue
            if upper.startswith(("EHLO", "HELO")):
                self.reply("250 test")
            elif upper.startswith("RCPT TO:"):
                recipients.append(command[8:].strip(" <>"))
                self.reply("250 ok")
            elif upper == "DATA":
                data = []
                self.reply("354 go on")
            elif upper == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")

    def reply(self, text: str) -> None:
        self.wfile.write(f"{text}\r\n".encode())


@pytest.fixture
def smtp_server():
    server = StallingSMTP()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


def children_of(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def worker_process(broker_queue, smtp_server, tmp_path):
    """A `celery worker` process (prefork, one child) on the test's queue and database."""
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the test database: PostgreSQL only")
    if broker_queue.url.startswith("filesystem://"):
        pytest.skip("redelivery after a lost worker needs a server broker (Redis, RabbitMQ)")
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pacte.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_queue.url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "EMAIL_USE_TLS": "false",
        "PACTE_VAR_DIR": str(tmp_path / "var"),
    }
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pacte",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            f"--queues={broker_queue.name}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.parametrize("broker_url", BROKERS, indirect=True)
def test_a_worker_killed_while_sending_has_the_task_redelivered_and_the_mail_sent_once(
    request, broker_queue, smtp_server, application_in, advisor
):
    application = application_in(State.AWAITING_SPONSOR)
    submitted = application.events.get(action=Action.SUBMIT)
    broker_queue.purge()  # the set-up's own mails: not this test's
    worker_process = request.getfixturevalue("worker_process")

    with transaction.atomic():
        outbox.enqueue(
            "applications.tasks.send_event_mail", event_id=submitted.pk, user_id=advisor.pk
        )

    assert smtp_server.first_client.wait(timeout=30), "the worker never started sending"
    [child] = wait_until(lambda: children_of(worker_process.pid))
    os.kill(child, signal.SIGKILL)
    smtp_server.release.set()

    def mail_delivered():
        """the redelivered task to send the mail"""
        return smtp_server.received

    wait_until(mail_delivered, timeout=60)
    time.sleep(2)  # a second copy would have come by now
    assert smtp_server.received == [advisor.email]
    assert smtp_server.clients == 2  # the killed attempt, then the one that sent
    assert Delivery.objects.filter(key=f"event-mail:{submitted.pk}:{advisor.pk}").count() == 1


def test_the_smtp_stand_in_takes_a_mail(smtp_server):
    """The test's SMTP server itself: a stalled first client, then mails received."""
    first = socket.create_connection(("127.0.0.1", smtp_server.port))
    assert smtp_server.first_client.wait(timeout=5)
    smtp_server.release.set()
    first.close()
    with mail.get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host="127.0.0.1",
        port=smtp_server.port,
        use_tls=False,
    ) as smtp:
        sent = mail.EmailMessage("Objet", "Texte", to=["a@example.org"], connection=smtp).send()
    assert sent == 1
    assert smtp_server.received == ["a@example.org"]
