"""The broker of development and of `make test`: kombu's filesystem transport, with each message
written whole before a worker can see it.

kombu's own transport creates a message's file, then writes into it: a worker that polls the
folder in between moves the empty file away, fails to decode it and stops ("Unrecoverable
error: JSONDecodeError", celery/kombu#1551, still open). Here the message is written under a
name the worker skips, then renamed to its own: a rename within a folder is atomic, so the
worker finds a whole message or none. Redis and RabbitMQ, in production, are not concerned.

`register()` (called by pacte/celery.py) makes "filesystem://" name this transport in the
process, whoever connects: the URL keeps choosing the transport, as with any other broker.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

# Appended to a message's name while it is written: `Channel._get` takes only names ending
# in ".<queue>.msg".
PARTIAL = ".part"


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Put `payload` onto `queue`: kombu's file name, reached by a rename."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        path = os.path.join(self.data_folder_out, name)
        try:
            with open(path + PARTIAL, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(path + PARTIAL, path)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {path!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


def register() -> None:
    """Make the scheme "filesystem://" name this transport. kombu reads its table of aliases
    when it first meets a scheme: this runs before any connection (pacte/celery.py)."""
    TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"
