"""Database helpers shared by the apps."""

import logging
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=Model)


def insert_once(rows: list[M]) -> list[M]:
    """Insert rows a unique constraint guards (a reminder once per cycle, …) and return those
    this call inserted: in one statement, or one by one when another process (a second sweep)
    got some of them first."""
    try:
        with transaction.atomic():
            return type(rows[0]).objects.bulk_create(rows) if rows else []
    except IntegrityError:
        taken = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                logger.info("%s already taken by another process", row)
                continue
            taken.append(row)
        return taken
