"""Fixtures for the tests that run a real Celery worker against a real broker.

The worker runs in a thread of the test process, as `celery.contrib.testing` starts it: it
shares the locmem outbox with the test and reads the test database through its own
connection, which is why these tests commit (`transactional_db`).

Each test gets a queue of its own on the broker of the settings (the filesystem transport in
development, Redis in CI), or on RabbitMQ when `CELERY_TEST_RABBITMQ_URL` is set, so that a
development worker or another test run on the same broker neither takes our messages nor
leaves us theirs. The queue is purged before the test, purged and deleted after it. The
filesystem transport gets folders of its own under the test's tmp_path, for the same reason.
"""

import uuid
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import setup_logging
from kombu import Queue, pools

from pacte.celery import app as celery_app

PUBLISH_RETRY_OPTIONS = {"max_retries", "interval_start", "interval_step", "interval_max"}


@pytest.fixture(autouse=True)
def _celery_eager():
    """Replaces the fixture of tests/conftest.py that runs tasks eagerly: not here."""
    conf = celery_app.conf
    saved = conf.task_always_eager
    conf.task_always_eager = False
    yield
    conf.task_always_eager = saved


def _forget_broker_state() -> None:
    """Drop the connections and routing the app cached from the configuration it had."""
    pools.reset()
    celery_app._pool = None
    amqp = celery_app.amqp
    amqp._producer_pool = None
    amqp._rtable = None
    for cached in ("queues", "default_queue", "default_exchange", "router"):
        amqp.__dict__.pop(cached, None)


@dataclass
class BrokerQueue:
    url: str
    queue: Queue

    @property
    def name(self) -> str:
        return self.queue.name

    def waiting(self) -> int:
        """How many messages wait in the queue (not those a worker holds unacknowledged)."""
        with celery_app.connection_for_write() as connection:
            # Not passive: Redis knows no empty queue, and says "not found" for it.
            return self.queue(connection.default_channel).queue_declare().message_count

    def purge(self) -> int:
        with celery_app.connection_for_write() as connection:
            bound = self.queue(connection.default_channel)
            bound.declare()
            return bound.purge() or 0

    def delete(self) -> None:
        with celery_app.connection_for_write() as connection:
            bound = self.queue(connection.default_channel)
            # Declared on this channel first: the virtual transports (Redis, filesystem)
            # only unbind, and so forget, the queues their channel knows.
            bound.declare()
            bound.purge()
            bound.delete()
            bound.exchange.delete()


@pytest.fixture
def broker_url(request) -> str:
    """The broker to test against: the settings' one, unless a test parametrizes it
    (`indirect=True`) with another URL."""
    return getattr(request, "param", "") or celery_app.conf.broker_url


@pytest.fixture
def broker_queue(broker_url, tmp_path):
    """Point the app at `broker_url` and at a new queue; put everything back afterwards."""
    conf = celery_app.conf
    name = f"pacte-test-{uuid.uuid4().hex[:12]}"
    overrides = {
        # Not `broker_url`: Celery prefers the CELERY_BROKER_URL environment variable to it.
        "broker_read_url": broker_url,
        "broker_write_url": broker_url,
        # The settings' publishing retries, not their filesystem folders.
        "broker_transport_options": {
            key: value
            for key, value in conf.broker_transport_options.items()
            if key in PUBLISH_RETRY_OPTIONS
        },
        "task_default_queue": name,
        "worker_enable_remote_control": False,
        # The worker checks for its stop between two events from the broker, or its timers:
        # with RabbitMQ's default heartbeat (a timer every minute) it takes ten seconds to stop.
        "broker_heartbeat": 2,
    }
    if broker_url.startswith("filesystem://"):
        folders = {
            "data_folder_in": tmp_path / "broker" / "out",
            "data_folder_out": tmp_path / "broker" / "out",
            "processed_folder": tmp_path / "broker" / "processed",
            "control_folder": tmp_path / "broker" / "control",
        }
        for folder in folders.values():
            folder.mkdir(parents=True, exist_ok=True)
        overrides["broker_transport_options"] = {
            **overrides["broker_transport_options"],
            **{key: str(folder) for key, folder in folders.items()},
            "store_processed": False,
            "polling_interval": 0.1,
        }
    saved = {key: conf.get(key) for key in overrides}
    conf.update(overrides)
    _forget_broker_state()
    queue = BrokerQueue(url=broker_url, queue=celery_app.amqp.queues[name])
    try:
        queue.purge()
        yield queue
    finally:
        try:
            queue.delete()
        finally:
            conf.update(saved)
            _forget_broker_state()


def _keep_test_logging(**kwargs) -> None:
    """A receiver of `setup_logging`: its presence tells Celery to leave logging alone."""


@pytest.fixture
def run_worker(broker_queue, transactional_db):
    """`with run_worker():` a Celery worker consumes `broker_queue` in a thread, until the
    block ends and it has stopped."""

    @contextmanager
    def run():
        setup_logging.connect(_keep_test_logging)
        try:
            with start_worker(
                celery_app,
                pool="solo",
                perform_ping_check=False,
                loglevel="WARNING",
                shutdown_timeout=20,
            ) as worker:
                yield worker
        finally:
            setup_logging.disconnect(_keep_test_logging)

    return run


@pytest.fixture
def worker(run_worker):
    """A Celery worker running for the whole test."""
    with run_worker() as worker:
        yield worker
