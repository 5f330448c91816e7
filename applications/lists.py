"""The lists of applications each role works from, as their pages show them.

Each list reads the user's scope, the filters of the query string and the order here, once: its
page paginates it, its export (`reports.exports`) takes every row. An export therefore holds
exactly the rows its list shows, with the same filters, whatever page the person was on.
"""

from collections.abc import Mapping

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery

from accounts.models import User
from companies.selectors import company_of

from . import selectors
from .forms import StaffQueueFilterForm
from .models import Application

Params = Mapping[str, str]  # the query string (a QueryDict), or what an export kept of it


def company_applications(user: User, params: Params) -> QuerySet[Application]:
    """The SME's dashboard: its company's applications, the latest change first."""
    company = company_of(user)
    if company is None:
        return Application.objects.none()
    return selectors.company_applications(company)


def sponsor_shows_all(params: Params) -> bool:
    """The sponsor queue shows what awaits the body's decision, or everything (`?tous=1`)."""
    return params.get("tous") == "1"


def sponsor_queue(user: User, params: Params) -> QuerySet[Application]:
    return selectors.sponsor_queue(user, pending_only=not sponsor_shows_all(params))


def staff_queue_form(params: Params) -> StaffQueueFilterForm:
    return StaffQueueFilterForm(
        params or None,
        countries=selectors.staff_queue_countries,
        sectors=selectors.sector_choices,
        sponsor_bodies=selectors.sponsor_body_choices,
    )


def staff_queue(
    user: User, params: Params, *, form: StaffQueueFilterForm | None = None
) -> QuerySet[Application]:
    """The association's queue with the filters of the query string (`form`, when the page
    already made it); filters that do not validate are ignored, as the page does."""
    if form is None:
        form = staff_queue_form(params)
    filters = form.cleaned_data if form.is_valid() else {}
    return selectors.staff_queue(user, filters)


def interlocutor_queue(user: User, params: Params) -> QuerySet[Application]:
    """The applications of the interlocutor's two tables, in their order: those proposed to
    them (the oldest proposal first), then those they follow (the latest accepted first)."""
    proposed = selectors.interlocutor_proposals(user).filter(application=OuterRef("pk"))
    followed = selectors.interlocutor_followed(user).filter(application=OuterRef("pk"))
    return (
        Application.objects.filter(Exists(proposed) | Exists(followed))
        .annotate(
            proposed_at=Subquery(proposed.values("created_at")[:1]),
            followed_since=Subquery(followed.values("decided_at")[:1]),
        )
        .with_related()
        .order_by(
            F("proposed_at").asc(nulls_last=True),
            F("followed_since").desc(nulls_last=True),
            "pk",
        )
    )
