"""A person's notifications as the pages kept in the cache follow them (`core.page_cache`).

The list of notifications and the queues (whose rows are marked when their application has
unread news) hold the person's *news generation* in their key; it moves on when one of their
notifications is saved (the receiver below) and when they are created, read or deleted in bulk,
which sends no signal: `services` and `privacy` call `changed` then.
"""

from django.db.models.signals import post_save

from core import generations
from core.page_cache import GENERATION_SECONDS


def generation_name(user_id: int) -> str:
    return f"notifications:news:{user_id}"


def changed(*user_ids: int) -> None:
    """These people's notifications changed."""
    for user_id in user_ids:
        generations.bump(generation_name(user_id), timeout=GENERATION_SECONDS)


def current(user_id: int) -> str:
    return generations.current(generation_name(user_id), timeout=GENERATION_SECONDS)


def _saved(sender, instance, **kwargs) -> None:
    changed(instance.user_id)


def connect() -> None:
    """Called once, from `NotificationsConfig.ready`. Saves only: a receiver of their
    deletion would make every bulk deletion of notifications read each row first."""
    post_save.connect(_saved, sender="notifications.Notification", dispatch_uid="news-saved")
