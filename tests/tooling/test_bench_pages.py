"""`manage.py bench_pages`: reading wrk, refusing a database gunicorn could not reach, and one
run at a tiny volume for a second per load (PostgreSQL, Redis and wrk needed: skipped
without). The figures themselves stay in the benchmark (`make bench`)."""

import os
import shutil
import socket
import subprocess
import sys
from io import StringIO

import psycopg2
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tooling.bench_http import BenchError, Load, parse_wrk
from tooling.management.commands.bench_pages import PAGES

WRK_OUTPUT = """Running 1s test @ http://127.0.0.1:18765/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.99ms    2.14ms  13.81ms   76.36%
    Req/Sec   682.50    213.88     1.06k    70.00%
  Latency Distribution
     50%  812.00us
     75%    4.14ms
     90%    5.86ms
     99%    1.20s
  680 requests in 1.01s, 345.31KB read
  Socket errors: connect 0, read 0, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:    676.56
Transfer/sec:    343.56KB
"""
PG_URL = "postgres://postgres@127.0.0.1:5432/pacte_bench_pages_test"


def test_parse_wrk_reads_the_rate_the_percentiles_and_the_errors():
    assert parse_wrk(WRK_OUTPUT) == Load(
        rps=676.56, p50_ms=0.812, p99_ms=1200.0, requests=680, errors=7, timeouts=3
    )


def test_parse_wrk_without_errors_counts_none():
    output = WRK_OUTPUT.replace("  Socket errors: connect 0, read 0, write 0, timeout 3\n", "")
    output = output.replace("  Non-2xx or 3xx responses: 7\n", "")

    assert (parse_wrk(output).errors, parse_wrk(output).timeouts) == (0, 0)


def test_parse_wrk_without_latency_distribution_fails_loudly():
    output = "\n".join(line for line in WRK_OUTPUT.splitlines() if "%  " not in line)

    with pytest.raises(BenchError, match="--latency"):
        parse_wrk(output)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the refusal of SQLite",
)
def test_bench_pages_refuses_a_database_gunicorn_cannot_reach():
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("bench_pages", quick=True, stdout=StringIO(), stderr=StringIO())


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
@pytest.mark.skipif(not listening(5432), reason="no PostgreSQL on 127.0.0.1:5432")
@pytest.mark.skipif(not listening(6379), reason="no Redis on 127.0.0.1:6379")
def test_bench_pages_prints_a_positive_ratio_for_every_page_and_the_minimum_last():
    # A process of its own: its settings point at PostgreSQL, which gunicorn's processes
    # reach, whatever database this test run uses.
    env = {**os.environ, "DATABASE_URL": PG_URL, "PACTE_BENCH_REDIS_DB": "14"}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "bench_pages", "--volume=0.01", "--quick"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert all(line.count("=") == 1 for line in lines), lines
    figures = dict(line.split("=") for line in lines)

    names = [name for name, _persona, _url in PAGES]
    assert len(names) == 14
    ratios = {name: float(figures[f"page_ratio_{name}"]) for name in names}
    assert all(ratio > 0 for ratio in ratios.values()), ratios
    for name in names:
        assert float(figures[f"page_p99_ms_{name}"]) > 0, name
    assert float(figures["page_rss_mb_max"]) > 0
    assert figures["applications"] == "200"
    assert lines[-1] == f"pages_min_ratio={min(ratios.values())}"
    # The throwaway database is gone.
    with psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres") as db:
        with db.cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database")
            databases = {name for (name,) in cursor.fetchall()}
    assert "test_pacte_bench_pages_test" not in databases
