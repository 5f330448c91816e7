"""The conversation on an application: who may write in it and read it, internal notes that
never leave the staff, documents attached to messages and answers (judged before anything is
stored), what is new since the last visit, one timeline per viewer, the page's queries, and
who is told of a message or a document."""

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from applications import caching, documents, selectors, services, tasks
from applications.enums import Action, DocumentKind, Milestone, State
from applications.models import Document, InformationRequest, Message, Reminder, Visit
from corporations.models import Match
from notifications.enums import Delivery, Kind
from notifications.models import Notification
from tests.factories import (
    CompanyMembershipFactory,
    InterlocutorFactory,
    perform,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# A Windows executable (its "MZ" header) sent under a PDF's name.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200

REFUSED_TYPE = (
    "Ce type de fichier n'est pas accepté : envoyez un PDF, une image PNG ou JPEG, ou un "
    "document Word, Excel ou OpenDocument (DOCX, XLSX, ODT, ODS)."
)
TOO_BIG = "Le fichier pèse 1,5 Mo : 1 Mo au plus."
ZIP_BOMB = (
    "Ce fichier bureautique se décompresse en bien plus que son poids : il est refusé par "
    "précaution. Enregistrez-le de nouveau ou envoyez-le en PDF."
)
CANNOT_WRITE = "Vous ne pouvez pas écrire dans la conversation de ce dossier."

NOTE = "Note interne : la CCI nous signale un contentieux fiscal en cours, à vérifier."
NOTE_FILE = "avis-interne-contentieux.pdf"


def office(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def pdf(name: str = "compte-rendu.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def html(text: str) -> str:
    """A text as the templates write it: apostrophes escaped."""
    return text.replace("'", "&#x27;")


def stored_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def detail_url(application) -> str:
    return reverse("applications:detail", args=[application.pk])


def post_message(client, application, body: str, files=(), **extra):
    data = {"body": body, **extra}
    if files:
        data["attachments"] = list(files)
    return client.post(reverse("applications:message_post", args=[application.pk]), data)


def textarea(page: str, name: str) -> str:
    """The text of a form's textarea, as the page gives it back."""
    [content] = re.findall(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', page, re.S)
    return content


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def notified(source: str) -> list[str]:
    return sorted(Notification.objects.filter(source=source).values_list("user__email", flat=True))


@pytest.fixture
def sme_colleague(company):
    return CompanyMembershipFactory(company=company, user__email="luc.moreau@asconit.example").user


@pytest.fixture
def small_limits(settings, monkeypatch):
    """1 MB a file, 1 MB unpacked for an office file: the refusals at a small cost."""
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    monkeypatch.setattr(documents, "MAX_UNPACKED_BYTES", 1024 * 1024)


# --- Who may write, who may download ----------------------------------------------------------


@pytest.mark.parametrize("persona", ["sme_user", "advisor", "staff_user", "interlocutor"])
def test_a_message_is_posted_by_everyone_in_the_conversation(
    request, client, application_in, persona
):
    application = application_in(State.PROPOSED)
    user = request.getfixturevalue(persona)
    client.force_login(user)

    response = post_message(client, application, "  Point d'étape : rendez-vous le 12 mars.  ")

    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/demandes/{application.pk}/#message-{message.pk}"
    assert (message.application, message.author, message.body, message.is_internal) == (
        application,
        user,
        "Point d'étape : rendez-vous le 12 mars.",
        False,
    )


@pytest.mark.parametrize("persona", ["other_sme_user", "other_advisor", "other_interlocutor"])
def test_a_message_by_someone_outside_the_application_is_not_found(
    request, client, application_in, private_storage, persona
):
    application = application_in(State.PROPOSED)
    client.force_login(request.getfixturevalue(persona))

    response = post_message(client, application, "Bonjour", [pdf()], internal="on")

    assert response.status_code == 404
    assert Message.objects.count() == 0
    assert Document.objects.count() == 0
    assert stored_files(private_storage) == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("sme_user", 403),  # its own draft: it sees it, but nobody talks about a draft
        ("advisor", 404),
        ("staff_user", 404),
        ("interlocutor", 404),
        ("other_sme_user", 404),
    ],
)
def test_nobody_writes_on_a_draft(request, client, application_in, persona, status):
    application = application_in(State.DRAFT)
    client.force_login(request.getfixturevalue(persona))

    response = post_message(client, application, "Bonjour", internal="on")

    assert response.status_code == status
    assert Message.objects.count() == 0


def test_no_message_form_on_a_draft(client, sme_user, application_in):
    application = application_in(State.DRAFT)
    client.force_login(sme_user)

    page = client.get(detail_url(application)).content.decode()

    assert 'data-testid="message-form"' not in page


@pytest.mark.parametrize("state", [State.CLOSED, State.WITHDRAWN, State.REJECTED])
@pytest.mark.parametrize("persona", ["sme_user", "advisor"])
def test_the_conversation_of_a_finished_application_is_closed(
    request, client, application_in, state, persona
):
    application = application_in(state)
    client.force_login(request.getfixturevalue(persona))

    response = post_message(client, application, "Encore une question")

    assert response.status_code == 403
    assert Message.objects.count() == 0


def test_the_interlocutor_who_accompanied_writes_no_more_once_closed(
    client, interlocutor, application_in
):
    application = application_in(State.CLOSED)
    client.force_login(interlocutor)

    assert client.get(detail_url(application)).status_code == 200  # still sees it
    assert post_message(client, application, "Merci à tous").status_code == 403
    assert Message.objects.count() == 0


@pytest.mark.parametrize("state", [State.CLOSED, State.WITHDRAWN, State.REJECTED])
@pytest.mark.parametrize("persona", ["sme_user", "advisor", "staff_user"])
def test_post_message_refuses_a_message_on_a_finished_application(
    request, application_in, state, persona
):
    application = application_in(state)

    with pytest.raises(services.WorkflowError) as refused:
        services.post_message(application.pk, request.getfixturevalue(persona), body="Bonjour")

    assert refused.value.message == CANNOT_WRITE
    assert Message.objects.count() == 0


@pytest.mark.parametrize("state", [State.CLOSED, State.WITHDRAWN, State.REJECTED])
def test_staff_still_write_internal_notes_on_a_finished_application(
    client, staff_user, application_in, state
):
    application = application_in(state)
    client.force_login(staff_user)
    page = client.get(detail_url(application)).content.decode()
    assert "Écrire une note interne" in page

    # The box is ticked and locked: whatever is sent, it is a note.
    response = post_message(client, application, "Bilan : à recontacter dans un an.")

    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/demandes/{application.pk}/#message-{message.pk}"
    assert (message.author, message.body, message.is_internal) == (
        staff_user,
        "Bilan : à recontacter dans un an.",
        True,
    )


def test_staff_write_no_note_on_a_draft(staff_user, application_in):
    application = application_in(State.DRAFT)

    with pytest.raises(services.WorkflowError) as refused:
        services.post_message(application.pk, staff_user, body="Bonjour", internal=True)

    assert refused.value.message == CANNOT_WRITE
    assert Message.objects.count() == 0


@pytest.mark.parametrize("persona", ["sme_user", "advisor", "interlocutor"])
def test_nobody_but_staff_writes_a_note_through_the_service(request, application_in, persona):
    application = application_in(State.PROPOSED)

    with pytest.raises(services.WorkflowError) as refused:
        services.post_message(
            application.pk, request.getfixturevalue(persona), body="Secret", internal=True
        )

    assert refused.value.message == CANNOT_WRITE
    assert Message.objects.count() == 0


def test_an_empty_message_is_refused_and_says_so(client, sme_user, application_in):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)

    response = post_message(client, application, "   ")

    assert response.status_code == 400
    assert "Écrivez votre message." in response.content.decode()
    assert Message.objects.count() == 0


@pytest.fixture
def attachment(sme_user, application_in):
    """A PDF the SME attached to a message on an application proposed to the interlocutor."""
    application = application_in(State.PROPOSED)
    message = services.post_message(
        application.pk, sme_user, body="Voici notre plan.", uploads=[pdf("Plan d'affaires.pdf")]
    )
    return message.attachments.get()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("sme_user", 200),
        ("advisor", 200),
        ("staff_user", 200),
        ("interlocutor", 200),
        ("other_sme_user", 404),
        ("other_advisor", 404),
        ("other_interlocutor", 404),
    ],
)
def test_a_message_attachment_is_downloaded_by_the_conversation_only(
    request, client, attachment, persona, status
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(attachment.get_absolute_url())

    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"] == 'attachment; filename="Plan d\'affaires.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF


def test_an_interlocutor_who_declined_loses_the_conversation(client, interlocutor, attachment):
    perform(Action.DECLINE_MATCH, attachment.application_id, interlocutor)
    client.force_login(interlocutor)

    assert client.get(attachment.get_absolute_url()).status_code == 404
    assert post_message(client, attachment.application, "Et pourtant").status_code == 404
    assert Message.objects.count() == 1


# --- Internal notes stay with the staff ------------------------------------------------------


@pytest.fixture
def noted(application_in, staff_colleague):
    """An application proposed to the interlocutor (staff_user follows its review) on which a
    staff colleague wrote an internal note with a document."""
    application = application_in(State.PROPOSED)
    note = services.post_message(
        application.pk, staff_colleague, body=NOTE, internal=True, uploads=[pdf(NOTE_FILE)]
    )
    return note


@pytest.mark.parametrize("persona", ["sme_user", "advisor", "interlocutor"])
def test_a_note_is_absent_from_the_page_of_anyone_but_staff(request, client, noted, persona):
    document = noted.attachments.get()
    client.force_login(request.getfixturevalue(persona))

    response = client.get(detail_url(noted.application))

    page = response.content.decode()
    assert response.status_code == 200
    assert html(NOTE) not in page
    assert NOTE_FILE not in page
    assert document.get_absolute_url() not in page
    assert f'id="message-{noted.pk}"' not in page
    assert 'data-testid="internal-note"' not in page
    assert [entry.item for entry in response.context["timeline"] if entry.type == "message"] == []
    assert list(response.context["documents"]) == []


@pytest.mark.parametrize("persona", ["staff_user", "admin_user"])
def test_a_note_is_on_the_staff_page(request, client, noted, persona):
    document = noted.attachments.get()
    client.force_login(request.getfixturevalue(persona))

    page = client.get(detail_url(noted.application)).content.decode()

    assert html(NOTE) in page
    assert page.count(document.get_absolute_url()) == 2  # under the note and in the list
    assert page.count('data-testid="internal-note"') == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("sme_user", 404),
        ("advisor", 404),
        ("interlocutor", 404),
        ("staff_user", 200),
        ("staff_colleague", 200),
        ("admin_user", 200),
    ],
)
def test_a_note_document_is_downloaded_by_staff_only(request, client, noted, persona, status):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(noted.attachments.get().get_absolute_url())

    assert response.status_code == status


def test_a_note_is_mailed_and_notified_to_the_review_owner_only(
    committing_client,
    application_in,
    sme_user,
    sme_colleague,
    advisor,
    advisor_colleague,
    staff_user,
    staff_colleague,
    interlocutor,
):
    application = application_in(State.PROPOSED)
    assert application.owner == staff_user
    committing_client.force_login(staff_colleague)

    response = post_message(committing_client, application, NOTE, [pdf(NOTE_FILE)], internal="on")

    note = Message.objects.get()
    assert response.status_code == 302
    assert note.is_internal is True
    assert recipients() == ["julie.petit@pacte-pme.example"]
    [sent] = mail.outbox
    assert sent.subject == (
        "[Pacte PME] Note interne de Hugo Leroy sur la demande de Asconit Consultants"
    )
    assert NOTE in sent.body
    assert notified(f"message:{note.pk}") == ["julie.petit@pacte-pme.example"]
    assert Notification.objects.count() == 1


def test_a_note_without_review_owner_goes_to_every_other_staff_member(
    committing_client,
    application_in,
    sme_user,
    advisor,
    staff_user,
    staff_colleague,
    admin_user,
    interlocutor,
):
    application = application_in(State.AWAITING_SPONSOR)
    assert application.owner is None
    committing_client.force_login(staff_user)

    response = post_message(committing_client, application, NOTE, internal="on")

    note = Message.objects.get()
    assert response.status_code == 302
    assert note.is_internal is True
    assert recipients() == ["hugo.leroy@pacte-pme.example"]
    assert notified(f"message:{note.pk}") == ["hugo.leroy@pacte-pme.example"]
    assert Notification.objects.count() == 1


def test_after_a_note_the_others_mails_never_hold_it(
    committing_client, client, application_in, sme_user, advisor, staff_user, interlocutor
):
    application = application_in(State.PROPOSED)
    committing_client.force_login(staff_user)
    post_message(committing_client, application, NOTE, internal="on")
    assert recipients() == []  # the owner wrote it: no other staff member to tell
    committing_client.force_login(sme_user)

    post_message(committing_client, application, "Nous avons signé le bail à Hanoi.")

    assert recipients() == [
        "julie.petit@pacte-pme.example",
        "sophie.bernard@cci-lyon.example",
        "thomas.lambert@alstom.example",
    ]
    for sent in mail.outbox:
        assert NOTE not in sent.body
        assert NOTE not in sent.alternatives[0][0]
        assert "Nous avons signé le bail à Hanoi." in sent.body
    for user in (sme_user, advisor, interlocutor):
        assert not Notification.objects.filter(user=user, excerpt__contains="contentieux").exists()
        client.force_login(user)
        bell = client.get(reverse("notifications:list")).content.decode()
        assert "contentieux" not in bell
        assert "Note interne" not in bell


@pytest.mark.parametrize("persona", ["sme_user", "advisor", "interlocutor"])
def test_internal_sent_by_someone_else_than_staff_is_an_ordinary_message(
    request, committing_client, application_in, staff_user, persona
):
    application = application_in(State.PROPOSED)
    user = request.getfixturevalue(persona)
    committing_client.force_login(user)

    response = post_message(committing_client, application, "Pour tout le monde", internal="on")

    message = Message.objects.get()
    assert response.status_code == 302
    assert (message.author, message.is_internal) == (user, False)
    # Told to the whole conversation, not only the staff.
    conversation = {
        "sme_user": "claire.martin@asconit.example",
        "advisor": "sophie.bernard@cci-lyon.example",
        "staff_user": "julie.petit@pacte-pme.example",
        "interlocutor": "thomas.lambert@alstom.example",
    }
    del conversation[persona]
    assert notified(f"message:{message.pk}") == sorted(conversation.values())


def test_staff_message_without_the_box_ticked_is_for_everyone(client, staff_user, application_in):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)

    post_message(client, application, "Pour tout le monde")

    assert Message.objects.get().is_internal is False


# --- Documents on messages and answers ----------------------------------------------------------


def bomb() -> bytes:
    # 4 MB of zeros squeeze into a few kilobytes; the limit is lowered to 1 MB.
    content = office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"0" * 4_000_000})
    assert len(content) < 20_000
    return content


REFUSALS = {
    "renamed executable": (lambda: pdf("plan.pdf", EXE), REFUSED_TYPE),
    "too big": (lambda: pdf("plan.pdf", PDF + b"0" * (3 * 1024 * 1024 // 2)), TOO_BIG),
    "zip bomb": (lambda: SimpleUploadedFile("plan.docx", bomb()), ZIP_BOMB),
}


def nothing_stored(private_storage) -> None:
    assert Document.objects.count() == 0
    assert stored_files(private_storage) == []


@pytest.mark.parametrize("refusal", REFUSALS)
def test_a_bad_file_on_a_message_refuses_it_all_and_keeps_the_text(
    client, sme_user, application_in, private_storage, small_limits, refusal
):
    make_file, reason = REFUSALS[refusal]
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)
    body = "Voici le plan d'affaires révisé, avec l'annexe <financière>."

    response = post_message(client, application, body, [make_file()])

    page = response.content.decode()
    assert response.status_code == 400
    assert html(reason) in page
    assert textarea(page, "body") == escape(body)  # as typed, escaped once
    assert Message.objects.count() == 0
    nothing_stored(private_storage)


@pytest.mark.parametrize("refusal", REFUSALS)
def test_a_bad_file_on_an_answer_refuses_it_all_and_keeps_the_answer(
    client, sme_user, application_in, private_storage, small_limits, refusal
):
    make_file, reason = REFUSALS[refusal]
    application = application_in(State.AWAITING_INFORMATION)
    client.force_login(sme_user)

    response = client.post(
        reverse("applications:action", args=[application.pk, Action.ANSWER_INFORMATION]),
        {"answer": "Budget : 150 000 € la première année.", "attachments": [make_file()]},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert html(reason) in page
    assert textarea(page, "answer") == "Budget : 150 000 € la première année."
    nothing_stored(private_storage)
    question = InformationRequest.objects.get()
    assert (question.answer, question.answered_at) == ("", None)
    application.refresh_from_db()
    assert application.state == State.AWAITING_INFORMATION


def test_a_second_bad_file_refuses_the_first_too(client, sme_user, application_in, private_storage):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)

    response = post_message(
        client, application, "Deux pièces", [pdf("bon.pdf"), pdf("virus.pdf", EXE)]
    )

    assert response.status_code == 400
    assert html(f"« virus.pdf » : {REFUSED_TYPE}") in response.content.decode()
    assert Message.objects.count() == 0
    nothing_stored(private_storage)


def test_a_second_bad_file_refuses_the_answer_and_its_first_file(
    client, sme_user, application_in, private_storage
):
    application = application_in(State.AWAITING_INFORMATION)
    client.force_login(sme_user)

    response = client.post(
        reverse("applications:action", args=[application.pk, Action.ANSWER_INFORMATION]),
        {"answer": "Ci-joint", "attachments": [pdf("bon.pdf"), pdf("virus.pdf", EXE)]},
    )

    assert response.status_code == 400
    assert html(f"« virus.pdf » : {REFUSED_TYPE}") in response.content.decode()
    nothing_stored(private_storage)
    assert InformationRequest.objects.get().answered_at is None


def test_more_than_five_files_are_refused(client, sme_user, application_in, private_storage):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)

    response = post_message(
        client, application, "Tout le dossier", [pdf(f"piece-{i}.pdf") for i in range(6)]
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Joignez au plus 5 fichiers à la fois." in page
    assert textarea(page, "body") == "Tout le dossier"
    assert Message.objects.count() == 0
    nothing_stored(private_storage)


def test_more_than_five_files_on_an_answer_are_refused(
    client, sme_user, application_in, private_storage
):
    application = application_in(State.AWAITING_INFORMATION)
    client.force_login(sme_user)

    response = client.post(
        reverse("applications:action", args=[application.pk, Action.ANSWER_INFORMATION]),
        {"answer": "Ci-joint", "attachments": [pdf(f"piece-{i}.pdf") for i in range(6)]},
    )

    assert response.status_code == 400
    assert "Joignez au plus 5 fichiers à la fois." in response.content.decode()
    nothing_stored(private_storage)
    assert InformationRequest.objects.get().answered_at is None


def test_five_files_are_attached_to_the_message(client, sme_user, application_in, private_storage):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)

    response = post_message(
        client, application, "Tout le dossier", [pdf(f"piece-{i}.pdf") for i in range(5)]
    )

    message = Message.objects.get()
    assert response.status_code == 302
    assert [(d.name, d.kind, d.uploaded_by) for d in message.attachments.order_by("pk")] == [
        (f"piece-{i}.pdf", DocumentKind.OTHER, sme_user) for i in range(5)
    ]
    assert len(stored_files(private_storage)) == 5


def test_an_attachment_name_loses_its_folders_and_control_characters(
    client, sme_user, application_in, private_storage
):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)

    response = post_message(client, application, "Le Kbis", [pdf("../../etc/pass\x07wd\x1b.pdf")])

    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.name, document.message, document.content_type, document.size) == (
        "passwd.pdf",
        Message.objects.get(),
        "application/pdf",
        len(PDF),
    )
    [path] = stored_files(private_storage)
    assert path.parent == private_storage / "applications" / str(application.pk)
    assert path.read_bytes() == PDF
    assert "passwd" not in path.name


def test_an_answer_carries_its_documents(client, sme_user, application_in, private_storage):
    application = application_in(State.AWAITING_INFORMATION)
    client.force_login(sme_user)

    response = client.post(
        reverse("applications:action", args=[application.pk, Action.ANSWER_INFORMATION]),
        {
            "answer": "Budget détaillé ci-joint.",
            "attachments": [pdf("..\\budget\x00 2026.pdf")],
        },
    )

    assert response.status_code == 302
    question = InformationRequest.objects.get()
    document = Document.objects.get()
    assert (question.answer, question.answered_by) == ("Budget détaillé ci-joint.", sme_user)
    assert (document.name, document.information_request, document.message) == (
        "budget 2026.pdf",
        question,
        None,
    )
    assert len(stored_files(private_storage)) == 1
    page = client.get(detail_url(application)).content.decode()
    assert page.count(document.get_absolute_url()) == 3  # the answer, the timeline, the list


# --- New since the last visit -----------------------------------------------------------------

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 9:00 in Paris


def test_what_others_did_since_the_last_visit_is_new_once(
    client, sme_user, staff_user, application_in, time_machine
):
    time_machine.move_to(T0, tick=False)
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)
    time_machine.move_to(T0 + timedelta(hours=1), tick=False)
    first = client.get(detail_url(application)).content.decode()
    assert Visit.objects.get(user=sme_user, application=application).seen_at == T0 + timedelta(
        hours=1
    )
    assert 'data-testid="new' not in first  # a first visit: nothing is "new"
    time_machine.move_to(T0 + timedelta(minutes=80), tick=False)
    theirs = services.post_message(application.pk, staff_user, body="Quel budget ?")
    time_machine.move_to(T0 + timedelta(minutes=100), tick=False)
    mine = services.post_message(application.pk, sme_user, body="Je vous réponds demain.")
    # Within the 2 hours a session lasts without a request.
    time_machine.move_to(T0 + timedelta(minutes=120), tick=False)

    second = client.get(detail_url(application))

    page = second.content.decode()
    assert page.count('data-testid="new"') == 1
    assert second.context["new_count"] == 1
    assert re.findall(r'data-testid="new-count">([^<]*)</a>', page) == [
        "1 nouveauté depuis votre dernière visite (02/03/2026 10:00)"
    ]
    assert [(entry.item, entry.is_new) for entry in second.context["timeline"][-2:]] == [
        (theirs, True),
        (mine, False),
    ]
    theirs_entry = page.split(f'id="message-{theirs.pk}"')[1].split("</li>")[0]
    assert 'data-testid="new"' in theirs_entry and 'id="first-new"' in theirs_entry
    assert Visit.objects.get(user=sme_user, application=application).seen_at == T0 + timedelta(
        minutes=120
    )

    time_machine.move_to(T0 + timedelta(minutes=150), tick=False)
    third = client.get(detail_url(application))

    assert 'data-testid="new' not in third.content.decode()
    assert third.context["new_count"] == 0


def test_a_visit_marks_that_application_notifications_read(
    client, sme_user, staff_user, application_in, django_capture_on_commit_callbacks
):
    application = application_in(State.IN_REVIEW)
    other = application_in(State.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        message = services.post_message(application.pk, staff_user, body="Quel budget ?")
        services.post_message(other.pk, staff_user, body="Et pour l'autre ?")
    client.force_login(sme_user)
    dashboard = client.get(reverse("applications:dashboard")).content.decode()
    assert re.findall(r'data-testid="unread-count">(\d+)<', dashboard) == ["2"]

    page = client.get(detail_url(application)).content.decode()

    assert re.findall(r'data-testid="unread-count">(\d+)<', page) == ["1"]
    read = Notification.objects.get(user=sme_user, source=f"message:{message.pk}")
    assert read.read_at is not None
    assert Notification.objects.filter(user=sme_user, read_at__isnull=True).count() == 1
    assert Notification.objects.get(user=sme_user, read_at__isnull=True).application == other


def test_a_reload_with_nothing_new_writes_nothing_but_news_moves_the_visit(
    client, sme_user, staff_user, application_in, time_machine
):
    time_machine.move_to(T0, tick=False)
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)
    time_machine.move_to(T0 + timedelta(seconds=10), tick=False)
    client.get(detail_url(application))  # writes the visit
    time_machine.move_to(T0 + timedelta(seconds=20), tick=False)

    with CaptureQueriesContext(connection) as reload:
        client.get(detail_url(application))

    written = [q["sql"] for q in reload.captured_queries if not q["sql"].startswith("SELECT")]
    assert written == []  # nor the visit, nor the notifications (none unread)
    assert Visit.objects.get(user=sme_user, application=application).seen_at == T0 + timedelta(
        seconds=10
    )
    # News in the same minute: the next visit is written, and their notification read.
    time_machine.move_to(T0 + timedelta(seconds=30), tick=False)
    message = services.post_message(application.pk, staff_user, body="Quel budget ?")
    Notification.objects.create(
        user=sme_user, application=application, kind=Kind.MESSAGE, source="test:news"
    )
    time_machine.move_to(T0 + timedelta(seconds=40), tick=False)
    page = client.get(detail_url(application))
    assert [entry.item for entry in page.context["timeline"] if entry.is_new] == [message]
    assert Visit.objects.get(user=sme_user, application=application).seen_at == T0 + timedelta(
        seconds=40
    )
    assert not Notification.objects.filter(user=sme_user, read_at__isnull=True).exists()
    # The next minute, a reload writes the visit again: "since your last visit" stays true.
    time_machine.move_to(T0 + timedelta(seconds=70), tick=False)
    client.get(detail_url(application))
    assert Visit.objects.get(user=sme_user, application=application).seen_at == T0 + timedelta(
        seconds=70
    )


# --- One timeline per viewer ----------------------------------------------------------------


@pytest.fixture
def story(application_in, alstom, sme_user, advisor, staff_user, interlocutor, time_machine):
    """An application proposed to an Alstom colleague (who declined), then to the persona
    interlocutor, with a document, messages, a note and every kind of reminder, an hour
    apart."""
    clock = iter(T0 + timedelta(hours=hour) for hour in range(30))
    time_machine.move_to(next(clock), tick=False)
    application = application_in(State.IN_REVIEW)
    colleague = InterlocutorFactory(corporation=alstom, countries=["VN"]).user
    time_machine.move_to(next(clock), tick=False)
    services.propose(application.pk, staff_user, interlocutor=colleague.interlocutor)
    first_proposal = Match.objects.get(interlocutor__user=colleague).created_at
    time_machine.move_to(next(clock), tick=False)
    perform(Action.DECLINE_MATCH, application.pk, colleague)
    time_machine.move_to(next(clock), tick=False)
    services.attach_document(application.pk, sme_user, kind="kbis", upload=pdf("kbis.pdf"))
    time_machine.move_to(next(clock), tick=False)
    services.post_message(
        application.pk, staff_user, body="Compte rendu", uploads=[pdf("compte-rendu.pdf")]
    )
    time_machine.move_to(next(clock), tick=False)
    services.post_message(application.pk, staff_user, body="Note", internal=True)
    time_machine.move_to(next(clock), tick=False)
    services.propose(application.pk, staff_user, interlocutor=interlocutor.interlocutor)
    second_proposal = Match.objects.get(interlocutor__user=interlocutor).created_at
    for milestone, cycle in [
        (Milestone.SPONSOR_REMINDER, application.submitted_at),
        (Milestone.SPONSOR_ALERT, application.submitted_at),
        (Milestone.REVIEW_REMINDER, application.endorsed_at),
        (Milestone.REVIEW_OVERDUE, application.endorsed_at),
        (Milestone.INTERLOCUTOR_REMINDER, first_proposal),
        (Milestone.PROPOSAL_EXPIRED, first_proposal),
        (Milestone.INTERLOCUTOR_REMINDER, second_proposal),
        (Milestone.SME_REMINDER, T0),
        (Milestone.SME_ALERT, T0),
    ]:
        Reminder.objects.create(
            application=application, milestone=milestone, cycle=cycle, created_at=next(clock)
        )
    time_machine.move_to(next(clock), tick=False)
    services.post_message(application.pk, advisor, body="La CCI suit le dossier.")
    application.refresh_from_db()
    return application


def describe(entry) -> tuple:
    item = entry.item
    if entry.type == "event":
        return ("event", item.action)
    if entry.type == "message":
        return ("message", item.body)
    if entry.type == "document":
        return ("document", item.name)
    return ("reminder", item.milestone, item.cycle)


def test_staff_see_the_whole_story_in_order(staff_user, story):
    entries = selectors.timeline(staff_user, story)

    first_proposal, second_proposal = Match.objects.order_by("pk").values_list(
        "created_at", flat=True
    )
    assert [describe(entry) for entry in entries] == [
        ("event", Action.SUBMIT),
        ("event", Action.ENDORSE),
        ("event", Action.PROPOSE),
        ("event", Action.DECLINE_MATCH),
        ("document", "kbis.pdf"),
        ("message", "Compte rendu"),
        ("message", "Note"),
        ("event", Action.PROPOSE),
        ("reminder", Milestone.SPONSOR_REMINDER, story.submitted_at),
        ("reminder", Milestone.SPONSOR_ALERT, story.submitted_at),
        ("reminder", Milestone.REVIEW_REMINDER, story.endorsed_at),
        ("reminder", Milestone.REVIEW_OVERDUE, story.endorsed_at),
        ("reminder", Milestone.INTERLOCUTOR_REMINDER, first_proposal),
        # The expiry of a proposal shows as its event, not as a reminder.
        ("reminder", Milestone.INTERLOCUTOR_REMINDER, second_proposal),
        ("reminder", Milestone.SME_REMINDER, T0),
        ("reminder", Milestone.SME_ALERT, T0),
        ("message", "La CCI suit le dossier."),
    ]
    assert [entry.at for entry in entries] == sorted(entry.at for entry in entries)


@pytest.mark.parametrize(
    ("persona", "reminders"),
    [
        ("sme_user", [Milestone.SME_REMINDER]),
        ("advisor", [Milestone.SPONSOR_REMINDER]),
        ("interlocutor", [Milestone.INTERLOCUTOR_REMINDER]),
    ],
)
def test_each_sees_the_story_without_notes_and_with_their_own_reminders(
    request, story, persona, reminders
):
    user = request.getfixturevalue(persona)

    entries = selectors.timeline(user, story)

    second_proposal = Match.objects.get(interlocutor__user__email="thomas.lambert@alstom.example")
    cycles = {
        Milestone.SME_REMINDER: T0,
        Milestone.SPONSOR_REMINDER: story.submitted_at,
        Milestone.INTERLOCUTOR_REMINDER: second_proposal.created_at,
    }
    expected_reminders = [("reminder", milestone, cycles[milestone]) for milestone in reminders]
    described = [describe(entry) for entry in entries]
    assert described == [
        ("event", Action.SUBMIT),
        ("event", Action.ENDORSE),
        ("event", Action.PROPOSE),
        ("event", Action.DECLINE_MATCH),
        ("document", "kbis.pdf"),
        ("message", "Compte rendu"),
        ("event", Action.PROPOSE),
        *expected_reminders,
        ("message", "La CCI suit le dossier."),
    ]


def test_the_page_shows_the_timeline_of_its_viewer(client, sme_user, story):
    client.force_login(sme_user)

    page = client.get(detail_url(story)).content.decode()

    assert re.findall(r'data-testid="entry-(\w+)"', page) == [
        "event",
        "event",
        "event",
        "event",
        "document",
        "message",
        "event",
        "reminder",
        "message",
    ]
    assert "Relance envoyée : Relance de la PME" in page
    assert "Relance du parrain" not in page
    assert page.count('data-testid="attachments"') == 1
    assert ">compte-rendu.pdf</a>" in page


# --- The page's queries -----------------------------------------------------------------------


def _queries(client, application) -> int:
    """The queries of the page worked out again, not kept in the cache (`caching`)."""
    caching.applications_changed(application.pk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(detail_url(application))
    assert response.status_code == 200
    return len(queries)


def _write(application, sme_user, staff_user, advisor, rounds: int) -> None:
    for i in range(rounds):
        services.post_message(
            application.pk, sme_user, body=f"Question {i}", uploads=[pdf(f"q{i}.pdf")]
        )
        services.post_message(application.pk, advisor, body=f"Avis {i}", uploads=[pdf(f"a{i}.pdf")])
        services.post_message(application.pk, staff_user, body=f"Note {i}", internal=True)


@pytest.mark.parametrize("persona", ["sme_user", "advisor", "staff_user", "interlocutor"])
def test_the_page_makes_as_many_queries_for_one_message_as_for_many(
    request, client, application_in, sme_user, staff_user, advisor, settings, persona
):
    settings.DOCUMENT_MAX_PER_APPLICATION = 40
    application = application_in(State.PROPOSED)
    client.force_login(request.getfixturevalue(persona))
    _write(application, sme_user, staff_user, advisor, 1)
    client.get(detail_url(application))  # the first visit writes its row
    one = _queries(client, application)

    _write(application, sme_user, staff_user, advisor, 9)
    # Both measured on a reload: the visit after news writes its row again (and reads the
    # notifications), a reload with nothing new since writes nothing.
    client.get(detail_url(application))
    many = _queries(client, application)

    assert Message.objects.count() == 30
    assert Document.objects.count() == 20
    assert many == one


# --- Who is told of a message or a document -------------------------------------------------------


@pytest.fixture
def everyone(
    sme_user,
    sme_colleague,
    other_sme_user,
    advisor,
    advisor_colleague,
    other_advisor,
    staff_user,
    staff_colleague,
    admin_user,
    interlocutor,
    other_interlocutor,
):
    """Every persona exists, so that a notification to the wrong one would show; and an
    inactive member of company A, who is told nothing."""
    CompanyMembershipFactory(
        company=sme_user.company_membership.company,
        user__email="ancien@asconit.example",
        user__is_active=False,
    )


SME = ["claire.martin@asconit.example", "luc.moreau@asconit.example"]
SPONSOR = ["paul.roche@cci-lyon.example", "sophie.bernard@cci-lyon.example"]
OWNER = ["julie.petit@pacte-pme.example"]
ALL_STAFF = ["hugo.leroy@pacte-pme.example", "julie.petit@pacte-pme.example"]
INTERLOCUTOR = ["thomas.lambert@alstom.example"]


@pytest.mark.parametrize(
    ("state", "author", "told"),
    [
        # Before the endorsement nobody follows the review: every staff member is told.
        (State.AWAITING_SPONSOR, "sme_user", ["luc.moreau@asconit.example", *SPONSOR, *ALL_STAFF]),
        (State.IN_REVIEW, "sme_user", ["luc.moreau@asconit.example", *SPONSOR, *OWNER]),
        (
            State.PROPOSED,
            "sme_user",
            ["luc.moreau@asconit.example", *SPONSOR, *OWNER, *INTERLOCUTOR],
        ),
        (
            State.ACCOMPANIED,
            "sme_user",
            ["luc.moreau@asconit.example", *SPONSOR, *OWNER, *INTERLOCUTOR],
        ),
        (State.PROPOSED, "staff_user", [*SME, *SPONSOR, *INTERLOCUTOR]),
        (
            State.PROPOSED,
            "advisor",
            [*SME, "paul.roche@cci-lyon.example", *OWNER, *INTERLOCUTOR],
        ),
        (State.ACCOMPANIED, "interlocutor", [*SME, *SPONSOR, *OWNER]),
    ],
)
def test_a_message_is_told_to_the_conversation_but_its_author(
    request, committing_client, application_in, everyone, state, author, told
):
    application = application_in(state)
    user = request.getfixturevalue(author)
    committing_client.force_login(user)

    post_message(committing_client, application, "Le bail est signé.")

    message = Message.objects.get()
    source = f"message:{message.pk}"
    assert notified(source) == sorted(told)
    assert set(Notification.objects.filter(source=source).values_list("kind", "delivery")) == {
        (Kind.MESSAGE, Delivery.IMMEDIATE)
    }
    assert Notification.objects.filter(source=source, mailed_at__isnull=True).count() == 0
    assert recipients() == sorted(told)
    name = user.get_full_name()
    assert {sent.subject for sent in mail.outbox} == {
        f"[Pacte PME] Nouveau message de {name} sur la demande de Asconit Consultants"
    }
    assert all("Le bail est signé." in sent.body for sent in mail.outbox)
    assert all(
        f"/demandes/{application.pk}/#message-{message.pk}" in sent.body for sent in mail.outbox
    )


def test_a_message_is_mailed_once_however_often_its_task_runs(
    committing_client, application_in, everyone, sme_user, django_capture_on_commit_callbacks
):
    application = application_in(State.PROPOSED)
    committing_client.force_login(sme_user)
    post_message(committing_client, application, "Le bail est signé.")
    message = Message.objects.get()
    assert len(mail.outbox) == 5

    with django_capture_on_commit_callbacks(execute=True):
        queued = tasks.send_message_notifications(message_id=message.pk)

    assert queued == 0
    assert len(mail.outbox) == 5
    assert Notification.objects.filter(source=f"message:{message.pk}").count() == 5


def test_a_document_of_the_sme_is_told_for_the_digest(
    committing_client, application_in, everyone, sme_user
):
    application = application_in(State.PROPOSED)
    committing_client.force_login(sme_user)

    response = committing_client.post(
        reverse("applications:document_upload", args=[application.pk]),
        {"kind": DocumentKind.KBIS, "file": pdf("kbis.pdf")},
    )

    assert response.status_code == 302
    document = Document.objects.get()
    notifications = Notification.objects.filter(source=f"document:{document.pk}")
    assert notified(f"document:{document.pk}") == sorted(
        ["luc.moreau@asconit.example", *SPONSOR, *OWNER, *INTERLOCUTOR]
    )
    assert set(notifications.values_list("kind", "delivery", "mailed_at", "title", "url")) == {
        (
            Kind.DOCUMENT,
            Delivery.DIGEST,
            None,
            "Claire Martin a joint « kbis.pdf » à la demande de Asconit Consultants",
            f"/demandes/{application.pk}/#documents",
        )
    }
    assert mail.outbox == []


def test_a_document_attached_to_a_draft_is_told_to_the_sme_colleagues_only(
    committing_client, application_in, everyone, sme_user
):
    # Staff, advisors and interlocutors cannot open a draft: telling them of its documents
    # would send them a title they should not read and a link that is not found.
    application = application_in(State.DRAFT)
    committing_client.force_login(sme_user)

    response = committing_client.post(
        reverse("applications:document_upload", args=[application.pk]),
        {"kind": DocumentKind.KBIS, "file": pdf("kbis.pdf")},
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert notified(f"document:{document.pk}") == ["luc.moreau@asconit.example"]
    assert mail.outbox == []


def test_an_interlocutor_reads_the_notes_of_their_own_proposal_only(
    application_in, alstom, staff_user, interlocutor
):
    application = application_in(State.IN_REVIEW)
    colleague = InterlocutorFactory(corporation=alstom, countries=["VN"]).user
    services.propose(
        application.pk, staff_user, interlocutor=colleague.interlocutor, note="Pour le collègue"
    )
    services.decline_match(application.pk, colleague, reason="Pas ce trimestre")
    services.propose(
        application.pk, staff_user, interlocutor=interlocutor.interlocutor, note="Pour vous"
    )

    def notes(user) -> str:
        return " | ".join(
            entry.item.note
            for entry in selectors.timeline(user, application)
            if entry.type == "event"
        )

    assert "Pour le collègue" not in notes(interlocutor)
    assert "Pas ce trimestre" not in notes(interlocutor)
    assert "Pour vous" in notes(interlocutor)
    for text in ["Pour le collègue", "Pas ce trimestre", "Pour vous"]:
        assert text in notes(staff_user)


def test_note_documents_never_use_up_what_the_sme_may_attach(
    settings, sme_user, staff_user, application_in
):
    settings.DOCUMENT_MAX_PER_APPLICATION = 2
    application = application_in(State.IN_REVIEW)
    services.post_message(
        application.pk, staff_user, body="Avis", internal=True, uploads=[pdf("a.pdf"), pdf()]
    )

    for name in ["plan.pdf", "kbis.pdf"]:
        services.attach_document(application.pk, sme_user, kind="other", upload=pdf(name))
    with pytest.raises(services.DocumentRefused) as sme_refused:
        services.attach_document(application.pk, sme_user, kind="other", upload=pdf("c.pdf"))
    with pytest.raises(services.DocumentRefused) as note_refused:
        services.post_message(
            application.pk, staff_user, body="Encore", internal=True, uploads=[pdf("d.pdf")]
        )

    expected = (
        "Cette demande compte déjà 2 documents, le maximum : regroupez les suivants dans un "
        "seul PDF."
    )
    assert sme_refused.value.message == expected
    assert note_refused.value.message == expected
    assert Document.objects.count() == 4


# --- A message while a question waits for the SME's answer ------------------------------------


def test_a_message_while_an_answer_is_owed_asks_whether_it_is_the_answer(
    client, sme_user, application_in
):
    application = application_in(State.AWAITING_INFORMATION)
    client.force_login(sme_user)

    response = post_message(client, application, "Nous vous envoyons le budget demain.")

    page = response.content.decode()
    assert response.status_code == 400
    assert html("Dites si ce message est votre réponse à la demande de compléments.") in page
    assert textarea(page, "body") == "Nous vous envoyons le budget demain."
    assert Message.objects.count() == 0
    assert html("Ce message répond-il à la demande de compléments ?") in page


def test_a_message_said_to_be_the_answer_answers_and_resumes_the_clock(
    client, sme_user, application_in
):
    application = application_in(State.AWAITING_INFORMATION)
    client.force_login(sme_user)

    response = client.post(
        reverse("applications:message_post", args=[application.pk]),
        {"body": "Budget : 150 000 € la première année.", "is_answer": "True"},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW
    question = InformationRequest.objects.get()
    assert (question.answer, question.answered_by) == (
        "Budget : 150 000 € la première année.",
        sme_user,
    )
    assert Message.objects.count() == 0


def test_a_message_said_not_to_be_the_answer_leaves_the_clock_paused(
    client, sme_user, application_in
):
    application = application_in(State.AWAITING_INFORMATION)
    client.force_login(sme_user)

    response = client.post(
        reverse("applications:message_post", args=[application.pk]),
        {"body": "Nous vous envoyons le budget demain.", "is_answer": "False"},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.AWAITING_INFORMATION
    assert Message.objects.get().body == "Nous vous envoyons le budget demain."
    assert InformationRequest.objects.get().answered_at is None


@pytest.mark.parametrize("persona", ["advisor", "staff_user"])
def test_only_the_sme_is_asked_whether_a_message_is_the_answer(
    request, client, application_in, persona
):
    application = application_in(State.AWAITING_INFORMATION)
    client.force_login(request.getfixturevalue(persona))

    response = post_message(client, application, "Point d'étape.")

    assert response.status_code == 302
    assert Message.objects.get().body == "Point d'étape."
    application.refresh_from_db()
    assert application.state == State.AWAITING_INFORMATION
