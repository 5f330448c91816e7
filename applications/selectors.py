"""Reads of applications scoped to the user who asks: what each role may see, and its queues."""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import get_language
from django_countries import countries

from accounts.models import StaffMembership, User
from accounts.permissions import can
from accounts.rules import is_association_staff
from companies.models import Company
from core import generations
from core.labels import labels_of
from core.prepared import PreparedQuery
from corporations.enums import MatchStatus
from corporations.models import Interlocutor, Match
from notifications.models import Notification
from reference.models import Sector
from sponsors.enums import Decision
from sponsors.models import Endorsement, SponsorBody
from sponsors.rules import advisor_body_id, is_advisor_of_sponsor

from . import delays, review_times
from .delays import DelayEstimate, DelayEstimates, WordedDelays
from .enums import Action, DocumentKind, Milestone, State
from .models import Application, ApplicationEvent, Document, Message, Reminder, Visit
from .recipients import COMPANY, SPONSOR
from .rules import company_id_of, is_company_member

REVIEW_ESTIMATE_WINDOW_DAYS = 90


def visible_applications(user: User) -> QuerySet[Application]:
    """Every application the user may open; the same rule as `applications.view_application`."""
    if not user.is_authenticated or not user.is_active:
        return Application.objects.none()
    interlocutor = getattr(user, "interlocutor", None)
    return _visible(
        company_id_of(user),
        advisor_body_id(user),
        is_association_staff(user),
        interlocutor.pk if interlocutor is not None else None,
    )


def _visible(company_id, body_id, staff: bool, interlocutor_id) -> QuerySet[Application]:
    """`visible_applications` for a person of that company, advising that body, on the staff
    or that interlocutor (None: not one)."""
    scope = Q(pk__in=[])
    if company_id is not None:
        scope |= Q(company_id=company_id)
    if body_id is not None:
        scope |= Q(sponsor_body_id=body_id) & ~Q(state=State.DRAFT)
    if staff:
        scope |= ~Q(state=State.DRAFT)
    if interlocutor_id is not None:
        live = Match.objects.filter(
            application=OuterRef("pk"),
            interlocutor_id=interlocutor_id,
            status__in=[MatchStatus.PROPOSED, MatchStatus.ACCEPTED],
        )
        scope |= Q(Exists(live))
    return Application.objects.filter(scope).with_related()


def application_page_of(user: User, pk: int) -> Application | None:
    """The application `pk` if the user may open it, as its page reads it: with its owner,
    this user's previous visit (`with_last_visit`) and whether they have unread notifications
    about it (`with_news`). One query, whose SQL is written once per kind of person
    (`core.prepared`): the page is the one read most."""
    if not user.is_authenticated or not user.is_active:
        return None
    low, high = connection.ops.integer_field_range(Application._meta.pk.get_internal_type())
    if not low <= pk <= high:  # no such row (the ORM answers so without asking)
        return None
    interlocutor = getattr(user, "interlocutor", None)
    values = {
        "pk": pk,
        "user_id": user.pk,
        "company_id": company_id_of(user),
        "body_id": advisor_body_id(user),
        "interlocutor_id": interlocutor.pk if interlocutor is not None else None,
    }
    staff = is_association_staff(user)
    shape = (connection.alias, staff, *(values[name] is not None for name in _ROLE_VALUES))
    prepared = _application_pages.get(shape)
    if prepared is None:
        prepared = _application_pages[shape] = _prepare_application_page(shape)
    return prepared.get(**{name: value for name, value in values.items() if value is not None})


# The values that change from one person or application to the next, each with a placeholder
# no row holds, in their place in the SQL written once (`application_page_of`).
_ROLE_VALUES = ("company_id", "body_id", "interlocutor_id")
_PLACEHOLDERS = {
    "pk": -918_273_645,
    "user_id": -918_273_646,
    "company_id": -918_273_647,
    "body_id": -918_273_648,
    "interlocutor_id": -918_273_649,
}
_application_pages: dict[tuple, PreparedQuery] = {}


def _prepare_application_page(shape: tuple) -> PreparedQuery:
    using, staff, *held = shape
    roles = {
        name: _PLACEHOLDERS[name] if has else None
        for name, has in zip(_ROLE_VALUES, held, strict=True)
    }
    user_id = _PLACEHOLDERS["user_id"]
    queryset = with_news(
        with_last_visit(
            _visible(roles["company_id"], roles["body_id"], staff, roles["interlocutor_id"]),
            user_id,
        ),
        user_id,
    ).select_related("owner")
    placeholders = {"pk": _PLACEHOLDERS["pk"], "user_id": user_id} | {
        name: placeholder for name, placeholder in roles.items() if placeholder is not None
    }
    return PreparedQuery(queryset.filter(pk=_PLACEHOLDERS["pk"]), placeholders, using)


def with_last_visit(queryset: QuerySet[Application], user: User) -> QuerySet[Application]:
    """Each application with `last_visit`: when this user last opened its page (None: never),
    read with it rather than apart."""
    visits = Visit.objects.filter(application=OuterRef("pk"), user=user).values("seen_at")
    return queryset.annotate(last_visit=Subquery(visits[:1]))


def with_news(queryset: QuerySet, user: User, application: str = "pk") -> QuerySet:
    """Each row marked `has_news` when this user has unread notifications about its
    application (`application` names it from the row): one subquery, no query more."""
    unread = Notification.objects.unread().filter(user=user, application=OuterRef(application))
    return queryset.annotate(has_news=Exists(unread))


def company_applications(company: Company) -> QuerySet[Application]:
    # Archived applications (`privacy.retention`) leave the lists; their page and the
    # company's data export still show them.
    return (
        company.applications.filter(archived_at__isnull=True)
        .select_related("sponsor_body")
        .order_by("-updated_at")
    )


def sponsor_queue(user: User, *, pending_only: bool) -> QuerySet[Application]:
    """Applications addressed to the advisor's body, oldest submission first."""
    body_id = advisor_body_id(user)
    if body_id is None:
        return Application.objects.none()
    applications = Application.objects.filter(
        sponsor_body_id=body_id, archived_at__isnull=True
    ).exclude(state=State.DRAFT)
    if pending_only:
        applications = applications.filter(state=State.AWAITING_SPONSOR)
    return applications.with_related().order_by("submitted_at", "pk")


def staff_queue(user: User, filters: dict | None = None) -> QuerySet[Application]:
    """Sponsored applications for the association, the least time left first (or the
    longest-waiting first, sorted by endorsement)."""
    if not is_association_staff(user):
        return Application.objects.none()
    filters = filters or {}
    applications = Application.objects.exclude(
        state__in=[State.DRAFT, State.AWAITING_SPONSOR]
    ).filter(endorsed_at__isnull=False, archived_at__isnull=True)
    if filters.get("state"):
        applications = applications.filter(state=filters["state"])
    else:
        applications = applications.filter(state__in=State.with_association())
    if filters.get("country"):
        applications = applications.filter(target_country=filters["country"])
    if filters.get("sector"):
        sector = filters["sector"]
        applications = applications.filter(
            Q(company__sector=sector) | Q(company__sector__section=sector)
        )
    if filters.get("sponsor_body"):
        applications = applications.filter(sponsor_body=filters["sponsor_body"])
    if filters.get("mine"):
        applications = applications.filter(owner=user)
    if filters.get("sort") == "endorsed":
        return applications.with_related().order_by("endorsed_at", "pk")
    return (
        applications.with_related()
        .annotate(due=running_due_date(timezone.now()))
        .order_by(F("due").asc(nulls_last=True), "endorsed_at", "pk")
    )


def running_due_date(now: datetime):
    """The due date as it stands at `now`: a paused clock's moves on with every day of the
    pause; a stopped one has none. Sorting by it sorts by time left."""
    return Case(
        When(review_stopped_at__isnull=False, then=Value(None)),
        When(
            review_paused_at__isnull=False,
            then=ExpressionWrapper(
                F("review_due_at") + (Value(now) - F("review_paused_at")),
                output_field=DateTimeField(),
            ),
        ),
        default=F("review_due_at"),
        output_field=DateTimeField(),
    )


def _matches_of(user: User) -> QuerySet[Match]:
    """The interlocutor's matches: filtered by the interlocutor's id itself, not through a join
    on their user, so that PostgreSQL walks their index (`match_followed_by_date`) in order."""
    interlocutor = getattr(user, "interlocutor", None)
    if interlocutor is None:
        return Match.objects.none()
    return Match.objects.filter(interlocutor=interlocutor)


def interlocutor_proposals(user: User) -> QuerySet[Match]:
    return (
        _matches_of(user)
        .filter(status=MatchStatus.PROPOSED)
        .select_related("application__company__sector")
        .order_by("created_at", "pk")
    )


def not_archived(application: str = "application") -> Exists:
    """The row's application (`application` names its key) is not archived. Said this way
    rather than `application__archived_at__isnull=True`, PostgreSQL checks the few archived
    applications (`application_archived`) instead of joining every application to count an
    interlocutor's followed SMEs (0.6 ms rather than 14 on 20,000 applications)."""
    archived = Application.objects.filter(pk=OuterRef(application), archived_at__isnull=False)
    return ~Exists(archived)


def interlocutor_followed(user: User) -> QuerySet[Match]:
    return (
        _matches_of(user)
        .filter(not_archived(), status=MatchStatus.ACCEPTED)
        .select_related("application__company__sector")
        .order_by("-decided_at", "-pk")  # a total order: the page pages through it
    )


def sponsor_bodies_for(company: Company) -> list[SponsorBody]:
    """Active sponsor bodies, those covering the company's department or region first."""
    bodies = list(SponsorBody.objects.filter(is_active=True).order_by("name"))
    return sorted(bodies, key=lambda body: not body.covers(company.region, company.department))


def proposable_interlocutors(application: Application) -> QuerySet[Interlocutor]:
    """Every active interlocutor of an active corporation to whom this application was never
    proposed: whom staff may pick, in the ranking or outside it (with a reason)."""
    already = Match.objects.filter(application=application, interlocutor=OuterRef("pk"))
    return (
        Interlocutor.objects.filter(
            is_active=True, user__is_active=True, corporation__is_active=True
        )
        .exclude(Exists(already))
        .select_related("user", "corporation")
        .order_by("corporation__name", "user__last_name", "user__first_name", "pk")
    )


def interlocutor_choices(application: Application) -> list[tuple[int, str]]:
    """`proposable_interlocutors` as the proposal form lists them, read as plain rows (a
    crowded programme has hundreds): "Corporation — First Last, job title"."""
    rows = proposable_interlocutors(application).values_list(
        "pk", "corporation__name", "user__first_name", "user__last_name", "user__email", "job_title"
    )
    return [
        (pk, f"{corporation} — {f'{first} {last}'.strip() or email}{f', {title}' if title else ''}")
        for pk, corporation, first, last, email, title in rows
    ]


def team_members() -> QuerySet[User]:
    """The active members of the association's team, to whom a review may be handed."""
    return User.objects.filter(is_active=True, staff_membership__isnull=False).order_by(
        "last_name", "first_name", "email"
    )


def staff_choices() -> list[tuple[int, str]]:
    """`team_members` as the owner form lists them, read as plain rows; kept in the cache
    until a person or a team membership is saved or deleted (`connect_team`)."""
    key = f"applications:staff-choices:{generations.current(TEAM)}"
    choices = cache.get(key)
    if choices is None:
        rows = team_members().values_list("pk", "first_name", "last_name", "email")
        choices = [(pk, f"{first} {last}".strip() or email) for pk, first, last, email in rows]
        cache.set(key, choices, TEAM_SECONDS)
    return choices


TEAM = "applications:team"
TEAM_SECONDS = 60 * 60  # read again at least this often (seconds), whatever happens


def connect_team() -> None:
    """Wire the signals that make `staff_choices` read again (from `ApplicationsConfig.ready`):
    a login (`last_login` saved alone) changes nothing the list shows."""
    generations.follow(TEAM, (User, StaffMembership), logins=False)


def last_declines(application_ids: set[int]) -> dict[int, Endorsement]:
    """The latest declined endorsement of each given application, in one query."""
    if not application_ids:
        return {}
    declines = Endorsement.objects.filter(
        application_id__in=application_ids, decision=Decision.DECLINED
    ).order_by("application_id", "-created_at", "-pk")
    latest: dict[int, Endorsement] = {}
    for endorsement in declines:
        latest.setdefault(endorsement.application_id, endorsement)
    return latest


# Notes on these events are between the association and the corporations.
_MATCH_ACTIONS = {Action.PROPOSE, Action.DECLINE_MATCH}


def _reads_notes(user: User, application: Application, notes: bool) -> bool:
    """Internal notes are the staff's only; with `notes=False`, nobody's (what leaves the
    portal, such as the PDF of an application, never carries them)."""
    return notes and can(user, "applications.view_notes", application)


def messages_for(user: User, application: Application, *, notes: bool = True) -> QuerySet[Message]:
    """The conversation as this user may read it: internal notes for the staff only (and for
    nobody with `notes=False`)."""
    messages = application.messages.all()
    if not _reads_notes(user, application, notes):
        messages = messages.filter(is_internal=False)
    return messages


def documents_for(
    user: User, application: Application, *, notes: bool = True
) -> QuerySet[Document]:
    """The documents this user may download: an internal note's are the staff's only (and
    nobody's with `notes=False`)."""
    documents = application.documents.all()
    if not _reads_notes(user, application, notes):
        documents = documents.exclude(message__is_internal=True)
    return documents


def live_match_visibility(user: User) -> Q:
    """The proposals or accompaniments under way this user may see named: an accepted one
    whoever sees the application (as its page shows it), one still awaiting an answer only the
    staff and the interlocutor it was made to."""
    visible = Q(status=MatchStatus.ACCEPTED)
    if is_association_staff(user):
        return visible | Q(status=MatchStatus.PROPOSED)
    return visible | Q(status=MatchStatus.PROPOSED, interlocutor__user=user)


def live_match_for(user: User, application: Application) -> Match | None:
    """The proposal or accompaniment under way, as this user may see it (there is at most one:
    `match_one_live_per_application`)."""
    return (
        application.matches.filter(live_match_visibility(user))
        .select_related("interlocutor__user", "interlocutor__corporation", "hosting_offer")
        .first()
    )


@dataclass
class Entry:
    """One line of an application's history: an event, a message, a document or a reminder."""

    at: datetime
    type: str  # "event", "message", "document", "reminder"
    item: object
    actor: User | None
    is_new: bool = False
    is_first_new: bool = False
    # What the page shows of it, worked out once here rather than per row in the template
    # (a model's `get_FOO_display` hashes every choice of its field on each call): the action,
    # document kind or milestone; the state an event led to; a message's documents.
    label: str = ""
    state_label: str = ""
    attachments: list = field(default_factory=list)


def timeline(
    user: User,
    application: Application,
    *,
    since: datetime | None = None,
    notes: bool = True,
    documents: list[Document] | None = None,
    matches: list[Match] | None = None,
) -> list:
    """Everything that happened to the application that this user may see, oldest first;
    with `since` (their previous visit), what others did after it is marked new; with
    `notes=False`, no internal note (nor its documents) even for the staff.

    A page that reads them anyway passes the documents this user may see (`documents_for`,
    with `uploaded_by`) and the application's matches: no query more for them."""
    # The notes of a proposal and of its refusal: the association's, and the interlocutor's
    # it was made to (not another corporation's, proposed after them).
    staff = is_association_staff(user)
    interlocutor = getattr(user, "interlocutor", None)
    own_matches = set()
    if interlocutor is not None and not staff:
        if matches is None:
            own_matches = set(
                application.matches.filter(interlocutor=interlocutor).values_list("pk", flat=True)
            )
        else:
            own_matches = {m.pk for m in matches if m.interlocutor_id == interlocutor.pk}
    actions, states = labels_of(Action), labels_of(State)
    entries = []
    for event in application.events.select_related("actor"):
        if event.action in _MATCH_ACTIONS and not (staff or event.match_id in own_matches):
            event.note = ""
        entries.append(
            Entry(
                event.created_at,
                "event",
                event,
                event.actor,
                label=actions.get(event.action, event.action),
                state_label=states.get(event.to_state, event.to_state),
            )
        )
    messages = messages_for(user, application, notes=notes).select_related("author")
    prefetched = documents is None
    if prefetched:
        messages = messages.prefetch_related(
            Prefetch("attachments", queryset=Document.objects.order_by("pk"))
        )
        documents = list(
            documents_for(user, application, notes=notes)
            .filter(message__isnull=True)
            .select_related("uploaded_by")
        )
    attachments: dict[int, list[Document]] = defaultdict(list)
    for document in sorted(documents, key=lambda document: document.pk):
        if document.message_id is not None:
            attachments[document.message_id].append(document)
    for message in messages:
        files = list(message.attachments.all()) if prefetched else attachments[message.pk]
        entries.append(
            Entry(message.created_at, "message", message, message.author, attachments=files)
        )
    kinds = labels_of(DocumentKind)
    for document in documents:
        if document.message_id is None:
            entries.append(
                Entry(
                    document.created_at,
                    "document",
                    document,
                    document.uploaded_by,
                    label=kinds.get(document.kind, document.kind),
                )
            )
    milestones = labels_of(Milestone)
    for reminder in _reminders_seen_by(user, application):
        entries.append(
            Entry(
                reminder.created_at,
                "reminder",
                reminder,
                None,
                label=milestones.get(reminder.milestone, reminder.milestone),
            )
        )
    entries.sort(key=lambda entry: (entry.at, _ENTRY_ORDER[entry.type], entry.item.pk))
    if since is not None:
        for entry in entries:
            entry.is_new = entry.at > since and entry.actor != user
        first_new = next((entry for entry in entries if entry.is_new), None)
        if first_new is not None:
            first_new.is_first_new = True
    return entries


# At the same moment (an answer and its documents), the step comes first.
_ENTRY_ORDER = {"event": 0, "message": 1, "document": 2, "reminder": 3}


def _reminders_seen_by(user: User, application: Application) -> QuerySet[Reminder]:
    from .reminders import SEEN_BY

    reminders = application.reminders.exclude(milestone=Milestone.PROPOSAL_EXPIRED)
    if is_association_staff(user):
        return reminders
    audiences = set()
    if is_company_member(user, application):
        audiences.add(COMPANY)
    if is_advisor_of_sponsor(user, application):
        audiences.add(SPONSOR)
    seen = Q(milestone__in=[milestone for milestone, who in SEEN_BY.items() if who in audiences])
    interlocutor = getattr(user, "interlocutor", None)
    if interlocutor is not None:  # the reminders of their own proposals only
        own = application.matches.filter(interlocutor=interlocutor).values("created_at")
        seen |= Q(milestone=Milestone.INTERLOCUTOR_REMINDER, cycle__in=own)
    return reminders.filter(seen)


def staff_queue_countries() -> list[tuple[str, str]]:
    """The target countries of the applications in the association's hands, for the filter:
    each once (the model's ordering cleared, else DISTINCT runs over the dates too), by name."""
    codes = (
        Application.objects.filter(state__in=State.with_association())
        .order_by()
        .values_list("target_country", flat=True)
        .distinct()
    )
    # django_countries lists every country, by its name in the active language, in a fraction
    # of the time it takes to name each one (`Country(code).name`).
    codes = set(codes)
    return [(code, str(name)) for code, name in countries if code in codes]


def sector_choices() -> list[tuple[int, str]]:
    """Every NAF sector for a select, named as `str(sector)` in the active language, without a
    model instance for each."""
    english = (get_language() or "fr").startswith("en")
    return [
        (pk, f"{code} – {label_en if english else label_fr}")
        for pk, code, label_fr, label_en in Sector.objects.order_by("code").values_list(
            "pk", "code", "label_fr", "label_en"
        )
    ]


def sponsor_body_choices() -> list[tuple[int, str]]:
    """Every sponsor body for a select, by name, without a model instance for each."""
    return list(SponsorBody.objects.order_by("name").values_list("pk", "name"))


@dataclass(frozen=True)
class StaffQueueCounts:
    """The figures above the staff queue."""

    by_state: dict[str, int]  # the states in the association's hands that hold any, by label
    awaiting_sponsor: int
    overdue: int
    next_overdue_at: datetime | None = None  # when the next running review falls late


def staff_queue_counts(now: datetime) -> StaffQueueCounts:
    """What the association holds, state by state, what awaits a sponsor, how many reviews
    are late and when the next one will be: two queries."""
    rows = (
        Application.objects.filter(state__in=[*State.with_association(), State.AWAITING_SPONSOR])
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
    )
    counts = {row["state"]: row["n"] for row in rows}
    return StaffQueueCounts(
        by_state={  # in the workflow's order
            state.label: counts[state]
            for state in State
            if state in State.with_association() and state in counts
        },
        awaiting_sponsor=counts.get(State.AWAITING_SPONSOR, 0),
        # As `ApplicationQuerySet.overdue` counts them.
        **Application.objects.running_clock().aggregate(
            overdue=Count("pk", filter=Q(review_due_at__lt=now)),
            next_overdue_at=Min("review_due_at", filter=Q(review_due_at__gte=now)),
        ),
    )


def expected_review(now: datetime) -> DelayEstimate:
    """The median and 90th percentile of the reviews finished (accepted or rejected) in the
    last 90 days, pauses excluded, as the dashboards count them; the programme's one month
    until there are enough."""
    stats = review_times.review_stats(
        Application.objects.filter(
            review_stopped_at__gte=now - timedelta(days=REVIEW_ESTIMATE_WINDOW_DAYS),
            endorsed_at__isnull=False,
            state__in=review_times.DECIDED_STATES,
        )
    )
    if stats.reviews < settings.REVIEW_ESTIMATE_MIN_REVIEWS:
        return DelayEstimate(settings.REVIEW_TARGET_DAYS, settings.REVIEW_TARGET_DAYS, 0)
    return DelayEstimate(math.ceil(stats.median_days), math.ceil(stats.p90_days), stats.reviews)


def expected_sponsor(now: datetime) -> DelayEstimate:
    """The median and 90th percentile of the sponsors' decisions (endorsements and declines)
    of the last 90 days, each from the submission it answered; the programme's figure
    (`SPONSOR_TARGET_DAYS`) until there are enough. One query: the decisions of 90 days are a
    few hundred rows at most."""
    submitted = (
        ApplicationEvent.objects.filter(
            application=OuterRef("application"),
            action=Action.SUBMIT,
            created_at__lte=OuterRef("created_at"),
        )
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    rows = (
        Endorsement.objects.filter(
            created_at__gte=now - timedelta(days=REVIEW_ESTIMATE_WINDOW_DAYS),
            created_at__lte=now,
        )
        .order_by()
        .annotate(submitted_at=Subquery(submitted))
        .filter(submitted_at__isnull=False)
        .values_list("created_at", "submitted_at")
    )
    durations = sorted(decided - asked for decided, asked in rows)
    if len(durations) < settings.REVIEW_ESTIMATE_MIN_REVIEWS:
        return DelayEstimate(settings.SPONSOR_TARGET_DAYS, settings.SPONSOR_TARGET_DAYS, 0)
    return DelayEstimate(
        math.ceil(review_times.days(review_times.quantile_of(durations, 0.5))),
        math.ceil(review_times.days(review_times.quantile_of(durations, 0.9))),
        len(durations),
    )


DELAYS_SECONDS = 10 * 60  # the estimates quoted may be this old (as the pages kept in the cache)


def delay_estimates(now: datetime) -> DelayEstimates:
    """Both steps' estimates, kept in the cache ten minutes at most (and a day at most: the
    key holds the date): the pages that quote them (`applications.delays`) may be that late
    after a decision, which moves a median by a fraction of a day at most."""
    return cache.get_or_set(
        f"applications:delays:{timezone.localdate(now).isoformat()}",
        lambda: DelayEstimates(sponsor=expected_sponsor(now), review=expected_review(now)),
        DELAYS_SECONDS,
    )


def worded_delays() -> WordedDelays:
    """Today's estimates in the one wording the pages and mails use, in the active language."""
    return delays.worded(delay_estimates(timezone.now()))
