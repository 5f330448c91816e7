"""What the benchmark commands (`make bench`) share: a throwaway database, transactions rolled
back, fresh planner statistics, and the bare template render their timed figures are compared
with."""

import statistics
import time
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.test.utils import setup_databases, teardown_databases

from tooling import bench_bare


@contextmanager
def throwaway_database(*, enabled: bool = True):
    """A test database (`test_<name>` on PostgreSQL, in memory on SQLite), made as the test
    runner makes it and dropped on the way out; nothing at all when not `enabled`."""
    if not enabled:
        yield
        return
    config = setup_databases(
        verbosity=0, interactive=False, aliases={DEFAULT_DB_ALIAS}, serialized_aliases=set()
    )
    try:
        yield
    finally:
        teardown_databases(config, verbosity=0)


@contextmanager
def rolled_back(*, enabled: bool = True):
    """A transaction rolled back on the way out (nothing at all when not `enabled`)."""
    if not enabled:
        yield
        return
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def analyze(*, vacuum: bool) -> None:
    """Fresh planner statistics, as autovacuum would have them on a database in service."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and vacuum:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def bare_render_ms(renders: int = 200) -> float:
    """One render of the bare view's 25-row table template (`tooling.bench_bare`) in this
    process, in milliseconds: the median of `renders`, after one untimed."""
    bench_bare.render_in_process()
    timings = []
    for _ in range(renders):
        started = time.perf_counter()
        bench_bare.render_in_process()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def with_bare_ratios(figures: dict[str, object], bare_ms: float) -> dict[str, object]:
    """`figures` followed by `bare_render_ms` and, for each timed figure (`…_ms`, `…_ms_…`,
    `…_s`),
    `<name>_x_bare`: how many renders of the bare template it lasts. Absolute times depend on
    the machine; these ratios let figures taken on different machines be compared."""
    ratios: dict[str, object] = {"bare_render_ms": round(bare_ms, 3)}
    for name, value in figures.items():
        if name.endswith("_ms") or "_ms_" in name:  # `page_p99_ms_<page>` too
            ratios[f"{name}_x_bare"] = round(value / bare_ms, 1)
        elif name.endswith("_s"):
            ratios[f"{name}_x_bare"] = round(value * 1000 / bare_ms, 1)
    return figures | ratios
