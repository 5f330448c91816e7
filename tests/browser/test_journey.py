"""The programme's founding story, clicked through by the four people who live it.

Asconit Consultants files a request to settle in Hanoi, its CCI sponsors it, the association
proposes it to Alstom's interlocutor for Vietnam, who accepts to accompany it. Each step goes
through the real pages and is checked on what the person sees.
"""

import pytest
from django.core import mail
from playwright.sync_api import expect

from applications.enums import State
from applications.models import Application
from corporations.enums import MatchStatus
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
    page.get_by_label("Pays cible").select_option(value="VN")
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
    expect(first).to_contain_text("Hébergement possible à Hanoi : 4 poste(s) libre(s).")
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
