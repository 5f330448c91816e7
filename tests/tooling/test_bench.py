"""`manage.py bench` on a tiny data set: it prints its figures as `name=value` lines, and the
query count of one ranking is the same on 10 corporations as on the whole set. The timings
themselves stay in the benchmark (`make bench`)."""

from io import StringIO

import pytest
from django.core.management import call_command

from corporations.models import Interlocutor, MemberCorporation

pytestmark = pytest.mark.django_db

FIGURES = [
    "matching_p50_ms",
    "matching_p95_ms",
    "matching_max_ms",
    "matching_load_p95_ms",
    "matching_rank_p95_ms",
    "candidates_p50",
    "candidates_max",
    "matching_queries",
    "matching_queries_10_corporations",
    "corporations",
    "interlocutors",
    "presences",
    "hosting_offers",
    "applications_ranked",
    "build_s",
]
# Each timed figure over one render of the bare template, in the same process.
RATIOS = [
    "bare_render_ms",
    "matching_p50_ms_x_bare",
    "matching_p95_ms_x_bare",
    "matching_max_ms_x_bare",
    "matching_load_p95_ms_x_bare",
    "matching_rank_p95_ms_x_bare",
    "build_s_x_bare",
]


def bench(**sizes) -> dict[str, str]:
    out = StringIO()
    call_command("bench", in_place=True, stdout=out, stderr=StringIO(), **sizes)
    lines = out.getvalue().splitlines()
    assert all(line.count("=") == 1 for line in lines), lines
    return dict(line.split("=") for line in lines)


def test_bench_prints_one_name_value_line_per_figure():
    figures = bench(corporations=10, interlocutors=30, presences=60, offers=5, applications=5)

    assert list(figures) == FIGURES + RATIOS
    assert {name: figures[name] for name in FIGURES[9:14]} == {
        "corporations": "10",
        "interlocutors": "30",
        "presences": "60",
        "hosting_offers": "5",
        "applications_ranked": "5",
    }
    for name in FIGURES[:5] + ["build_s"]:
        assert float(figures[name]) >= 0, name
    assert float(figures["bare_render_ms"]) > 0
    for name in RATIOS[1:]:
        assert float(figures[name]) >= 0, name
    assert 0 <= int(figures["candidates_p50"]) <= int(figures["candidates_max"]) <= 30
    assert int(figures["matching_queries"]) == int(figures["matching_queries_10_corporations"])
    assert int(figures["matching_queries"]) == 3


def test_bench_query_count_does_not_grow_with_the_corporations():
    figures = bench(corporations=40, interlocutors=120, presences=400, offers=20, applications=3)

    assert figures["matching_queries"] == figures["matching_queries_10_corporations"] == "3"


def test_bench_in_place_leaves_nothing_behind():
    bench(corporations=10, interlocutors=30, presences=60, offers=5, applications=5)

    assert (MemberCorporation.objects.count(), Interlocutor.objects.count()) == (0, 0)
