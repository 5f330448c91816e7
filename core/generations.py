"""Generations: what a cached page or fragment was worked out from, moved on by the writes that
change it.

A key that caches something derived from the database holds the current generation of what it
depends on (`current(name)`); a write that changes it moves the generation on (`bump(name)`),
so that the next reading works it out again and the old entry, never read again, expires.
`follow(name, models)` wires the models' signals to it: `reports.caching` (the dashboard, the
directory, the live figures), `applications.ranking` (the staff ranking),
`applications.caching` (the names on the pages) and `applications.selectors` (the team).

A generation is a new random value, never a counter that an evicted key would start again from
a value an old entry still holds. A cache emptied only means everything is worked out again.
"""

import functools
import secrets
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save


def current(name: str, *, timeout: int | None = None) -> str:
    """The generation of `name` now (a new one when the cache holds none). `timeout`: how
    long the cache keeps it unread (None: until it is moved on); a generation forgotten is a
    new one, which only means everything cached under it is worked out again."""
    return cache.get_or_set(_key(name), _new, timeout)


def current_many(names: dict[str, int | None]) -> list[str]:
    """The generations of several names (each with its `timeout`, as `current`), read from
    the cache at once; a new one set for each the cache holds none of."""
    keys = {name: _key(name) for name in names}
    found = cache.get_many(keys.values())
    values = []
    for name, timeout in names.items():
        value = found.get(keys[name])
        if value is None:
            value = cache.get_or_set(keys[name], _new, timeout)
        values.append(value)
    return values


def bump(name: str, *, timeout: int | None = None) -> None:
    """Make what was cached under the generation of `name` stale: now, so that this
    transaction's own next reading does not see it, and again once the transaction commits, so
    that what another request worked out meanwhile, from the data before the commit, is not
    kept."""
    _move_on(name, timeout)
    transaction.on_commit(functools.partial(_move_on, name, timeout))


def follow(name: str, models: Iterable, *, through: Iterable = (), logins: bool = True) -> None:
    """Move the generation of `name` on whenever a row of one of `models` (a model or its
    "app_label.Model" name) is saved or deleted, or one of the many-to-many tables `through`
    changes. `logins=False`: a save of `last_login` alone (every login) does not count. Call
    once, from an app's `ready`."""

    def changed(sender, update_fields=None, **kwargs) -> None:
        if not logins and update_fields is not None and set(update_fields) <= {"last_login"}:
            return
        bump(name)

    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(
                changed,
                sender=model,
                weak=False,
                dispatch_uid=f"generation:{name}:{model}:{id(signal)}",
            )
    for table in through:
        m2m_changed.connect(
            changed, sender=table, weak=False, dispatch_uid=f"generation:{name}:{table}:m2m"
        )


def _move_on(name: str, timeout: int | None) -> None:
    cache.set(_key(name), _new(), timeout)


def _key(name: str) -> str:
    return f"generation:{name}"


def _new() -> str:
    return secrets.token_hex(8)
