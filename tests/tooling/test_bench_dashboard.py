"""`manage.py bench_dashboard` on a small data set: it prints its figures as `name=value` lines
and the dashboard's query count is the same on fewer applications; and its data set is the one
the workflow would have left (states, dates, review clocks, proposals, events). The timings
themselves stay in the benchmark (`make bench`)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from applications import audit
from applications.clock import clock_of
from applications.enums import Action, State
from applications.models import Application, ApplicationEvent
from applications.workflow import TRANSITIONS
from corporations.enums import MatchStatus
from corporations.models import Interlocutor, Match
from reports.models import Goal
from tooling.management.commands.bench_dashboard import Programme

pytestmark = pytest.mark.django_db

FIGURES = [
    "dashboard_ms",
    "dashboard_p95_ms",
    "dashboard_filtered_ms",
    "dashboard_queries",
    "dashboard_queries_small",
    "applications",
    "build_s",
    "bare_render_ms",
    "dashboard_ms_x_bare",
    "dashboard_p95_ms_x_bare",
    "dashboard_filtered_ms_x_bare",
    "build_s_x_bare",
]
TARGET = timedelta(days=settings.REVIEW_TARGET_DAYS)
ACCEPTED = (State.ACCOMPANIED, State.CLOSED)


def test_bench_dashboard_prints_its_figures_and_the_same_query_count_for_fewer_applications():
    out = StringIO()
    call_command(
        "bench_dashboard",
        in_place=True,
        applications=800,
        small_applications=200,
        runs=2,
        stdout=out,
        stderr=StringIO(),
    )
    lines = out.getvalue().splitlines()
    assert all(line.count("=") == 1 for line in lines), lines
    figures = dict(line.split("=") for line in lines)

    assert list(figures) == FIGURES
    assert figures["applications"] == "800"
    for name in ("dashboard_ms", "dashboard_p95_ms", "dashboard_filtered_ms", "build_s"):
        assert float(figures[name]) >= 0, name
        assert float(figures[f"{name}_x_bare"]) >= 0, name
    assert float(figures["bare_render_ms"]) > 0
    assert int(figures["dashboard_queries"]) > 0
    assert figures["dashboard_queries"] == figures["dashboard_queries_small"]
    assert Application.objects.count() == 0  # rolled back


@pytest.fixture
def programme():
    return Programme(1000, seed=7).build()


def test_bench_dashboard_data_set_has_every_state_over_three_years(programme):
    states = dict(Application.objects.values_list("state").annotate(n=Count("pk")))
    years = {
        timezone.localtime(created).year
        for created in Application.objects.values_list("created_at", flat=True)
    }
    this_year = timezone.localdate().year

    assert Application.objects.count() == 1000
    assert set(states) == set(State.values)
    assert states[State.CLOSED] > states[State.ACCOMPANIED] > states[State.IN_REVIEW]
    # This year's share may be empty in its first hours.
    assert {this_year - 2, this_year - 1} <= years <= {this_year - 2, this_year - 1, this_year}
    assert list(Goal.objects.values_list("year", flat=True)) == [
        this_year,
        this_year - 1,
        this_year - 2,
    ]
    closed = Application.objects.filter(state=State.CLOSED)
    assert not closed.filter(outcome="").exists()
    assert closed.filter(rating__isnull=False).count() > closed.count() * 0.7


def test_bench_dashboard_data_set_dates_follow_the_workflow(programme):
    now = timezone.now()
    for a in Application.objects.all():
        dates = [a.created_at, a.submitted_at, a.endorsed_at, a.review_stopped_at, a.closed_at]
        present = [d for d in dates if d is not None]
        assert present == sorted(present), a.pk
        assert max(present) <= a.state_changed_at <= now
        if a.submitted_at is None or a.endorsed_at is None:  # a draft, or declined by the sponsor
            assert a.state in (State.DRAFT, State.AWAITING_SPONSOR, State.WITHDRAWN), a.pk
        if a.state not in (State.DRAFT, State.AWAITING_SPONSOR, State.WITHDRAWN):
            assert a.endorsed_at is not None and a.owner_id is not None, a.pk
        assert (a.closed_at is not None) == (a.state in State.terminal()), a.pk


def test_bench_dashboard_data_set_clocks_are_those_of_the_clock_module(programme):
    now = timezone.now()
    for a in Application.objects.exclude(endorsed_at=None):
        clock = clock_of(a, now)
        assert a.review_due_at == a.endorsed_at + TARGET + a.review_paused_for, a.pk
        assert (a.review_paused_at is not None) == (a.state == State.AWAITING_INFORMATION)
        if a.state in (*ACCEPTED, State.REJECTED, State.WITHDRAWN):
            assert a.review_stopped_at is not None and not clock.running, a.pk
        else:
            assert a.review_stopped_at is None, a.pk
            assert clock.running == (a.state in State.clock_running()), a.pk
        if a.state == State.REJECTED:
            assert a.review_stopped_at == a.closed_at
    overdue = Application.objects.overdue(now)
    assert overdue.count() >= 3
    assert set(overdue.values_list("state", flat=True)) <= State.clock_running()


def test_bench_dashboard_data_set_proposals_match_the_states(programme):
    live = Q(matches__status__in=[MatchStatus.PROPOSED, MatchStatus.ACCEPTED])
    for a in Application.objects.annotate(live=Count("matches", filter=live)):
        assert a.live == (1 if a.state in (State.PROPOSED, *ACCEPTED) else 0), a.pk
    for match in Match.objects.select_related("application"):
        assert match.application.endorsed_at <= match.created_at
        assert (match.decided_at is None) == (match.status == MatchStatus.PROPOSED)
        if match.status == MatchStatus.ACCEPTED:
            assert match.decided_at == match.application.review_stopped_at
        if match.decided_at is not None:
            assert match.created_at <= match.decided_at
    assert Match.objects.filter(status=MatchStatus.DECLINED).exists()
    for interlocutor in Interlocutor.objects.all():
        under_way = interlocutor.matches.filter(
            status=MatchStatus.ACCEPTED, application__state=State.ACCOMPANIED
        ).count()
        assert interlocutor.open_accompaniments == under_way <= interlocutor.capacity


def test_bench_dashboard_data_set_records_withdrawals_and_rejections_in_the_audit_chain(
    programme,
):
    for action, state in ((Action.WITHDRAW, State.WITHDRAWN), (Action.REJECT, State.REJECTED)):
        events = ApplicationEvent.objects.filter(action=action)
        sources, _target = TRANSITIONS[action]
        assert events.count() == Application.objects.filter(state=state).count() > 0
        assert set(events.values_list("application__state", flat=True)) == {state}
        assert set(events.values_list("from_state", flat=True)) <= sources
        assert not events.exclude(created_at=F("application__closed_at")).exists()
    heads = dict(Application.objects.exclude(audit_head="").values_list("pk", "audit_head"))
    chained = ApplicationEvent.objects.order_by("application_id", "pk")

    assert list(audit.verify(chained, heads)) == []


def test_bench_dashboard_data_set_with_every_event_chains_each_move_in_order():
    programme = Programme(300, seed=7, every_event=True).build()
    submitted = Application.objects.filter(submitted_at__isnull=False)

    # One event per move: a submission for every application submitted (some back in draft,
    # their sponsor having declined), an endorsement for
    # every application endorsed, in the order they happened, every chain intact.
    assert ApplicationEvent.objects.filter(action=Action.SUBMIT).count() == submitted.count()
    assert (
        ApplicationEvent.objects.filter(action=Action.ENDORSE).count()
        == Application.objects.filter(endorsed_at__isnull=False).count()
    )
    for application in submitted.filter(state=State.CLOSED)[:20]:
        actions = list(application.events.order_by("pk").values_list("action", flat=True))
        assert actions[0] == Action.SUBMIT
        assert actions[-1] == Action.CLOSE
    heads = dict(Application.objects.exclude(audit_head="").values_list("pk", "audit_head"))
    assert set(heads) == set(submitted.values_list("pk", flat=True))
    chained = ApplicationEvent.objects.order_by("application_id", "pk")
    assert list(audit.verify(chained, heads)) == []
    assert programme.every_event is True
