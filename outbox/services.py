"""Writing to the outbox and relaying it to the broker; doing a delivery once.

`enqueue` is what the services call instead of `task.delay`: the message is a row of the
action's transaction, relayed once the transaction has committed. If the broker is down then,
the action has still succeeded; the row waits and `relay_pending` (run by the sweep) hands it
over once the broker is back. A message may reach the broker twice (relayed, then the commit
that marks it relayed is lost): the tasks are idempotent, through `once`.
"""

import importlib
import logging
from contextlib import contextmanager
from datetime import timedelta

from celery import current_app
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Delivery, Message

logger = logging.getLogger(__name__)

# The sweep relays what the after-commit relay left behind, once it is this old (younger
# messages are probably being relayed right now by the request that wrote them).
RELAY_GRACE = timedelta(seconds=30)
RELAY_BATCH = 500


def enqueue(task: str, **kwargs) -> Message:
    """Write a task for the broker in the current transaction; relay it after the commit."""
    [message] = enqueue_many(task, [kwargs])
    return message


def enqueue_many(task: str, arguments: list[dict]) -> list[Message]:
    """`enqueue` for many messages of one task, in one statement."""
    if not arguments:
        return []
    messages = Message.objects.bulk_create([Message(task=task, kwargs=kw) for kw in arguments])
    ids = [message.pk for message in messages]
    transaction.on_commit(lambda: _relay_all(ids), robust=True)
    return messages


def _relay_all(ids: list[int]) -> None:
    for start in range(0, len(ids), RELAY_BATCH):
        batch = ids[start : start + RELAY_BATCH]
        if relay(batch) < len(batch):
            return  # the broker refused: the sweep will relay the rest


def relay(ids: list[int] | None = None, *, older_than=None, limit: int = RELAY_BATCH) -> int:
    """Hand pending messages to the broker, the oldest first; returns how many went.

    Each message is locked (others skip it) and marked relayed in the transaction that
    publishes it. A broker that refuses stops the batch: the rest waits for the next sweep."""
    relayed = 0
    with transaction.atomic():
        pending = Message.objects.select_for_update(skip_locked=True).filter(
            relayed_at__isnull=True
        )
        if ids is not None:
            pending = pending.filter(pk__in=ids)
        if older_than is not None:
            pending = pending.filter(created_at__lte=older_than)
        sent = []
        for message in pending.order_by("pk")[:limit]:
            task = _task(message.task)
            if task is None:  # a task renamed or removed: say so, do not block the others
                logger.error("Outbox message %s: no task %s", message.pk, message.task)
                Message.objects.filter(pk=message.pk).update(
                    attempts=message.attempts + 1, last_error=f"Unknown task {message.task}"
                )
                continue
            try:
                task.apply_async(kwargs=message.kwargs, task_id=f"outbox-{message.pk}", retry=False)
            except Exception as error:  # the broker is down or refuses: try again later
                logger.warning("Outbox message %s not relayed: %s", message.pk, error)
                Message.objects.filter(pk=message.pk).update(
                    attempts=message.attempts + 1, last_error=str(error)[:1000]
                )
                break
            sent.append(message.pk)
        if sent:
            relayed = Message.objects.filter(pk__in=sent).update(relayed_at=timezone.now())
    return relayed


def _task(name: str):
    """The task called `name` ("module.function"), its module imported if need be: the
    process that relays (a web worker) may not have imported it yet. The app is the project's
    (`pacte.celery`, current once Django's settings package is imported): the outbox lies
    below the project and does not import it."""
    try:
        importlib.import_module(name.rpartition(".")[0])
    except ImportError:
        return None
    return current_app.tasks.get(name)


def relay_pending(now=None) -> int:
    """What the after-commit relay left behind (the broker was down): relay it now."""
    now = now or timezone.now()
    total = 0
    while True:
        relayed = relay(older_than=now - RELAY_GRACE)
        total += relayed
        if relayed < RELAY_BATCH:
            return total


@contextmanager
def once(key: str):
    """`with once(key) as first:` — `first` is True the first time the key is seen, and the
    block does the work; an error in the block forgets the key, so a retry does it again.
    Two workers with the same key at once: the second waits for the first, then skips."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                Delivery.objects.create(key=key)
        except IntegrityError:
            yield False
            return
        yield True
