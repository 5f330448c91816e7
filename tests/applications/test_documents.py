"""Documents attached to an application: the type read from the bytes, the limits, zip bombs,
names cleaned, nothing stored when refused, the form kept; downloaded only by those who may
see the application, as attachments never sniffed."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import documents
from applications.enums import DocumentKind, State
from applications.models import Document

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
REFUSED_TYPE = (
    "Ce type de fichier n&#x27;est pas accepté : envoyez un PDF, une image PNG ou JPEG, ou un "
    "document Word, Excel ou OpenDocument (DOCX, XLSX, ODT, ODS)."
)


def office(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = office({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = office({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


def stored_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def upload(client, application, content: bytes, name="plan.pdf", kind=DocumentKind.BUSINESS_PLAN):
    return client.post(
        reverse("applications:document_upload", args=[application.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


# --- What is accepted ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "shown", "content_type"),
    [
        (PDF, "Business plan 2026.pdf", "Business plan 2026.pdf", "application/pdf"),
        (PNG, "organigramme.png", "organigramme.png", "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 32, "photo.jpeg", "photo.jpg", "image/jpeg"),
        (DOCX, "présentation.docx", "présentation.docx", documents.DOCX[1]),
        (XLSX, "chiffres.xlsx", "chiffres.xlsx", documents.XLSX[1]),
        (ODT, "note.odt", "note.odt", documents.ODT[1]),
        # The bytes decide, not the name: a Word file named .pdf is stored as a Word file.
        (DOCX, "kbis.pdf", "kbis.docx", documents.DOCX[1]),
    ],
)
def test_the_sme_attaches_a_document_whose_type_is_read_from_its_bytes(
    client, sme_user, application_in, private_storage, content, name, shown, content_type
):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)

    response = upload(client, application, content, name=name)

    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.name, document.content_type, document.size) == (
        shown,
        content_type,
        len(content),
    )
    assert document.uploaded_by == sme_user
    [path] = stored_files(private_storage)
    assert path.read_bytes() == content
    assert path.name != name  # a random name, never the one sent
    assert str(application.pk) == path.parent.name


def test_a_name_loses_its_folders_and_control_characters(client, sme_user, application_in):
    application = application_in(State.DRAFT)
    client.force_login(sme_user)

    upload(client, application, PDF, name="../../etc/pass\x07wd\x1b.pdf")

    assert Document.objects.get().name == "passwd.pdf"


# --- What is refused, and what is kept -----------------------------------------------------------


def refused(response, private_storage, message: str) -> None:
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert Document.objects.count() == 0
    assert stored_files(private_storage) == []
    # The nature chosen is still selected.
    assert '<option value="kbis" selected>' in page


def test_a_renamed_executable_is_refused(client, sme_user, application_in, private_storage):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)

    response = upload(client, application, ELF, name="business-plan.pdf", kind="kbis")

    refused(response, private_storage, REFUSED_TYPE)


def test_a_file_over_the_limit_is_refused(
    client, sme_user, application_in, private_storage, settings
):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)

    response = upload(client, application, PDF + b"0" * (3 * 1024 * 1024 // 2), kind="kbis")

    refused(response, private_storage, "Le fichier pèse 1,5 Mo : 1 Mo au plus.")


ZIP_BOMB = (
    "Ce fichier bureautique se décompresse en bien plus que son poids : il est refusé par "
    "précaution. Enregistrez-le de nouveau ou envoyez-le en PDF."
)


def test_a_zip_bomb_in_a_docx_is_refused(
    client, sme_user, application_in, private_storage, monkeypatch
):
    # The limit lowered to 1 MB for the test: 4 MB of zeros squeeze into a few kilobytes.
    monkeypatch.setattr(documents, "MAX_UNPACKED_BYTES", 1024 * 1024)
    bomb = office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"0" * 4_000_000})
    assert len(bomb) < 20_000
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)

    response = upload(client, application, bomb, name="plan.docx", kind="kbis")

    refused(response, private_storage, ZIP_BOMB.replace("'", "&#x27;"))


def test_an_archive_of_too_many_entries_is_refused(client, sme_user, application_in):
    many = office({"[Content_Types].xml": b"", **{f"word/{i}.xml": b"" for i in range(2001)}})
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)

    response = upload(client, application, many, name="plan.docx", kind="kbis")

    assert response.status_code == 400
    assert Document.objects.count() == 0


def test_a_zip_that_is_no_office_file_is_refused(client, sme_user, application_in):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)

    response = upload(client, application, office({"setup.exe": ELF}), name="plan.docx")

    assert response.status_code == 400
    assert REFUSED_TYPE in response.content.decode()


def test_no_more_than_the_maximum_of_documents(client, sme_user, application_in, settings):
    settings.DOCUMENT_MAX_PER_APPLICATION = 2
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)
    upload(client, application, PDF)
    upload(client, application, PNG, name="b.png")

    response = upload(client, application, PDF, kind="kbis")

    assert response.status_code == 400
    assert (
        "Cette demande compte déjà 2 documents, le maximum : regroupez les suivants"
        in response.content.decode()
    )
    assert Document.objects.count() == 2


def test_no_file_chosen_says_so(client, sme_user, application_in):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)

    response = client.post(
        reverse("applications:document_upload", args=[application.pk]), {"kind": "kbis"}
    )

    assert response.status_code == 400
    assert "Choisissez le fichier à joindre." in response.content.decode()


# --- Who may attach, who may download ------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("advisor", 403),
        ("staff_user", 403),
        ("interlocutor", 403),
        ("other_sme_user", 404),
        ("other_advisor", 404),
        ("other_interlocutor", 404),
    ],
)
def test_only_the_sme_attaches_documents(request, client, application_in, persona, status):
    application = application_in(State.PROPOSED)
    client.force_login(request.getfixturevalue(persona))

    assert upload(client, application, PDF).status_code == status
    assert Document.objects.count() == 0


def test_no_document_once_the_application_is_closed(client, sme_user, application_in):
    application = application_in(State.REJECTED)
    client.force_login(sme_user)

    assert upload(client, application, PDF).status_code == 403


@pytest.fixture
def attached(client, sme_user, application_in):
    """A business plan attached to an application proposed to the persona interlocutor."""
    application = application_in(State.PROPOSED)
    client.force_login(sme_user)
    upload(client, application, PDF, name="Plan d'affaires.pdf")
    client.logout()
    return Document.objects.get()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("sme_user", 200),
        ("advisor", 200),
        ("staff_user", 200),
        ("interlocutor", 200),  # proposed to them
        ("other_sme_user", 404),
        ("other_advisor", 404),
        ("other_interlocutor", 404),  # never proposed to them
    ],
)
def test_a_document_is_downloaded_by_those_who_may_see_the_application(
    request, client, attached, persona, status
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(attached.get_absolute_url())

    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"] == 'attachment; filename="Plan d\'affaires.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF


def test_an_anonymous_visitor_is_sent_to_log_in(client, attached):
    response = client.get(attached.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_document_of_another_application_is_not_found(client, sme_user, attached, application_in):
    other = application_in(State.IN_REVIEW)
    client.force_login(sme_user)

    url = reverse("applications:document", args=[other.pk, attached.pk])

    assert client.get(url).status_code == 404


def test_behind_nginx_the_transfer_is_handed_over(client, sme_user, attached, settings):
    settings.DOCUMENT_X_ACCEL_PREFIX = "/protected-documents/"
    client.force_login(sme_user)

    response = client.get(attached.get_absolute_url())

    assert response["X-Accel-Redirect"] == "/protected-documents/" + attached.file.name
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_application_page_lists_the_documents(client, staff_user, attached):
    client.force_login(staff_user)

    page = client.get(reverse("applications:detail", args=[attached.application_id]))

    assert attached.get_absolute_url() in page.content.decode()
    assert "Plan d&#x27;affaires.pdf" in page.content.decode()
    assert 'data-testid="document-form"' not in page.content.decode()  # staff do not attach


def test_deleting_a_draft_deletes_its_documents_files(
    client, sme_user, application_in, private_storage, django_capture_on_commit_callbacks
):
    application = application_in(State.DRAFT)
    client.force_login(sme_user)
    upload(client, application, PDF)
    assert len(stored_files(private_storage)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:delete", args=[application.pk]))

    assert response.status_code == 302
    assert Document.objects.count() == 0
    assert stored_files(private_storage) == []
