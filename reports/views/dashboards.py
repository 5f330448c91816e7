"""The dashboards: the programme's figures for staff, a sponsor body's for its advisors, a
member corporation's for its coordinators (and for staff).

Each chart is drawn in the browser by `static/js/charts.js` from the JSON the page carries
(`json_script`, no inline script), and each has its table beside it: the same figures, for
screen readers and for copying.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.permissions import can
from accounts.rules import is_association_staff
from corporations.models import MemberCorporation
from corporations.rules import interlocutor_of
from sponsors.models import SponsorBody
from sponsors.rules import advisor_body_id

from .. import figures
from ..forms import FiguresFilterForm, PeriodForm

# Charts show at most this many rows of a breakdown; the table beside shows them all.
CHART_ROWS = 10


def month_label(month) -> str:
    return date_format(month, "F Y")


@login_required
def dashboard(request):
    """Staff see the programme's figures, an advisor their sponsor body's; a coordinator
    is sent to their corporation's."""
    if not can(request.user, "reports.view_figures"):
        interlocutor = interlocutor_of(request.user)
        if interlocutor is not None and can(
            request.user, "reports.view_corporation_figures", interlocutor.corporation
        ):
            return redirect("reports:corporation", slug=interlocutor.corporation.slug)
        raise PermissionDenied
    staff = is_association_staff(request.user)
    form = FiguresFilterForm(request.GET, with_sponsor_body=staff)
    context = {"form": form, "staff": staff}
    if staff:
        sponsor_body = None
    else:
        sponsor_body = SponsorBody.objects.get(pk=advisor_body_id(request.user))
        context["sponsor_body"] = sponsor_body
    if not form.is_valid():
        return render(request, "reports/dashboard.html", context, status=400)
    period = form.period
    scope = figures.Scope(
        sponsor_body=form.cleaned_data.get("sponsor_body") or sponsor_body,
        country=form.cleaned_data["country"],
        sector=form.cleaned_data["sector"],
    )
    now = timezone.now()
    accompanied = figures.accompanied(scope, period, timezone.localdate(now))
    reviews = figures.review_times(scope, period)
    funnel = figures.funnel(scope, period, now)
    breakdowns = {
        "country": figures.by_country(scope, period),
        "sector": figures.by_sector(scope, period),
        "corporation": figures.by_corporation(scope, period),
    }
    if sponsor_body is None:
        breakdowns["sponsor_body"] = figures.by_sponsor_body(scope, period)
    ratings = figures.ratings(scope, period)
    context |= {
        "period": period,
        "accompanied": accompanied,
        "accompanied_rows": list(zip(accompanied.by_month, accompanied.cumulative, strict=True)),
        "reviews": reviews,
        "funnel": funnel,
        "breakdowns": breakdowns,
        "overdue": figures.overdue(scope, now),
        "ratings": ratings,
        "stall_days": figures.STALL_DAYS,
        # Other corporations' people: staff only.
        "load": figures.interlocutor_load() if staff else None,
        "charts": {
            "accompanied": accompanied_chart(accompanied),
            "reviews": review_chart(reviews),
            "funnel": funnel_chart(funnel),
            "countries": breakdown_chart(breakdowns["country"]),
            "sectors": breakdown_chart(breakdowns["sector"]),
            "corporations": corporation_chart(breakdowns["corporation"]),
            "ratings": ratings_chart(ratings),
        },
    }
    if "sponsor_body" in breakdowns:
        context["charts"]["sponsor_bodies"] = breakdown_chart(breakdowns["sponsor_body"])
    return render(request, "reports/dashboard.html", context)


@login_required
def corporation_dashboard(request, slug):
    """A member corporation's own figures; a 404 for anyone but its coordinators and staff."""
    corporation = get_object_or_404(MemberCorporation, slug=slug)
    if not can(request.user, "reports.view_corporation_figures", corporation):
        raise Http404
    form = PeriodForm(request.GET)
    context = {"form": form, "corporation": corporation}
    if not form.is_valid():
        return render(request, "reports/corporation_dashboard.html", context, status=400)
    result = figures.corporation_figures(corporation, form.period)
    context |= {
        "period": form.period,
        "figures": result,
        "charts": {
            "proposals": proposals_chart(result),
            "occupancy": occupancy_chart(result),
        },
    }
    return render(request, "reports/corporation_dashboard.html", context)


# --- The charts' data ------------------------------------------------------------------------


def accompanied_chart(accompanied: figures.Accompanied) -> dict:
    datasets = [
        {
            "label": _("PME accompagnées dans le mois"),
            "data": [row.count for row in accompanied.by_month],
        },
        {
            "label": _("Cumul sur la période"),
            "data": accompanied.cumulative,
            "type": "line",
        },
    ]
    if accompanied.goal:
        datasets.append(
            {
                "label": _("Objectif %(year)s") % {"year": accompanied.year},
                "data": [accompanied.goal] * len(accompanied.by_month),
                "type": "line",
                "dashed": True,
            }
        )
    return {
        "type": "bar",
        "labels": [month_label(row.month) for row in accompanied.by_month],
        "datasets": datasets,
    }


def review_chart(reviews: figures.ReviewTimes) -> dict:
    def series(name):
        return [getattr(stats, name) for _month, stats in reviews.by_month]

    return {
        "type": "line",
        "unit": _("jours"),
        "labels": [month_label(month) for month, _stats in reviews.by_month],
        "datasets": [
            {"label": _("Moyenne"), "data": series("mean_days")},
            {"label": _("Médiane"), "data": series("median_days")},
            {"label": _("9 sur 10 en moins de"), "data": series("p90_days")},
            {
                "label": _("Objectif (%(days)s jours)") % {"days": reviews.target_days},
                "data": [reviews.target_days] * len(reviews.by_month),
                "dashed": True,
            },
        ],
    }


def funnel_chart(stages: list[figures.Stage]) -> dict:
    return {
        "type": "bar",
        "indexAxis": "y",
        "labels": [str(stage.label) for stage in stages],
        "datasets": [{"label": _("Demandes"), "data": [stage.reached for stage in stages]}],
    }


def breakdown_chart(rows: list) -> dict:
    shown = rows[:CHART_ROWS]
    return {
        "type": "bar",
        "indexAxis": "y",
        "labels": [row.label for row in shown],
        "datasets": [
            {"label": _("Soumises"), "data": [row.submitted for row in shown]},
            {"label": _("Accompagnées"), "data": [row.accompanied for row in shown]},
        ],
    }


def corporation_chart(rows: list[figures.CorporationRow]) -> dict:
    shown = rows[:CHART_ROWS]
    return {
        "type": "bar",
        "indexAxis": "y",
        "labels": [row.name for row in shown],
        "datasets": [
            {"label": _("Proposées"), "data": [row.proposed for row in shown]},
            {"label": _("Acceptées"), "data": [row.accepted for row in shown]},
        ],
    }


def ratings_chart(ratings: figures.Ratings) -> dict:
    return {
        "type": "bar",
        "labels": [f"{score} ★" for score, _n in ratings.by_score],
        "datasets": [{"label": _("Évaluations"), "data": [n for _score, n in ratings.by_score]}],
    }


def proposals_chart(result: figures.CorporationFigures) -> dict:
    return {
        "type": "bar",
        "labels": [month_label(month) for month, _n, _a in result.by_month],
        "datasets": [
            {"label": _("Propositions reçues"), "data": [n for _m, n, _a in result.by_month]},
            {"label": _("Acceptées"), "data": [a for _m, _n, a in result.by_month]},
        ],
    }


def occupancy_chart(result: figures.CorporationFigures) -> dict:
    offers = result.offers
    return {
        "type": "bar",
        "indexAxis": "y",
        "stacked": True,
        "labels": [f"{offer.city} ({offer.country.code})" for offer in offers],
        "datasets": [
            {"label": _("Postes occupés"), "data": [offer.reserved_desks for offer in offers]},
            {"label": _("Postes libres"), "data": [offer.free_desks for offer in offers]},
        ],
    }
