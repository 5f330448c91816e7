"""The filesystem broker of development and of `make test` (pacte/broker.py): a worker polling
the folder while messages are written takes each whole, never an empty or partial file."""

import threading
import time

import pytest
from django.conf import settings
from kombu import Connection
from kombu.transport.virtual import Empty

from pacte import broker
from pacte.celery import app as celery_app

MESSAGES = 1000


def test_filesystem_broker_hands_a_polling_worker_every_message_whole(tmp_path):
    options = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path)}
    options["store_processed"] = False
    received, errors = [], []

    def produce():
        with Connection("filesystem://", transport_options=options) as c:
            for number in range(MESSAGES):
                c.default_channel._put("pacte-test", {"number": number})

    def consume():
        """As a worker does: poll the folder as fast as it can, take what is there."""
        with Connection("filesystem://", transport_options=options) as c:
            deadline = time.monotonic() + 60
            while len(received) < MESSAGES and not errors and time.monotonic() < deadline:
                try:
                    received.append(c.default_channel._get("pacte-test"))
                except Empty:
                    pass
                except Exception as error:  # kombu's own transport: a JSONDecodeError
                    errors.append(error)

    threads = [threading.Thread(target=consume), threading.Thread(target=produce)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(message["number"] for message in received) == list(range(MESSAGES))
    assert list(tmp_path.iterdir()) == []


def test_filesystem_url_names_the_transport_that_writes_messages_whole(tmp_path):
    options = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path)}
    with Connection("filesystem://", transport_options=options) as connection:
        assert type(connection.transport) is broker.Transport


@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("filesystem://"),
    reason="the settings name a server broker (CELERY_BROKER_URL)",
)
def test_the_settings_filesystem_broker_writes_messages_whole():
    with celery_app.connection_for_write() as connection:
        assert type(connection.transport) is broker.Transport
