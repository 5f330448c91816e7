"""The programme's founding story, clicked through by the four people who live it.

Asconit Consultants files a request to settle in Hanoi, its CCI sponsors it, the association
proposes it to Alstom's interlocutor for Vietnam, who accepts to accompany it. Then the same
dossier worked on together: documents, a question and its answer, messages, an internal note
the SME and the corporation never see, the bell, and what is new since one's last visit. Each
step goes through the real pages and is checked on what the person sees.
"""

from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from applications.enums import Action, DocumentKind, State
from applications.models import Application, Document
from corporations.enums import MatchStatus
from notifications.models import Notification
from tests.factories import HostingOfferFactory

pytestmark = [
    pytest.mark.browser,
    # The live server reads the data from another thread: it must be committed. The flush at
    # the end would also empty the NAF sectors loaded by a migration; put them back.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CCI_NAME = "CCI Lyon Métropole Saint-Étienne Roanne"
PROPOSAL_NOTE = "Projet cohérent avec vos activités à Hanoi : deux ingénieurs à héberger."
DESCRIPTION = (
    "Bureau d'études en ingénierie environnementale (eau, déchets, biodiversité), nous voulons "
    "nous implanter à Hanoi pour suivre les projets de traitement de l'eau au Vietnam, comme "
    "Asconit l'a fait en 2007 avec Alstom : un hébergement rapide et la connaissance de la "
    "réglementation, du marché et des décideurs vietnamiens."
)


def test_journey_asconit_accompanied_by_alstom_in_hanoi(
    journey,
    company,
    sme_user,
    sponsor_body,
    advisor,
    staff_user,
    alstom,
    interlocutor,
    other_corporation,
):
    hanoi_offer = HostingOfferFactory(corporation=alstom, country="VN", city="Hanoi", desks=4)
    page = journey.page
    state = page.get_by_test_id("state")
    alert = page.get_by_role("alert")
    assert not Application.objects.exists()

    # (a) The SME describes its project, is told what is missing, then sends it to its CCI.
    journey.log_in(sme_user)
    expect(page.get_by_role("heading", level=1)).to_have_text("Les demandes de Asconit Consultants")
    expect(page.locator("main")).to_contain_text("Vous n'avez pas encore de demande.")
    journey.shot("sme-dashboard-empty")

    page.locator("main").get_by_role("link", name="Nouvelle demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle demande de portage")
    page.get_by_role("combobox", name="Pays cible").fill("viet")  # the searchable picker
    page.get_by_role("option", name="Viêt Nam").click()
    expect(page.locator("#id_target_country option:checked")).to_have_text("Viêt Nam")
    page.get_by_label("Ville (facultatif)").fill("Hanoi")
    page.get_by_label("Conseil et définition de stratégie").check()
    page.get_by_label("Hébergement (portage abri)").check()
    page.get_by_label("Maturité du projet").select_option(value="prospecting")
    page.get_by_label("Description du projet").fill(DESCRIPTION)
    page.get_by_label("Dont VIE").fill("1")
    journey.shot("sme-form-filled-without-desks")
    page.get_by_role("button", name="Enregistrer et choisir le parrain").click()

    expect(alert).to_contain_text("La demande n'est pas encore enregistrée")
    expect(page.locator("main")).to_contain_text(
        "Indiquez combien de postes de travail vous souhaitez faire héberger."
    )
    expect(page.get_by_label("Description du projet")).to_have_value(DESCRIPTION)
    expect(page.get_by_label("Hébergement (portage abri)")).to_be_checked()
    journey.shot("sme-form-error-desks")
    assert not Application.objects.exists()

    page.get_by_label("Nombre de postes de travail").fill("2")
    page.get_by_role("button", name="Enregistrer et choisir le parrain").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Soumettre la demande PPI-")
    page.get_by_label(CCI_NAME).check()
    journey.shot("sme-choose-sponsor")
    page.get_by_role("button", name="Envoyer au parrain").click()

    expect(alert).to_contain_text(f"Votre demande est envoyée à {CCI_NAME} pour parrainage.")
    expect(state).to_have_text("En attente de parrainage")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Asconit Consultants — Hanoi, Viêt Nam"
    )
    application = Application.objects.get()
    reference = application.reference
    journey.shot("sme-submitted")
    journey.log_out()

    # (b) The CCI advisor finds it among the requests to sponsor, and sponsors it.
    journey.log_in(advisor)
    expect(page.get_by_role("heading", level=1)).to_have_text("Demandes à parrainer")
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Asconit Consultants")
    expect(row).to_contain_text("Hanoi, Viêt Nam")
    expect(row.get_by_test_id("state")).to_have_text("En attente de parrainage")
    journey.shot("advisor-queue")
    row.get_by_role("link", name=reference).click()
    expect(state).to_have_text("En attente de parrainage")
    form = journey.open_action("endorse")
    form.get_by_label("Commentaire pour l'équipe Pacte PME").fill(
        "Entreprise connue de la CCI, projet sérieux."
    )
    journey.shot("advisor-endorse-form")
    page.get_by_test_id("submit-endorse").click()

    expect(alert).to_contain_text("Demande parrainée : elle part en instruction chez Pacte PME.")
    expect(state).to_have_text("En instruction")
    journey.shot("advisor-endorsed")
    journey.log_out()

    # (c) The association reads the ranking for Vietnam and proposes it to Alstom's
    # interlocutor, with Alstom's desks in Hanoi.
    journey.log_in(staff_user)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers en instruction")
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Asconit Consultants")
    expect(row.get_by_test_id("state")).to_have_text("En instruction")
    journey.shot("staff-queue")
    row.get_by_role("link", name=reference).click()
    expect(state).to_have_text("En instruction")
    ranking = page.get_by_test_id("ranking")
    expect(ranking.get_by_role("heading", level=2)).to_have_text(
        "Correspondants pour ce dossier : Viêt Nam"
    )
    expect(ranking.get_by_test_id("nearby-only")).to_have_count(0)
    available = ranking.get_by_test_id("ranking-available").locator("tbody tr")
    expect(available).to_have_count(1)
    first = available.first
    expect(first).to_contain_text("Thomas Lambert")
    expect(first).to_contain_text("Alstom")
    expect(first).to_contain_text("Présent à Hanoi.")
    expect(first).to_contain_text("Même métier sur place (NAF 71).")
    expect(first).to_contain_text("Hébergement possible à Hanoi : 4 postes libres.")
    expect(ranking).not_to_contain_text(other_corporation.name)
    first.get_by_role("button", name="Proposer").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_focused()  # Bootstrap focuses it once it has faded in
    expect(dialog.get_by_role("heading")).to_have_text(
        "Proposer le dossier à Thomas Lambert (Alstom)"
    )
    dialog.get_by_label("Message au correspondant (facultatif)").fill(PROPOSAL_NOTE)
    journey.shot("staff-propose-form")
    dialog.get_by_role("button", name="Proposer le dossier").click()

    expect(alert).to_contain_text("Dossier proposé au correspondant.")
    expect(state).to_have_text("Proposée à un grand groupe")
    journey.shot("staff-proposed")
    journey.log_out()

    # (d) Alstom's interlocutor for Vietnam accepts to accompany the SME.
    journey.log_in(interlocutor)
    proposals = page.get_by_test_id("proposals")
    expect(proposals).to_contain_text("Asconit Consultants")
    expect(proposals).to_contain_text(reference)
    journey.shot("interlocutor-proposals")
    proposals.get_by_role("link", name="Asconit Consultants").click()
    expect(state).to_have_text("Proposée à un grand groupe")
    journey.open_action("accept_match")
    journey.shot("interlocutor-accept-form")
    page.get_by_test_id("submit-accept_match").click()

    expect(alert).to_contain_text("Vous accompagnez désormais cette PME.")
    expect(state).to_have_text("Accompagnée")
    page.get_by_role("link", name="Dossiers proposés et suivis").click()
    expect(page.get_by_test_id("proposals")).to_contain_text("Aucune proposition en attente.")
    followed = page.get_by_test_id("followed").get_by_role("row").filter(has_text=reference)
    expect(followed).to_contain_text("Asconit Consultants")
    expect(followed.get_by_test_id("state")).to_have_text("Accompagnée")
    journey.shot("interlocutor-followed")
    journey.log_out()

    # (e) The SME sees it is accompanied, and by whom, and the steps that led there.
    journey.log_in(sme_user)
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row.get_by_test_id("state")).to_have_text("Accompagnée")
    journey.shot("sme-dashboard-accompanied")
    row.get_by_role("link", name=reference).click()
    expect(state).to_have_text("Accompagnée")
    mentor = page.locator("section", has=page.get_by_role("heading", name="Accompagnement"))
    expect(mentor).to_contain_text("Alstom")
    expect(mentor).to_contain_text("Thomas Lambert")
    steps = page.get_by_test_id("timeline").locator("li strong")
    expect(steps).to_have_text(
        [
            "Création",
            "Soumettre au parrain",
            "Parrainer",
            "Proposer à un correspondant",
            "Accepter l'accompagnement",
        ]
    )
    expect(page.get_by_test_id("timeline")).to_contain_text("→ Accompagnée")
    journey.shot("sme-detail-accompanied")

    application.refresh_from_db()
    assert application.state == State.ACCOMPANIED
    assert application.company == company
    assert application.sponsor_body == sponsor_body
    assert (application.target_country.code, application.target_city) == ("VN", "Hanoi")
    assert (application.wants_advice, application.wants_hosting, application.wants_commercial) == (
        True,
        True,
        False,
    )
    assert (application.hosting_desks, application.hosting_vie_count) == (2, 1)
    assert application.description == DESCRIPTION
    assert list(application.events.order_by("created_at", "pk").values_list("action", "actor")) == [
        ("create", sme_user.pk),
        ("submit", sme_user.pk),
        ("endorse", advisor.pk),
        ("propose", staff_user.pk),
        ("accept_match", interlocutor.pk),
    ]
    match = application.matches.get()
    assert (
        match.interlocutor.user,
        match.status,
        match.note,
        match.off_list_reason,
        match.hosting_offer,
        match.reserved_desks,
    ) == (interlocutor, MatchStatus.ACCEPTED, PROPOSAL_NOTE, "", hanoi_offer, 2)
    hanoi_offer.refresh_from_db()
    assert (hanoi_offer.desks, hanoi_offer.reserved_desks) == (4, 2)
    recipients = [address for message in mail.outbox for address in message.to]
    assert advisor.email in recipients
    assert {sme_user.email, staff_user.email, interlocutor.email} <= set(recipients)
    assert all(reference in message.subject for message in mail.outbox)


# --- Working on a dossier together ------------------------------------------------------------

QUESTION = "Pouvez-vous préciser votre prévisionnel de chiffre d'affaires au Vietnam ?"
NOTE = "Note interne : la CCI signale un contentieux fiscal en cours, à vérifier avant de proposer."
ANSWER = "Voici notre prévisionnel sur trois ans, validé par notre expert-comptable."
SME_MESSAGE = "Nous joignons aussi le plan des bureaux envisagés à Hanoi."
BUSINESS_PLAN = "business-plan-asconit-2026.pdf"
NOTE_FILE = "avis-interne-contentieux.pdf"
ANSWER_FILE = "previsionnel-vietnam.pdf"
MESSAGE_FILE = "plan-bureaux-hanoi.pdf"


def pdf(title: str) -> bytes:
    """A small valid PDF, its title in it: each file's bytes tell which one was downloaded."""
    return (
        b"%PDF-1.4\n1 0 obj << /Title (" + title.encode() + b") >> endobj\n"
        b"trailer << /Info 1 0 R >>\n%%EOF\n"
    )


def upload(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf(name)}


def test_journey_working_on_a_dossier_together(
    journey, application_in, sme_user, advisor, staff_user, interlocutor
):
    # Submitted by the SME and sponsored by its CCI (the journey above clicks through that).
    application = application_in(State.IN_REVIEW)
    reference = application.reference
    page = journey.page
    state = page.get_by_test_id("state")
    alert = page.get_by_role("alert")
    bell = page.get_by_test_id("bell")
    unread = bell.get_by_test_id("unread-count")
    documents = page.get_by_test_id("documents")
    timeline = page.get_by_test_id("timeline")
    new_entries = timeline.locator("[data-testid^=entry-]", has=page.get_by_test_id("new"))

    # (a) The SME attaches its business plan.
    journey.log_in(sme_user)
    page.get_by_role("row").filter(has_text=reference).get_by_role("link", name=reference).click()
    expect(state).to_have_text("En instruction")
    expect(page.get_by_test_id("new-count")).to_have_count(0)  # a first visit: nothing is "new"
    form = page.get_by_test_id("document-form")
    form.get_by_label("Nature du document").select_option("business_plan")
    form.get_by_label("Fichier").set_input_files(upload(BUSINESS_PLAN))
    journey.shot("sme-business-plan-form")
    form.get_by_role("button", name="Joindre").click()

    expect(alert).to_contain_text(f"« {BUSINESS_PLAN} » est joint à la demande.")
    expect(documents.get_by_role("link", name=BUSINESS_PLAN)).to_be_visible()
    expect(documents).to_contain_text("Business plan")
    expect(timeline.get_by_test_id("entry-document")).to_contain_text(BUSINESS_PLAN)
    journey.shot("sme-business-plan-attached")
    journey.log_out()

    # (b) Staff are told of the business plan; they ask the SME a question, and keep a note
    # for the team, with a document, in the conversation.
    journey.log_in(staff_user)
    expect(unread).to_have_text("2")  # the endorsement and the business plan
    page.get_by_role("row").filter(has_text=reference).get_by_role("link", name=reference).click()
    expect(unread).to_have_count(0)  # opening the dossier reads what was about it
    expect(documents.get_by_role("link", name=BUSINESS_PLAN)).to_be_visible()
    form = journey.open_action("request_information")
    form.get_by_label("Question à la PME").fill(QUESTION)
    journey.shot("staff-question-form")
    page.get_by_test_id("submit-request_information").click()

    expect(alert).to_contain_text("Question envoyée à la PME. Le délai d'instruction est suspendu.")
    expect(state).to_have_text("En attente de compléments")
    form = page.get_by_test_id("message-form")
    form.locator("#id_message_body").fill(NOTE)
    form.locator("#id_message_internal").check()
    form.locator("#id_message_attachments").set_input_files(upload(NOTE_FILE))
    journey.shot("staff-note-form")
    page.get_by_test_id("send-message").click()

    expect(alert).to_contain_text("Note interne enregistrée.")
    note = timeline.get_by_test_id("entry-message").filter(has=page.get_by_test_id("internal-note"))
    expect(note).to_contain_text(NOTE)
    expect(note.get_by_role("link", name=NOTE_FILE)).to_be_visible()
    expect(documents.locator("li").filter(has_text=NOTE_FILE)).to_contain_text("Note interne")
    journey.shot("staff-note-written")
    journey.log_out()

    # (c) The SME is told of the question, sees it marked new, and never the note; it answers
    # with a document, then writes a message with another.
    journey.log_in(sme_user)
    expect(unread).to_have_text("1")
    page.get_by_role("row").filter(has_text=reference).get_by_role("link", name=reference).click()
    expect(state).to_have_text("En attente de compléments")
    expect(page.get_by_test_id("new-count")).to_contain_text(
        "1 nouveauté depuis votre dernière visite"
    )
    expect(new_entries).to_have_count(1)
    expect(new_entries).to_have_attribute("data-testid", "entry-event")
    expect(new_entries).to_contain_text("Demander des compléments")
    expect(page.locator("main")).to_contain_text(QUESTION)
    form = journey.open_action("answer_information")
    form.get_by_label("Votre réponse").fill(ANSWER)
    form.locator("#id_answer_information_attachments").set_input_files(upload(ANSWER_FILE))
    journey.shot("sme-answer-form")
    page.get_by_test_id("submit-answer_information").click()

    expect(alert).to_contain_text("Réponse envoyée à l'équipe Pacte PME.")
    expect(state).to_have_text("En instruction")
    expect(documents.get_by_role("link", name=ANSWER_FILE)).to_be_visible()
    form = page.get_by_test_id("message-form")
    expect(form.locator("#id_message_internal")).to_have_count(0)
    form.locator("#id_message_body").fill(SME_MESSAGE)
    form.locator("#id_message_attachments").set_input_files(upload(MESSAGE_FILE))
    page.get_by_test_id("send-message").click()

    expect(alert).to_contain_text("Message envoyé.")
    message = timeline.get_by_test_id("entry-message")
    expect(message).to_have_count(1)
    expect(message).to_contain_text(SME_MESSAGE)
    expect(message.get_by_role("link", name=MESSAGE_FILE)).to_be_visible()
    expect(page.get_by_test_id("internal-note")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(NOTE)
    expect(page.locator("body")).not_to_contain_text(NOTE_FILE)
    assert NOTE not in page.content() and NOTE_FILE not in page.content()
    journey.shot("sme-answered")
    journey.log_out()

    # (d) Staff are told of the answer and the message, read the bell's list and mark it all
    # read; on the dossier, what the SME did since is marked new. They propose it to Alstom.
    journey.log_in(staff_user)
    expect(unread).to_have_text("2")  # the answer and the message
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    notifications = page.get_by_test_id("notification")
    expect(notifications).to_have_count(4)
    expect(notifications.filter(has_text="non lue")).to_have_count(2)
    expect(notifications.first).to_contain_text(
        "Nouveau message de Claire Martin sur la demande de Asconit Consultants"
    )
    journey.shot("staff-notifications")
    page.get_by_test_id("mark-all-read").click()

    expect(alert).to_contain_text("Toutes vos notifications sont marquées comme lues.")
    expect(unread).to_have_count(0)
    expect(notifications.filter(has_text="non lue")).to_have_count(0)
    expect(page.get_by_test_id("mark-all-read")).to_have_count(0)
    page.get_by_role("link", name="Dossiers en instruction").click()
    page.get_by_role("row").filter(has_text=reference).get_by_role("link", name=reference).click()
    expect(page.get_by_test_id("new-count")).to_contain_text(
        "3 nouveautés depuis votre dernière visite"
    )
    expect(new_entries).to_have_count(3)
    expect(new_entries.nth(0)).to_have_attribute("data-testid", "entry-event")
    expect(new_entries.nth(0)).to_contain_text(ANSWER)
    expect(new_entries.nth(1)).to_have_attribute("data-testid", "entry-document")
    expect(new_entries.nth(1)).to_contain_text(ANSWER_FILE)
    expect(new_entries.nth(2)).to_have_attribute("data-testid", "entry-message")
    expect(new_entries.nth(2)).to_contain_text(SME_MESSAGE)
    expect(note).to_contain_text(NOTE)  # not new: staff wrote it
    journey.shot("staff-news-since-last-visit")
    available = page.get_by_test_id("ranking-available").locator("tbody tr")
    available.filter(has_text="Thomas Lambert").get_by_role("button", name="Proposer").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_focused()
    dialog.get_by_label("Message au correspondant (facultatif)").fill(PROPOSAL_NOTE)
    dialog.get_by_role("button", name="Proposer le dossier").click()

    expect(alert).to_contain_text("Dossier proposé au correspondant.")
    expect(state).to_have_text("Proposée à un grand groupe")
    journey.log_out()

    # (e) Alstom's interlocutor follows the bell to the dossier: the SME's documents and
    # message are there, and download; the internal note and its document are not.
    journey.log_in(interlocutor)
    expect(unread).to_have_text("1")
    bell.click()
    notification = page.get_by_test_id("notification")
    expect(notification).to_have_count(1)
    expect(notification).to_contain_text(
        "L'équipe Pacte PME vous propose d'accompagner Asconit Consultants : Hanoi, Viêt Nam."
    )
    journey.shot("interlocutor-notifications")
    notification.get_by_test_id("open-notification").click()

    expect(state).to_have_text("Proposée à un grand groupe")
    expect(unread).to_have_count(0)
    expect(documents.locator("li")).to_have_count(3)
    for name in (BUSINESS_PLAN, ANSWER_FILE, MESSAGE_FILE):
        expect(documents.get_by_role("link", name=name)).to_be_visible()
    message = timeline.get_by_test_id("entry-message")
    expect(message).to_have_count(1)
    expect(message).to_contain_text(SME_MESSAGE)
    expect(page.locator("main")).to_contain_text(ANSWER)
    expect(page.get_by_test_id("internal-note")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(NOTE)
    expect(page.locator("body")).not_to_contain_text(NOTE_FILE)
    assert NOTE not in page.content() and NOTE_FILE not in page.content()
    journey.shot("interlocutor-dossier")

    with page.expect_download() as download_info:
        documents.get_by_role("link", name=BUSINESS_PLAN).click()
    download = download_info.value
    assert download.suggested_filename == BUSINESS_PLAN
    assert Path(download.path()).read_bytes() == pdf(BUSINESS_PLAN)
    href = documents.get_by_role("link", name=ANSWER_FILE).get_attribute("href")
    response = page.request.get(journey.base_url + href)
    assert response.status == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{ANSWER_FILE}"'
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.body() == pdf(ANSWER_FILE)
    note_document = Document.objects.get(name=NOTE_FILE)
    response = page.request.get(journey.base_url + note_document.get_absolute_url())
    assert response.status == 404

    application.refresh_from_db()
    assert application.state == State.PROPOSED
    assert list(
        application.documents.order_by("pk").values_list(
            "name", "kind", "uploaded_by", "message__is_internal", "information_request__answer"
        )
    ) == [
        (BUSINESS_PLAN, DocumentKind.BUSINESS_PLAN, sme_user.pk, None, None),
        (NOTE_FILE, DocumentKind.OTHER, staff_user.pk, True, None),
        (ANSWER_FILE, DocumentKind.OTHER, sme_user.pk, None, ANSWER),
        (MESSAGE_FILE, DocumentKind.OTHER, sme_user.pk, False, None),
    ]
    assert list(
        application.messages.order_by("pk").values_list("author", "is_internal", "body")
    ) == [
        (staff_user.pk, True, NOTE),
        (sme_user.pk, False, SME_MESSAGE),
    ]
    assert list(application.events.order_by("created_at", "pk").values_list("action", "actor"))[
        -3:
    ] == [
        (Action.REQUEST_INFORMATION, staff_user.pk),
        (Action.ANSWER_INFORMATION, sme_user.pk),
        (Action.PROPOSE, staff_user.pk),
    ]
    note_message = application.messages.get(is_internal=True)
    assert not Notification.objects.filter(source=f"message:{note_message.pk}").exists()
    assert not Notification.objects.unread().filter(user__in=[staff_user, interlocutor]).exists()
    leaked = [m.to for m in mail.outbox if NOTE in m.body and m.to != [staff_user.email]]
    assert leaked == []
