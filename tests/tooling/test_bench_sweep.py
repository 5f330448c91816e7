"""`manage.py bench_sweep` on a small data set: it prints its figures as `name=value` lines,
acts on exactly the due applications, and the sweep's query count does not depend on how many
applications are open. The timing itself stays in the benchmark (`make bench`)."""

from io import StringIO

import pytest
from django.core.management import call_command

from applications.models import Reminder

pytestmark = pytest.mark.django_db


def test_bench_sweep_prints_its_figures_and_counts_the_same_queries_for_more_open():
    out = StringIO()
    call_command(
        "bench_sweep",
        in_place=True,
        open_count=400,
        due=40,
        small_open=80,
        stdout=out,
        stderr=StringIO(),
    )
    figures = dict(line.split("=") for line in out.getvalue().splitlines())

    assert list(figures) == [
        "build_s",
        "sweep_queries",
        "sweep_100k_s",
        "sweep_acted",
        "sweep_relayed",
        "sweep_queries_0k_open",
        "open_applications",
        "due",
        "bare_render_ms",
        "build_s_x_bare",
        "sweep_100k_s_x_bare",
    ]
    assert figures["sweep_acted"] == "40"
    assert figures["sweep_queries"] == figures["sweep_queries_0k_open"]
    assert float(figures["sweep_100k_s"]) >= 0
    assert float(figures["bare_render_ms"]) > 0
    assert float(figures["sweep_100k_s_x_bare"]) >= 0
    assert Reminder.objects.count() == 0  # rolled back
