"""What the reports keep in the cache, and what makes it stale.

Two pages are rendered from the cache when nothing they show has changed:
- the dashboard's figures (`views.dashboards`), keyed by everything the figures depend on;
- the public directory of member corporations with its world map (`views.public`), keyed by
  the language.

Each key also holds a *generation*: a counter in the cache that the writes which change what
a page shows move on (`bump`), so that the next view works the page out again. The counters
move on the saves and deletions of the models concerned (the receivers below), whoever makes
them: the workflow's services, the sweep, the admin, the forms. A bulk `update()` sends no
signal: those of the workflow run beside a save of the application that does. What is not
followed (time passing: overdue reviews, stalled applications; a person's name in the
interlocutors' load or the overdue list) waits for the cached page to expire, after a few
minutes (`DASHBOARD_SECONDS`, `DIRECTORY_SECONDS`); the pages say as of when ("à jour au …").
The live figures of the public pages (`programme.live_figures`) follow the dashboard's
generation too.

A cache emptied (or a counter evicted) only means pages worked out again. A database restored
or rebuilt under a cache kept (as the page benchmark may) should come with the cache flushed.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

# The dashboard's figures: the applications, their events (a transition, a withdrawal), the
# proposals, the interlocutors' load, the goal, and the names the breakdowns show.
FIGURES = "reports:generation:figures"
FIGURES_MODELS = (
    "applications.Application",
    "applications.ApplicationEvent",
    "applications.Company",
    "applications.Sector",
    "corporations.Match",
    "corporations.Interlocutor",
    "corporations.MemberCorporation",
    "sponsors.SponsorBody",
    "reports.Goal",
)
# The public directory: the active corporations, where they are, the desks they offer.
DIRECTORY = "reports:generation:directory"
DIRECTORY_MODELS = (
    "corporations.MemberCorporation",
    "corporations.Presence",
    "corporations.HostingOffer",
)

# How long a rendered page stays in the cache at most (seconds): some figures move with
# time alone (overdue reviews, stalled applications), and a bulk update sends no signal.
DASHBOARD_SECONDS = 10 * 60
DIRECTORY_SECONDS = 60 * 60


def generation(name: str) -> int:
    """The current generation of `name`. A missing counter (a cache emptied, a key evicted)
    starts from the clock, never from a value an earlier counter may have had."""
    value = cache.get(name)
    if value is None:
        cache.add(name, time.time_ns(), timeout=None)
        value = cache.get(name)
    return value


def _move_on(name: str) -> None:
    try:
        cache.incr(name)
    except ValueError:  # no counter yet: a new one is a new generation
        cache.add(name, time.time_ns(), timeout=None)


def bump(name: str) -> None:
    """Make what was cached under generation `name` stale: now, so that this transaction's
    own next read does not see it, and again once the transaction commits, so that a page
    worked out meanwhile by another request (from the data before the commit) is not kept."""
    _move_on(name)
    transaction.on_commit(lambda: _move_on(name))


def _receiver(name: str):
    def changed(sender, **kwargs) -> None:
        bump(name)

    changed.__name__ = f"bump_{name.rsplit(':', 1)[-1]}"
    return changed


_figures_changed = _receiver(FIGURES)
_directory_changed = _receiver(DIRECTORY)


def connect() -> None:
    """Called once, from `ReportsConfig.ready`."""
    for models, receiver in (
        (FIGURES_MODELS, _figures_changed),
        (DIRECTORY_MODELS, _directory_changed),
    ):
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(receiver, sender=model, dispatch_uid=f"{receiver.__name__}:{model}")
