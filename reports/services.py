"""Exports built in the background: asking for one, building it, telling its owner, purging.

A large export is a row (`Export`) written with its task's message in one transaction
(`outbox.enqueue`): the task is handed to the broker once the row exists, or later by the sweep
if the broker is down. The task rebuilds the list for the export's owner, with the owner's
scope as it is when it runs, and moves the row out of "pending" with a conditional update, so
that running it twice builds one file.
"""

import logging
import tempfile
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.permissions import can
from notifications import services as inbox
from notifications.enums import Kind
from notifications.models import Notification
from outbox import services as outbox

from . import exports
from .enums import ExportStatus
from .models import Export

logger = logging.getLogger(__name__)

# Rows kept in memory before the file being written spills to a temporary file on disk.
SPOOL_BYTES = 5 * 1024 * 1024
# The longest a build may take (the task's time limit): tens of thousands of rows take longer
# than the default two minutes.
BUILD_TIME_LIMIT = timedelta(minutes=15)


@transaction.atomic
def request_export(user: User, *, source: str, format: str, query: str) -> Export:
    """Ask for the export of the list `source` with the filters `query` (a query string), to
    be built in the background; its task is queued once the row is committed. The same export
    asked again while it is being built (a second click) is the one under way."""
    under_way = Export.objects.filter(
        user=user,
        source=source,
        format=format,
        query=query,
        status=ExportStatus.PENDING,
        created_at__gte=timezone.now() - BUILD_TIME_LIMIT,
    ).first()
    if under_way is not None:
        return under_way
    export = Export.objects.create(user=user, source=source, format=format, query=query)
    outbox.enqueue("reports.tasks.build_export", export_id=str(export.pk))
    return export


class ExportRefused(Exception):
    """The owner may no longer export this list (their role changed since they asked)."""


def build_export(export_id: str) -> list[Notification]:
    """Build a pending export, store its file, mark it ready and tell its owner; on a failure,
    mark it failed and tell them too. Nothing if it is no longer pending (built, failed or
    purged already). Returns the notifications made."""
    export = Export.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != ExportStatus.PENDING:
        return []
    try:
        with translation.override(export.user.language):
            rows = _write_file(export)
    except ExportRefused:
        logger.info(
            "Export %s refused: its owner may no longer export %s", export.pk, export.source
        )
        return _finish_failed(export)
    except Exception:
        logger.exception("Export %s failed", export.pk)
        return _finish_failed(export)
    updated = Export.objects.filter(pk=export.pk, status=ExportStatus.PENDING).update(
        status=ExportStatus.READY, file=export.file.name, rows=rows, finished_at=timezone.now()
    )
    if updated != 1:
        # Another run got there first (or the row was purged): its file is the one kept.
        export.file.storage.delete(export.file.name)
        return []
    return _tell(
        export,
        lambda: (
            ngettext(
                "Votre export « %(list)s » est prêt à télécharger (%(rows)s ligne).",
                "Votre export « %(list)s » est prêt à télécharger (%(rows)s lignes).",
                rows,
            )
            % {"list": export.get_source_display(), "rows": rows}
        ),
    )


def _write_file(export: Export) -> int:
    """Write the export's file to its storage (not yet to the row); returns its rows."""
    user = export.user
    source = exports.SOURCES[export.source]
    if not can(user, source.permission):
        raise ExportRefused
    applications = exports.applications_of(export.source, user, QueryDict(export.query))
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as file:
        rows = exports.write(export.format, export.source, applications, user, file)
        file.seek(0)
        export.file.save(f"export.{export.format}", File(file), save=False)
    return rows


def _finish_failed(export: Export) -> list[Notification]:
    updated = Export.objects.filter(pk=export.pk, status=ExportStatus.PENDING).update(
        status=ExportStatus.FAILED, finished_at=timezone.now()
    )
    if updated != 1:
        return []
    return _tell(
        export,
        lambda: (
            _("Votre export « %(list)s » n'a pas pu être préparé. Vous pouvez le redemander.")
            % {"list": export.get_source_display()}
        ),
    )


def _tell(export: Export, title) -> list[Notification]:
    return inbox.notify(
        [export.user],
        kind=Kind.EXPORT,
        source=f"export:{export.pk.hex}",
        title=title,
        url=reverse("reports:export_list") + f"#export-{export.pk}",
    )


def expired_before(now: datetime) -> datetime:
    """Exports asked for before this moment have expired."""
    return now - timedelta(days=settings.EXPORT_RETENTION_DAYS)


def purge_expired_exports(now: datetime) -> int:
    """Delete the exports older than EXPORT_RETENTION_DAYS, whatever their state; their files
    go once the deletion has committed. Returns how many."""
    deleted, _by_model = Export.objects.filter(created_at__lt=expired_before(now)).delete()
    return deleted
