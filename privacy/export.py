"""A person's data, exported (RGPD rights of access and portability): a ZIP archive with
`donnees.json` and the files of their documents.

What goes in is what the person may see in the portal, read through the same selectors:
an SME member's company and its applications (answers, history, conversation, documents),
without the association's internal notes and their attachments unless the person is on the
association's staff; and, whatever the role, their account, roles, notifications and their
settings, the invitations they sent, the messages they wrote and their recent logins.
Files are read through the documents' storage (a folder or a bucket), never from a path.
"""

import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import django_otp
from axes.models import AccessLog
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.rules import is_association_staff
from applications import selectors
from applications.models import Application, ApplicationEvent, Document, Message
from companies.models import Company
from companies.selectors import company_of
from notifications.models import Notification, Preference

FORMAT = "pacte-pme-export/1"
JSON_NAME = "donnees.json"
# Built in memory up to this size, in a temporary file beyond (documents weigh up to 10 MB,
# 20 an application).
SPOOL_BYTES = 16 * 1024 * 1024
COPY_CHUNK = 1024 * 1024


@dataclass
class Export:
    """What `collect` found: the JSON document, and the files to add (archive path, document,
    and the JSON entry that names the file, cleared if it cannot be read)."""

    data: dict
    files: list[tuple[str, Document, dict]] = field(default_factory=list)


def build(user: User):
    """The archive of `user`'s data, as a file positioned at its start (closed by its reader)."""
    export = collect(user)
    archive_file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    with zipfile.ZipFile(archive_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, document, entry in export.files:
            if not _copy(archive, path, document):
                entry["file"] = None
        archive.writestr(JSON_NAME, dumps(export.data))
    archive_file.seek(0)
    return archive_file


def dumps(data: dict) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _copy(archive: zipfile.ZipFile, path: str, document: Document) -> bool:
    """Copy a document's bytes into the archive, stored as they are (they are mostly PDF and
    images, compressed already); False if its file cannot be read."""
    info = zipfile.ZipInfo(path, date_time=timezone.localtime(document.created_at).timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    try:
        with document.file.open("rb") as source, archive.open(info, "w") as target:
            shutil.copyfileobj(source, target, COPY_CHUNK)
    except OSError:
        return False
    return True


# --- Collecting ------------------------------------------------------------------------------


def collect(user: User) -> Export:
    staff = is_association_staff(user)
    export = Export(data={})
    paths = _Paths()
    company = company_of(user)
    applications = []
    seen_documents = set()
    if company is not None:
        for application in company.applications.select_related("sponsor_body").order_by("pk"):
            entry = _application(user, application)
            for document in selectors.documents_for(user, application).select_related(
                "uploaded_by", "message"
            ):
                entry["documents"].append(_document(document, export, paths))
                seen_documents.add(document.pk)
            applications.append(entry)
    # Documents they uploaded elsewhere (a message in another company's conversation): their
    # own, minus what only the association's staff may read.
    uploaded = Document.objects.filter(uploaded_by=user).exclude(pk__in=seen_documents)
    if not staff:
        uploaded = uploaded.exclude(message__is_internal=True)
    export.data = {
        "format": FORMAT,
        "generated_at": timezone.now(),
        "account": _account(user),
        "roles": _roles(user, company),
        "company": _company(company) if company is not None else None,
        "applications": applications,
        "documents_uploaded_elsewhere": [
            _document(document, export, paths)
            for document in uploaded.select_related("application", "uploaded_by", "message")
        ],
        "messages_written": _messages_written(user, staff),
        "actions": _actions(user),
        "notifications": _notifications(user),
        "notification_preferences": [
            {"kind": preference.kind, "delivery": preference.delivery}
            for preference in Preference.objects.filter(user=user).order_by("kind")
        ],
        "invitations_sent": _invitations_sent(user),
        "two_factor_devices": [
            {"type": type(device).__name__, "name": device.name, "confirmed": device.confirmed}
            for device in django_otp.devices_for_user(user, confirmed=None)
        ],
        "logins": [
            {"at": log.attempt_time, "ip_address": log.ip_address, "browser": log.user_agent}
            for log in AccessLog.objects.filter(username__iexact=user.email).order_by(
                "-attempt_time"
            )
        ],
    }
    return export


class _Paths:
    """Archive paths, `documents/<application reference>/<name>`, unique in the archive."""

    def __init__(self):
        self.taken: set[str] = set()

    def __call__(self, document: Document) -> str:
        folder = PurePosixPath("documents", document.application.reference)
        # The stored name is clean already (no folder, no control character); be sure.
        name = PurePosixPath(document.name.replace("\\", "/")).name.lstrip(".") or "document"
        stem, dot, extension = name.rpartition(".") if "." in name else (name, "", "")
        candidate, number = str(folder / name), 1
        while candidate in self.taken:
            number += 1
            candidate = str(folder / f"{stem} ({number}){dot}{extension}")
        self.taken.add(candidate)
        return candidate


def _label(instance, name: str) -> dict:
    return {
        "value": getattr(instance, name),
        "label": str(getattr(instance, f"get_{name}_display")()),
    }


def _account(user: User) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "language": user.language,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
        "is_administrator": user.is_staff or user.is_superuser,
    }


def _roles(user: User, company: Company | None) -> dict:
    roles: dict = {
        "company_member": None,
        "association_staff": None,
        "sponsor_advisor": None,
        "interlocutor": None,
    }
    if company is not None:
        roles["company_member"] = {
            "company": company.legal_name,
            "since": user.company_membership.created_at,
        }
    staff = getattr(user, "staff_membership", None)
    if staff is not None:
        roles["association_staff"] = {"is_lead": staff.is_lead, "since": staff.created_at}
    advisor = getattr(user, "advisor_membership", None)
    if advisor is not None:
        roles["sponsor_advisor"] = {
            "sponsor_body": advisor.sponsor_body.name,
            "since": advisor.created_at,
        }
    interlocutor = getattr(user, "interlocutor", None)
    if interlocutor is not None:
        roles["interlocutor"] = {
            "corporation": interlocutor.corporation.name,
            "job_title": interlocutor.job_title,
            "countries": [str(country.code) for country in interlocutor.countries],
            "sectors": list(interlocutor.sectors.order_by("code").values_list("code", flat=True)),
            "capacity": interlocutor.capacity,
            "is_coordinator": interlocutor.is_coordinator,
            "is_active": interlocutor.is_active,
            "absences": [
                {"start": absence.start, "end": absence.end, "note": absence.note}
                for absence in interlocutor.absences.order_by("start")
            ],
        }
    return roles


def _company(company: Company) -> dict:
    return {
        "legal_name": company.legal_name,
        "siren": company.siren,
        "sector": {"code": company.sector.code, "label": company.sector.label},
        "headcount": _label(company, "headcount"),
        "turnover": _label(company, "turnover"),
        "region": _label(company, "region"),
        "department": _label(company, "department"),
        "website": company.website,
        "export_experience": _label(company, "export_experience"),
        "created_at": company.created_at,
    }


def _application(user: User, application: Application) -> dict:
    history, conversation = [], []
    for entry in selectors.timeline(user, application):
        if entry.type == "event":
            history.append(_event(entry.item))
        elif entry.type == "message":
            conversation.append(_message(entry.item))
        elif entry.type == "reminder":
            history.append(
                {
                    "at": entry.at,
                    "reminder": _label(entry.item, "milestone"),
                }
            )
    return {
        "reference": application.reference,
        "state": _label(application, "state"),
        "target_country": str(application.target_country.code),
        "target_city": application.target_city,
        "support_kinds": [str(kind.value) for kind in application.support_kinds],
        "maturity": _label(application, "maturity"),
        "description": application.description,
        "hosting_desks": application.hosting_desks,
        "hosting_vie_count": application.hosting_vie_count,
        "hosting_start_date": application.hosting_start_date,
        "hosting_budget": application.hosting_budget,
        "sponsor_body": application.sponsor_body.name if application.sponsor_body else None,
        "outcome": _label(application, "outcome"),
        "rating": application.rating,
        "rating_comment": application.rating_comment,
        "created_at": application.created_at,
        "updated_at": application.updated_at,
        "submitted_at": application.submitted_at,
        "endorsed_at": application.endorsed_at,
        "closed_at": application.closed_at,
        "archived_at": application.archived_at,
        "information_requests": [
            {
                "question": request.question,
                "asked_at": request.asked_at,
                "answer": request.answer,
                "answered_at": request.answered_at,
            }
            for request in application.information_requests.order_by("asked_at", "pk")
        ],
        "history": history,
        "messages": conversation,
        "documents": [],
    }


def _person(user: User | None) -> str | None:
    return str(user) if user is not None else None


def _event(event: ApplicationEvent) -> dict:
    return {
        "at": event.created_at,
        "action": _label(event, "action"),
        "from_state": event.from_state,
        "to_state": event.to_state,
        "by": _person(event.actor),
        "note": event.note,
    }


def _message(message: Message) -> dict:
    return {
        "at": message.created_at,
        "by": _person(message.author),
        "body": message.body,
        "attachments": [document.name for document in message.attachments.all()],
    }


def _document(document: Document, export: Export, paths: _Paths) -> dict:
    entry = {
        "application": document.application.reference,
        "name": document.name,
        "kind": _label(document, "kind"),
        "content_type": document.content_type,
        "size": document.size,
        "uploaded_by": _person(document.uploaded_by),
        "uploaded_at": document.created_at,
        "file": None,  # erased when its application was archived
    }
    if document.file:
        entry["file"] = paths(document)
        export.files.append((entry["file"], document, entry))
    return entry


def _messages_written(user: User, staff: bool) -> list[dict]:
    messages: QuerySet[Message] = Message.objects.filter(author=user)
    if not staff:
        messages = messages.filter(is_internal=False)
    return [
        {
            "application": message.application.reference,
            "at": message.created_at,
            "internal_note": message.is_internal,
            "body": message.body,
        }
        for message in messages.select_related("application").order_by("created_at", "pk")
    ]


def _actions(user: User) -> list[dict]:
    events: Iterable[ApplicationEvent] = (
        ApplicationEvent.objects.filter(actor=user)
        .select_related("application")
        .order_by("created_at", "pk")
    )
    return [
        {
            "application": event.application.reference,
            "at": event.created_at,
            "action": _label(event, "action"),
            "note": event.note,
        }
        for event in events
    ]


def _notifications(user: User) -> list[dict]:
    return [
        {
            "at": notification.created_at,
            "kind": notification.kind,
            "title": notification.title,
            "excerpt": notification.excerpt,
            "link": notification.url,
            "read_at": notification.read_at,
            "mailed_at": notification.mailed_at,
        }
        for notification in Notification.objects.filter(user=user).order_by("created_at", "pk")
    ]


def _invitations_sent(user: User) -> list[dict]:
    return [
        {
            "email": invitation.email,
            "first_name": invitation.first_name,
            "last_name": invitation.last_name,
            "role": _label(invitation, "role"),
            "created_at": invitation.created_at,
            "accepted_at": invitation.accepted_at,
        }
        for invitation in Invitation.objects.filter(invited_by=user).order_by("created_at", "pk")
    ]
