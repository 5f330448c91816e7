"""What the reports keep in the cache, and what makes it stale.

Two pages are rendered from the cache when nothing they show has changed:
- the dashboard's figures (`views.dashboards`), keyed by everything the figures depend on;
- the public directory of member corporations with its world map (`views.public`), keyed by
  the language.

Each key also holds a *generation* (`core.generations`) that the writes which change what a
page shows move on, so that the next view works the page out again. The counters
move on the saves and deletions of the models concerned (the receivers below), whoever makes
them: the workflow's services, the sweep, the admin, the forms. A bulk `update()` sends no
signal: those of the workflow run beside a save of the application that does. What is not
followed (time passing: overdue reviews, stalled applications; a person's name in the
interlocutors' load or the overdue list) waits for the cached page to expire, after a few
minutes (`DASHBOARD_SECONDS`, `DIRECTORY_SECONDS`); the pages say as of when ("à jour au …").
The live figures of the public pages (`programme.live_figures`) follow the dashboard's
generation too.

A database restored or rebuilt under a cache kept should come with the cache flushed (the page
benchmark empties its own).
"""

from core import generations

# The dashboard's figures: the applications, their events (a transition, a withdrawal), the
# proposals, the interlocutors' load, the goal, and the names the breakdowns show.
FIGURES = "reports:figures"
FIGURES_MODELS = (
    "applications.Application",
    "applications.ApplicationEvent",
    "companies.Company",
    "reference.Sector",
    "corporations.Match",
    "corporations.Interlocutor",
    "corporations.MemberCorporation",
    "sponsors.SponsorBody",
    "reports.Goal",
)
# The public directory: the active corporations, where they are, the desks they offer.
DIRECTORY = "reports:directory"
DIRECTORY_MODELS = (
    "corporations.MemberCorporation",
    "corporations.Presence",
    "corporations.HostingOffer",
)

# How long a rendered page stays in the cache at most (seconds): some figures move with
# time alone (overdue reviews, stalled applications), and a bulk update sends no signal.
DASHBOARD_SECONDS = 10 * 60
DIRECTORY_SECONDS = 60 * 60


def connect() -> None:
    """Called once, from `ReportsConfig.ready`."""
    generations.follow(FIGURES, FIGURES_MODELS)
    generations.follow(DIRECTORY, DIRECTORY_MODELS)
