"""A large export through a real broker and a real worker: asked in a committed request, its
task relayed from the outbox once the row exists, built by the worker, offered for download."""

import csv
import io

import pytest
from celery.signals import task_failure, task_postrun, task_prerun
from django.urls import reverse

from notifications.enums import Kind
from notifications.models import Notification
from reports.enums import ExportSource, ExportStatus
from reports.models import Export
from tests.celery.test_worker import BROKERS, wait_until
from tests.conftest import CommittingClient
from tests.factories import ApplicationFactory

pytestmark = [
    pytest.mark.celery_worker,
    # The worker reads the rows from its own thread: they must be committed. The flush at the
    # end would also empty the NAF sectors loaded by a migration; put them back.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def export_runs():
    """The runs, failures and ends of `reports.tasks.build_export`, as keyword arguments."""
    record = {"runs": [], "failures": [], "ended": []}

    def on_prerun(sender=None, kwargs=None, **_):
        if getattr(sender, "name", "") == "reports.tasks.build_export":
            record["runs"].append(kwargs)

    def on_postrun(sender=None, kwargs=None, **_):
        if getattr(sender, "name", "") == "reports.tasks.build_export":
            record["ended"].append(kwargs)

    def on_failure(sender=None, kwargs=None, exception=None, **_):
        if getattr(sender, "name", "") == "reports.tasks.build_export":
            record["failures"].append((kwargs, exception))

    task_prerun.connect(on_prerun, weak=False)
    task_failure.connect(on_failure, weak=False)
    task_postrun.connect(on_postrun, weak=False)
    yield record
    task_prerun.disconnect(on_prerun)
    task_failure.disconnect(on_failure)
    task_postrun.disconnect(on_postrun)


@pytest.mark.parametrize("broker_url", BROKERS, indirect=True)
def test_worker_builds_a_large_export_for_its_owner(
    worker, broker_queue, company, sme_user, settings, export_runs
):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    drafts = [ApplicationFactory(company=company, created_by=sme_user) for _ in range(3)]
    client = CommittingClient()
    client.force_login(sme_user)

    response = client.post(reverse("reports:export_dashboard", args=["csv"]))

    export = Export.objects.get()
    assert response.status_code == 302

    def ended():
        """the worker to build the export and tell its owner"""
        # The task's end, not the row's status: the owner is told after the row is marked.
        return export_runs["ended"]

    wait_until(ended)
    export.refresh_from_db()
    assert export_runs == {
        "runs": [{"export_id": str(export.pk)}],
        "failures": [],
        "ended": [{"export_id": str(export.pk)}],
    }
    assert (export.status, export.source, export.rows) == (
        ExportStatus.READY,
        ExportSource.DASHBOARD,
        3,
    )
    with export.file.open("rb") as file:
        rows = list(csv.reader(io.StringIO(file.read().decode("utf-8-sig")), delimiter=";"))
    assert sorted(row[0] for row in rows[1:]) == sorted(a.reference for a in drafts)
    assert Notification.objects.get(user=sme_user).kind == Kind.EXPORT
    download = client.get(reverse("reports:export_download", args=[export.pk]))
    assert download.status_code == 200
    with export.file.open("rb") as file:
        assert b"".join(download.streaming_content) == file.read()
    assert broker_queue.waiting() == 0
