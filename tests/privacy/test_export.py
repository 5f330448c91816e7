"""The export of one's data: a ZIP with donnees.json and the documents' files, as the person
may see them in the portal (no internal note, nothing of another company)."""

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from applications import services
from applications.enums import State
from privacy import export
from tests.factories import ApplicationFactory

from .conftest import PDF, attach, pdf

pytestmark = pytest.mark.django_db

PLAN = PDF + b"% business plan\n"
SCHEDULE = PDF + b"% schedule\n"
ANALYSIS = PDF + b"% internal analysis\n"
OTHER = PDF + b"% other company\n"


@pytest.fixture
def dossier(application_in, sme_user, staff_user):
    """Company A's application in review: a business plan, a question from staff, an internal
    note with its own attachment, and the SME's answer with a schedule."""
    application = application_in(State.IN_REVIEW)
    attach(application, sme_user, "Plan d'affaires.pdf", PLAN)
    services.post_message(application.pk, staff_user, body="Quel est votre calendrier ?")
    services.post_message(
        application.pk,
        staff_user,
        body="Note interne : dossier fragile, à surveiller.",
        internal=True,
        uploads=[pdf("Analyse interne.pdf", ANALYSIS)],
    )
    services.post_message(
        application.pk,
        sme_user,
        body="Début prévu en septembre.",
        uploads=[pdf("Calendrier.pdf", SCHEDULE)],
    )
    return application


@pytest.fixture
def other_dossier(other_company, other_sme_user):
    application = ApplicationFactory(company=other_company, created_by=other_sme_user)
    attach(application, other_sme_user, "Secret Hydro.pdf", OTHER)
    return application


def download(client, user) -> tuple[zipfile.ZipFile, dict]:
    client.force_login(user)
    response = client.get(reverse("privacy:export"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return archive, json.loads(archive.read("donnees.json"))


def encoded(value):
    """A value as the export's JSON writes it (dates as ISO strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def test_the_export_holds_the_account_and_the_company_with_its_applications(
    client, sme_user, dossier
):
    archive, data = download(client, sme_user)

    reference = dossier.reference
    assert archive.namelist() == [
        f"documents/{reference}/Plan d'affaires.pdf",
        f"documents/{reference}/Calendrier.pdf",
        "donnees.json",
    ]
    sme_user.refresh_from_db()
    assert data["format"] == "pacte-pme-export/1"
    assert data["account"] == {
        "id": sme_user.pk,
        "email": "claire.martin@asconit.example",
        "first_name": "Claire",
        "last_name": "Martin",
        "phone": "",
        "language": "fr",
        "date_joined": encoded(sme_user.date_joined),
        "last_login": encoded(sme_user.last_login),
        "is_active": True,
        "is_administrator": False,
    }
    assert data["roles"] == {
        "company_member": {
            "company": "Asconit Consultants",
            "since": encoded(sme_user.company_membership.created_at),
        },
        "association_staff": None,
        "sponsor_advisor": None,
        "interlocutor": None,
    }
    assert data["company"]["legal_name"] == "Asconit Consultants"
    assert data["company"]["siren"] == sme_user.company_membership.company.siren
    [application] = data["applications"]
    assert application["reference"] == reference
    assert application["state"] == {"value": "in_review", "label": "En instruction"}
    assert application["description"] == dossier.description
    assert [(event["action"]["value"], event["by"]) for event in application["history"]] == [
        ("submit", "Claire Martin"),
        ("endorse", "Sophie Bernard"),
    ]
    assert [(m["by"], m["body"], m["attachments"]) for m in application["messages"]] == [
        ("Julie Petit", "Quel est votre calendrier ?", []),
        ("Claire Martin", "Début prévu en septembre.", ["Calendrier.pdf"]),
    ]
    assert [(d["name"], d["size"], d["file"]) for d in application["documents"]] == [
        ("Plan d'affaires.pdf", len(PLAN), f"documents/{reference}/Plan d'affaires.pdf"),
        ("Calendrier.pdf", len(SCHEDULE), f"documents/{reference}/Calendrier.pdf"),
    ]
    assert [m["body"] for m in data["messages_written"]] == ["Début prévu en septembre."]
    assert [a["action"]["value"] for a in data["actions"]] == ["submit"]


def test_the_files_are_the_documents_bytes(client, sme_user, dossier):
    archive, _data = download(client, sme_user)

    folder = f"documents/{dossier.reference}"
    assert archive.read(f"{folder}/Plan d'affaires.pdf") == PLAN
    assert archive.read(f"{folder}/Calendrier.pdf") == SCHEDULE
    assert archive.testzip() is None


def test_no_internal_note_nor_its_attachment_in_an_sme_users_export(client, sme_user, dossier):
    archive, data = download(client, sme_user)

    text = archive.read("donnees.json").decode()
    assert "Note interne" not in text
    assert "dossier fragile" not in text
    assert "Analyse interne" not in text
    assert not [name for name in archive.namelist() if "Analyse" in name]
    assert ANALYSIS not in [archive.read(name) for name in archive.namelist()]


def test_nothing_of_another_company_in_the_export(client, sme_user, dossier, other_dossier):
    archive, data = download(client, sme_user)

    text = archive.read("donnees.json").decode()
    assert "Hydro" not in text
    assert "Secret" not in text
    assert other_dossier.reference not in text
    assert [a["reference"] for a in data["applications"]] == [dossier.reference]
    assert OTHER not in [archive.read(name) for name in archive.namelist()]


def test_the_other_company_sees_only_its_own(client, other_sme_user, dossier, other_dossier):
    archive, data = download(client, other_sme_user)

    assert archive.namelist() == [
        f"documents/{other_dossier.reference}/Secret Hydro.pdf",
        "donnees.json",
    ]
    assert "Asconit" not in archive.read("donnees.json").decode()


def test_the_export_is_a_zip_attachment_never_cached(client, sme_user, dossier, time_machine):
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False)
    client.force_login(sme_user)

    response = client.get(reverse("privacy:export"))

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        'attachment; filename="mes-donnees-pacte-pme-2026-03-02.zip"'
    )
    assert "no-store" in response["Cache-Control"]


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("privacy:export"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=" + reverse("privacy:export")


def test_the_export_is_a_download_not_a_form(client, sme_user):
    client.force_login(sme_user)

    assert client.post(reverse("privacy:export")).status_code == 405


def test_two_documents_of_the_same_name_both_go_in(client, sme_user, draft_application):
    attach(draft_application, sme_user, "Plan.pdf", PLAN)
    attach(draft_application, sme_user, "Plan.pdf", SCHEDULE)

    archive, _data = download(client, sme_user)

    folder = f"documents/{draft_application.reference}"
    assert archive.read(f"{folder}/Plan.pdf") == PLAN
    assert archive.read(f"{folder}/Plan (2).pdf") == SCHEDULE


def test_a_staff_members_export_has_the_notes_they_wrote(staff_user, dossier):
    data = encoded(export.collect(staff_user).data)

    assert data["company"] is None
    assert data["applications"] == []
    assert data["roles"]["association_staff"] == {
        "is_lead": False,
        "since": encoded(staff_user.staff_membership.created_at),
    }
    assert [(m["body"], m["internal_note"]) for m in data["messages_written"]] == [
        ("Quel est votre calendrier ?", False),
        ("Note interne : dossier fragile, à surveiller.", True),
    ]
    assert [(d["name"], d["file"]) for d in data["documents_uploaded_elsewhere"]] == [
        ("Analyse interne.pdf", f"documents/{dossier.reference}/Analyse interne.pdf")
    ]


def test_an_advisors_export_has_their_role_and_their_decisions(advisor, dossier):
    data = encoded(export.collect(advisor).data)

    assert data["roles"]["sponsor_advisor"]["sponsor_body"] == (
        "CCI Lyon Métropole Saint-Étienne Roanne"
    )
    assert data["applications"] == []
    assert [(a["application"], a["action"]["value"]) for a in data["actions"]] == [
        (dossier.reference, "endorse")
    ]
