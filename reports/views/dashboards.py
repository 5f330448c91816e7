"""The dashboards: the programme's figures for staff, a sponsor body's for its advisors, a
member corporation's for its coordinators (and for staff).

Each chart is drawn in the browser by `static/js/charts.js` from the JSON the page carries
(`json_script`, no inline script), and each has its table beside it: the same figures, for
screen readers and for copying.

The programme's dashboard is drawn once for all who see the same figures and kept in the
cache until something it counts changes (`reports.caching`); it says as of when.
"""

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.permissions import can
from accounts.rules import is_association_staff
from core import generations
from corporations.models import MemberCorporation
from corporations.rules import interlocutor_of
from sponsors.models import SponsorBody
from sponsors.rules import advisor_body_id

from .. import caching, figures
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
    context |= {"period": period}
    context |= dashboard_parts(request, form, scope, staff=staff)
    return render(request, "reports/dashboard.html", context)


def dashboard_parts(
    request, form: FiguresFilterForm, scope: figures.Scope, *, staff: bool
) -> dict[str, str]:
    """The dashboard's filters (valid) and figures as HTML, from the cache when the same were
    drawn since the last change to what they show (`reports.caching`), else drawn now.

    The key holds everything they depend on: who looks (staff see the sponsor bodies'
    breakdown and the interlocutors' load, an advisor never does, whatever body staff filter
    on), the scope (an advisor's is always their own body), the period, today (the goal's
    pace), the language, the filters as typed, and whether the link to the admin is shown."""
    period = form.period
    admin_link = request.user.is_staff
    typed = "&".join(f"{name}={form.data.get(name, '')}" for name in form.fields)
    key = ":".join(
        str(part)
        for part in (
            "reports:dashboard",
            generations.current(caching.FIGURES),
            get_language(),
            "staff" if staff else "body",
            int(admin_link),
            scope.sponsor_body.pk if scope.sponsor_body else "-",
            scope.country or "-",
            scope.sector.pk if scope.sector else "-",
            period.start.isoformat(),
            period.end.isoformat(),
            timezone.localdate().isoformat(),
            hashlib.sha256(typed.encode()).hexdigest()[:16],
        )
    )
    parts = cache.get(key)
    if parts is None:
        parts = {
            "filters": str(
                render_to_string("reports/_filters.html", {"form": form, "request": request})
            ),
            "figures": str(
                render_to_string(
                    "reports/_dashboard_figures.html",
                    figures_context(scope, period, staff=staff) | {"admin_link": admin_link},
                )
            ),
        }
        cache.set(key, parts, caching.DASHBOARD_SECONDS)
    # Our own templates' output, escaped when drawn.
    return {name: mark_safe(html) for name, html in parts.items()}  # noqa: S308  # nosec B308, B703


def figures_context(scope: figures.Scope, period: figures.Period, *, staff: bool) -> dict:
    """The figures of `scope` over `period`, and the charts' data, as the template needs."""
    now = timezone.now()
    accompanied = figures.accompanied(scope, period, timezone.localdate(now))
    reviews = figures.review_times(scope, period)
    funnel = figures.funnel(scope, period, now)
    breakdowns = {
        "country": figures.by_country(scope, period),
        "sector": figures.by_sector(scope, period),
        "corporation": figures.by_corporation(scope, period),
    }
    if staff:
        breakdowns["sponsor_body"] = figures.by_sponsor_body(scope, period)
    ratings = figures.ratings(scope, period)
    context = {
        "as_of": now,
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
    return context


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


def chart(kind: str, labels, *datasets: dict, **options) -> dict:
    """What `static/js/charts.js` draws: a `kind` ("bar", "line"), the labels of its axis,
    its datasets ({"label", "data", and "type": "line" or "dashed": True if so}) and its
    options (`indexAxis="y"` for horizontal bars, `stacked`, `unit`)."""
    labels = [str(label) for label in labels]
    return {"type": kind, "labels": labels, "datasets": list(datasets)} | options


def series(label, data, **options) -> dict:
    return {"label": str(label), "data": list(data)} | options


def accompanied_chart(accompanied: figures.Accompanied) -> dict:
    months = accompanied.by_month
    datasets = [
        series(_("PME accompagnées dans le mois"), (row.count for row in months)),
        series(_("Cumul sur la période"), accompanied.cumulative, type="line"),
    ]
    if accompanied.goal:
        label = _("Objectif %(year)s") % {"year": accompanied.year}
        datasets.append(series(label, [accompanied.goal] * len(months), type="line", dashed=True))
    return chart("bar", (month_label(row.month) for row in months), *datasets)


def review_chart(reviews: figures.ReviewTimes) -> dict:
    def of(name):
        return (getattr(stats, name) for _month, stats in reviews.by_month)

    target = _("Objectif (%(days)s jours)") % {"days": reviews.target_days}
    return chart(
        "line",
        (month_label(month) for month, _stats in reviews.by_month),
        series(_("Moyenne"), of("mean_days")),
        series(_("Médiane"), of("median_days")),
        series(_("9 sur 10 en moins de"), of("p90_days")),
        series(target, [reviews.target_days] * len(reviews.by_month), dashed=True),
        unit=_("jours"),
    )


def funnel_chart(stages: list[figures.Stage]) -> dict:
    return chart(
        "bar",
        (stage.label for stage in stages),
        series(_("Demandes"), (stage.reached for stage in stages)),
        indexAxis="y",
    )


def top_chart(rows: list, label: str, *bars: tuple[str, str]) -> dict:
    """Horizontal bars for the first rows of a breakdown: each row's `label` attribute, and a
    bar per (title, attribute) of `bars`."""
    shown = rows[:CHART_ROWS]
    return chart(
        "bar",
        (getattr(row, label) for row in shown),
        *(series(title, (getattr(row, name) for row in shown)) for title, name in bars),
        indexAxis="y",
    )


def breakdown_chart(rows: list[figures.Breakdown]) -> dict:
    return top_chart(
        rows, "label", (_("Soumises"), "submitted"), (_("Accompagnées"), "accompanied")
    )


def corporation_chart(rows: list[figures.CorporationRow]) -> dict:
    return top_chart(rows, "name", (_("Proposées"), "proposed"), (_("Acceptées"), "accepted"))


def ratings_chart(ratings: figures.Ratings) -> dict:
    return chart(
        "bar",
        (f"{score} ★" for score, _n in ratings.by_score),
        series(_("Évaluations"), (n for _score, n in ratings.by_score)),
    )


def proposals_chart(result: figures.CorporationFigures) -> dict:
    return chart(
        "bar",
        (month_label(month) for month, _n, _a in result.by_month),
        series(_("Propositions reçues"), (n for _m, n, _a in result.by_month)),
        series(_("Acceptées"), (a for _m, _n, a in result.by_month)),
    )


def occupancy_chart(result: figures.CorporationFigures) -> dict:
    offers = result.offers
    return chart(
        "bar",
        (f"{offer.city} ({offer.country.code})" for offer in offers),
        series(_("Postes occupés"), (offer.reserved_desks for offer in offers)),
        series(_("Postes libres"), (offer.free_desks for offer in offers)),
        indexAxis="y",
        stacked=True,
    )
