"""A demo application's story: made by its SME, then walked through the real workflow
services step by step, each step dated some days back."""

from datetime import date, datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from applications import audit, clock, services
from applications.models import Application, ApplicationEvent, Document, InformationRequest, Message
from companies.models import Company
from corporations.models import Match
from notifications.models import Notification
from sponsors.models import Endorsement


def months_ahead(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month."""
    month_index = day.month - 1 + months
    return date(day.year + month_index // 12, month_index % 12 + 1, 1)


# Every timestamp a workflow step may write, by model and the field that leads to the application.
_DATED_FIELDS = [
    (
        Application,
        "pk",
        (
            "created_at",
            "updated_at",
            "state_changed_at",
            "submitted_at",
            "endorsed_at",
            "closed_at",
        ),
    ),
    (ApplicationEvent, "application", ("created_at",)),
    (Endorsement, "application", ("created_at",)),
    (Match, "application", ("created_at", "decided_at")),
    (InformationRequest, "application", ("asked_at", "answered_at")),
    (Document, "application", ("created_at",)),
    (Message, "application", ("created_at",)),
    (Notification, "application", ("created_at", "read_at", "mailed_at")),
]


def demo_pdf(name: str, title: str) -> SimpleUploadedFile:
    """A one-page PDF with a title: a document the demo's SMEs attach."""
    text = title.encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,  # the content stream, below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    stream = b"BT /F1 18 Tf 60 760 Td (" + text + b") Tj ET"
    objects[3] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return SimpleUploadedFile(name, body, content_type="application/pdf")


class Story:
    """One demo application walked through the workflow services, each step `days_ago` days back.

    The services stamp everything with the current time; after each step, whatever the step
    stamped (at or after the moment it started) is moved back to the step's date, so the queues
    show realistic ages (days since endorsement, the one-month clock).
    """

    def __init__(self, now: datetime, days_ago: int, actor: User, company: Company, **fields):
        self.now = now
        self.days_ago = days_ago
        started = timezone.now()
        self.application = services.create_draft(actor, company, **fields)
        self._backdate(started, days_ago)

    def then(self, days_ago: int, verb, actor: User, **kwargs) -> "Story":
        if days_ago > self.days_ago:
            raise ValueError("A story's steps go forward in time.")
        started = timezone.now()
        verb(self.application.pk, actor, **kwargs)
        self._backdate(started, days_ago)
        self.days_ago = days_ago
        return self

    def _backdate(self, started: datetime, days_ago: int) -> None:
        when = self.now - timedelta(days=days_ago)
        for model, key, fields in _DATED_FIELDS:
            rows = model.objects.filter(**{key: self.application.pk})
            for field in fields:
                rows.filter(**{f"{field}__gte": started}).update(**{field: when})
        # The event chain is sealed again over the backdated dates, and the review clock
        # follows the backdated history.
        audit.seal(
            self.application,
            ApplicationEvent.objects.filter(application=self.application).order_by("pk"),
        )
        application = Application.objects.get(pk=self.application.pk)
        if fields := clock.rebuild(application):
            application.save(update_fields=fields)
