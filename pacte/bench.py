"""What the benchmark commands (`make bench`) share: a throwaway database, transactions rolled
back, fresh planner statistics."""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.test.utils import setup_databases, teardown_databases


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
