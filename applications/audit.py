"""The tamper-evident event log: each application's events form a chain.

Every event stores a SHA-256 over its content and the previous event's hash (the events of
one application, in the order they were written), and the application records the last hash
(its head). Changing, deleting or inserting a row behind the portal's back breaks the chain at
that point, deleting the last ones leaves the head pointing nowhere, and
`manage.py verify_audit` says where.
The services write events under the application's row lock, so two events never take the same
place in a chain.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC

GENESIS = ""  # the previous hash of an application's first event


def digest(event, previous_hash: str) -> str:
    """The hash of `event` after `previous_hash`: over every field that tells what happened."""
    content = {
        "application": event.application_id,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "actor": event.actor_id,
        "note": event.note,
        "match": event.match_id,
        "created_at": event.created_at.astimezone(UTC).isoformat(),
        "previous": previous_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def chain(event) -> None:
    """Before a new event is saved (`ApplicationEvent.save`): link it to the last event of its
    application. The model is the event's own: the models call this module, not the reverse."""
    last = (
        type(event)
        .objects.filter(application_id=event.application_id)
        .order_by("-pk")
        .values_list("hash", flat=True)
        .first()
    )
    event.previous_hash = last or GENESIS
    event.hash = digest(event, event.previous_hash)


def seal(application, events) -> int:
    """Compute the chain of `events` (the application's, in order) again, and its head, after
    a legitimate rewrite: the migration that introduced the chain, and the demo data, which
    backdates its history. Returns how many rows changed."""
    previous, changed = GENESIS, 0
    for event in events:
        expected = digest(event, previous)
        if (event.previous_hash, event.hash) != (previous, expected):
            event.previous_hash, event.hash = previous, expected
            event.save(update_fields=["previous_hash", "hash"])
            changed += 1
        previous = expected
    type(application).objects.filter(pk=application.pk).update(audit_head=previous)
    return changed


@dataclass(frozen=True)
class Break:
    application_id: int
    event_id: int | None
    reason: str  # "content", "chain" or "head"


def verify(events, heads: dict[int, str]) -> Iterator[Break]:
    """Walk `events` ordered by application then insertion, and yield where a chain breaks:
    a row whose content no longer matches its hash, a row whose link does not match the hash
    of the event before it (a row deleted or inserted), or a chain whose last hash is not the
    head its application recorded (events deleted at the end). `heads` maps each application
    to its recorded head."""
    application, previous, last_event = None, GENESIS, None
    seen = set()
    for event in events:
        if event.application_id != application:
            if application is not None and previous != heads.get(application, GENESIS):
                yield Break(application, last_event, "head")
            application, previous = event.application_id, GENESIS
            seen.add(application)
        if event.previous_hash != previous:
            yield Break(event.application_id, event.pk, "chain")
        if digest(event, event.previous_hash) != event.hash:
            yield Break(event.application_id, event.pk, "content")
        previous, last_event = event.hash, event.pk
    if application is not None and previous != heads.get(application, GENESIS):
        yield Break(application, last_event, "head")
    for application_id, head in heads.items():
        if head and application_id not in seen:
            yield Break(application_id, None, "head")
