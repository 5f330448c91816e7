"""What the pages of applications kept in the cache (`core.page_cache`) are worked out from,
and the writes that make them stale.

- An application's page (`detail_key`): that application's own generation
  (`application_generation`), moved on by a save or deletion of the application, its events,
  messages, documents, questions, endorsements, matches and reminders; for the staff, the
  generation of the ranking they propose from (`corporations.selectors.RANKING`); and what
  was new to the person, the entries of the timeline after their previous visit (`new_since`).
  Its panel "Et maintenant ?" (`next_step`) quotes the delay estimates, which no generation
  follows: read at most ten minutes old (`selectors.delay_estimates`), kept as long as the page.
- The lists of applications (`list_key`: the SME's dashboard, the three queues): the
  generation of every application's row (`LISTS`: an application, its events, a match), and
  the person's notifications (`notifications.news`), which mark the rows with news.
- Both: the names they show (`NAMES`: a company, a sector, a sponsor body, a member
  corporation, an interlocutor, a hosting offer) and the people (`selectors.TEAM`, moved on by
  any person saved); time, through the next moment a review clock they show turns a day
  (`clocks_change_at`).

The receivers below move the generations on for every save or deletion, whoever makes it (the
workflow's services, the sweep, the admin, the forms). A bulk `update()` sends no signal: the
workflow's run beside a save of the application; the others (`privacy`) call
`applications_changed`.
"""

from datetime import datetime

from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

from accounts.rules import is_association_staff
from core import generations, page_cache
from core.page_cache import GENERATION_SECONDS
from corporations.selectors import RANKING
from notifications import news

from .clock import clock_of
from .selectors import TEAM

LISTS = "applications:lists"
NAMES = "applications:names"

# The models whose rows an application's page shows, each with the field naming its
# application, and whether the lists show them too.
APPLICATION_PARTS = {
    "applications.Application": ("pk", True),
    "applications.ApplicationEvent": ("application_id", True),
    "applications.Message": ("application_id", False),
    "applications.Document": ("application_id", False),
    "applications.InformationRequest": ("application_id", False),
    "applications.Reminder": ("application_id", False),
    "sponsors.Endorsement": ("application_id", False),
    "corporations.Match": ("application_id", True),
}
NAMES_MODELS = (
    "companies.Company",
    "reference.Sector",
    "sponsors.SponsorBody",
    "corporations.MemberCorporation",
    "corporations.Interlocutor",
    "corporations.HostingOffer",
)


def _application(pk: int) -> str:
    return f"applications:page:{pk}"


def applications_changed(*pks: int) -> None:
    """What a bulk update of these applications' rows changed: their pages, and the lists."""
    for pk in pks:
        generations.bump(_application(pk), timeout=GENERATION_SECONDS)
    generations.bump(LISTS)


def detail_key(application, user, now: datetime) -> str:
    """The key of an application's page as this person sees it now (but for what is new to
    them, `new_since`)."""
    names = {_application(application.pk): GENERATION_SECONDS, NAMES: None, TEAM: None}
    if is_association_staff(user):
        names[RANKING] = None  # the ranking they propose from
    return page_cache.key(
        "detail",
        application.pk,
        page_cache.person(user),
        translation.get_language() or "",
        timezone.localdate(now),
        *generations.current_many(names),
    )


def new_since(facts: list[tuple[datetime, int | None]], since, user_pk: int) -> str:
    """What the page marks new to the person (what others did after their previous visit,
    `selectors.timeline`): nothing ("-"), or everything after `since`, which the page shows."""
    if since is not None and any(at > since and actor != user_pk for at, actor in facts):
        return since.isoformat()
    return "-"


def list_key(request, name: str, now: datetime) -> str:
    """The key of a list of applications (`name`) as this person asks for it now."""
    names = {
        news.generation_name(request.user.pk): GENERATION_SECONDS,
        LISTS: None,
        NAMES: None,
        TEAM: None,
    }
    return page_cache.request_key(request, name, now, *generations.current_many(names))


def clocks_change_at(applications, now: datetime) -> datetime | None:
    """The next moment at which one of these applications' review clocks shows another day."""
    return page_cache.earliest(
        *(
            review.changes_at(now)
            for review in (clock_of(application, now) for application in applications)
            if review is not None
        )
    )


# --- Signals ------------------------------------------------------------------------------


def _part_changed(attribute: str, lists: bool):
    def changed(sender, instance, **kwargs) -> None:
        pk = getattr(instance, attribute, None)
        if pk is not None:
            generations.bump(_application(pk), timeout=GENERATION_SECONDS)
        if lists:
            generations.bump(LISTS)

    return changed


def connect() -> None:
    """Called once, from `ApplicationsConfig.ready`."""
    for model, (attribute, lists) in APPLICATION_PARTS.items():
        receiver = _part_changed(attribute, lists)
        for signal in (post_save, post_delete):
            signal.connect(
                receiver, sender=model, weak=False, dispatch_uid=f"page-cache:{model}:{id(signal)}"
            )
    generations.follow(NAMES, NAMES_MODELS)
