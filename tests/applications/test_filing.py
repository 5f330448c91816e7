"""Filing an application in three steps: the step indicator on each page, the selects' empty
choices and the note on the asterisk, the summary before sending with its links, the receipt
mailed to the SME's people and shown on the application's page and in its PDF."""

import re
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.urls import reverse

from applications import services
from applications.delays import DelayEstimate, DelayEstimates
from applications.enums import DocumentKind, State
from applications.models import ApplicationEvent
from applications.tasks import send_submission_receipts
from tests.applications.test_conversation import pdf as upload
from tests.applications.test_pdf import download, text_of
from tests.factories import ApplicationFactory, CompanyMembershipFactory

pytestmark = pytest.mark.django_db

SENT_AT = datetime(2026, 12, 3, 16, 50, tzinfo=UTC)  # 17:50 in Paris
CCI = "CCI Lyon Métropole Saint-Étienne Roanne"
REQUIRED_NOTE = "Les champs marqués d'un astérisque (*) sont obligatoires."


def submit_url(application) -> str:
    return reverse("applications:submit", args=[application.pk])


def edit_url(application) -> str:
    return reverse("applications:edit", args=[application.pk])


def steps_of(content: str) -> list[tuple[bool, str]]:
    """The indicator's steps: (whether it is the current one, its text in one line)."""
    [nav] = re.findall(r'<nav [^>]*data-testid="filing-steps".*?</nav>', content, re.S)
    assert "<ol" in nav
    items = re.findall(r"<li([^>]*)>(.*?)</li>", nav, re.S)
    return [
        ('aria-current="step"' in attrs, " ".join(re.sub(r"<[^>]+>", " ", text).split()))
        for attrs, text in items
    ]


@pytest.fixture
def new_user(db):
    """Someone who signed up and has no company yet."""
    user = CompanyMembershipFactory().user
    user.company_membership.delete()
    user.refresh_from_db()
    return user


# --- The step indicator ----------------------------------------------------------------------


def test_company_creation_is_step_one_of_three(client, new_user):
    client.force_login(new_user)

    content = client.get(reverse("companies:create")).content.decode()

    assert steps_of(content) == [
        (True, "Étape 1 sur 3 · en cours L'entreprise"),
        (False, "Étape 2 sur 3 · à venir La demande"),
        (False, "Étape 3 sur 3 · à venir Le parrain et l'envoi"),
    ]


def test_company_page_is_step_one(client, sme_user):
    client.force_login(sme_user)

    content = client.get(reverse("companies:edit")).content.decode()

    assert [current for current, _text in steps_of(content)] == [True, False, False]


def test_new_application_is_step_two_with_a_link_back_to_the_company(client, sme_user):
    client.force_login(sme_user)

    content = client.get(reverse("applications:create")).content.decode()

    assert steps_of(content) == [
        (False, "Étape 1 sur 3 · terminée L'entreprise"),
        (True, "Étape 2 sur 3 · en cours La demande"),
        (False, "Étape 3 sur 3 · à venir Le parrain et l'envoi"),
    ]
    assert f'<a href="{reverse("companies:edit")}">L\'entreprise</a>' in content


def test_draft_edition_is_step_two(client, sme_user, draft_application):
    client.force_login(sme_user)

    content = client.get(edit_url(draft_application)).content.decode()

    assert [current for current, _text in steps_of(content)] == [False, True, False]


def test_submit_page_is_step_three_with_links_back(client, sme_user, draft_application):
    client.force_login(sme_user)

    content = client.get(submit_url(draft_application)).content.decode()

    assert steps_of(content) == [
        (False, "Étape 1 sur 3 · terminée L'entreprise"),
        (False, "Étape 2 sur 3 · terminée La demande"),
        (True, "Étape 3 sur 3 · en cours Le parrain et l'envoi"),
    ]
    assert f'<a href="{edit_url(draft_application)}">La demande</a>' in content


def test_step_indicator_in_english(client, sme_user, draft_application):
    client.force_login(sme_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    content = client.get(submit_url(draft_application)).content.decode()

    assert steps_of(content) == [
        (False, "Step 1 of 3 · done The company"),
        (False, "Step 2 of 3 · done The application"),
        (True, "Step 3 of 3 · in progress Sponsor and sending"),
    ]


# --- Selects and the asterisk ------------------------------------------------------------------


def test_company_form_selects_say_what_to_choose(client, new_user):
    client.force_login(new_user)

    content = client.get(reverse("companies:create")).content.decode()

    for label in [
        "Choisissez un secteur",
        "Choisissez un effectif",
        "Choisissez une tranche de chiffre d&#x27;affaires",
        "Choisissez une région",
        "Choisissez un département",
        "Choisissez votre expérience à l&#x27;export",
    ]:
        assert f'<option value="" selected>{label}</option>' in content
    assert "---------" not in content
    assert REQUIRED_NOTE in content


def test_application_form_selects_say_what_to_choose(client, sme_user):
    client.force_login(sme_user)

    content = client.get(reverse("applications:create")).content.decode()

    assert '<option value="" selected>Choisissez un pays</option>' in content
    assert '<option value="" selected>Choisissez où en est votre projet</option>' in content
    assert "---------" not in content
    assert REQUIRED_NOTE in content


def test_a_chosen_country_is_still_selected(client, sme_user, draft_application):
    client.force_login(sme_user)

    content = client.get(edit_url(draft_application)).content.decode()

    assert '<option value="">Choisissez un pays</option>' in content
    assert '<option value="VN" selected>Viêt Nam</option>' in content


def test_submit_page_explains_the_asterisk(client, sme_user, draft_application):
    client.force_login(sme_user)

    content = client.get(submit_url(draft_application)).content.decode()

    assert REQUIRED_NOTE in content


# --- The summary before sending ----------------------------------------------------------------


def test_summary_shows_the_application_as_it_will_be_sent(
    client, sme_user, company, draft_application, sponsor_body
):
    draft_application.hosting_vie_count = 1
    draft_application.hosting_budget = 1200
    draft_application.save()
    services.attach_document(
        draft_application.pk,
        sme_user,
        kind=DocumentKind.BUSINESS_PLAN,
        upload=upload("plan-vietnam.pdf"),
    )
    client.force_login(sme_user)

    content = client.get(submit_url(draft_application)).content.decode()

    [summary] = re.findall(r'<section [^>]*data-testid="summary".*?</section>', content, re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", summary).split())
    for part in [
        "L'entreprise",
        "Raison sociale Asconit Consultants",
        f"SIREN {company.siren}",
        "Le projet",
        "Pays cible Viêt Nam",
        "Ville Hanoi",
        "Appui demandé Conseil et définition de stratégie Hébergement (portage abri)",
        "Maturité Prospection engagée",
        "Description Bureau d&#x27;études en environnement : nous voulons suivre",
        "Hébergement",
        "2 postes, dont 1 VIE",
        "par mois",
        "Documents joints",
        "plan-vietnam.pdf (Business plan,",
    ]:
        assert part in text, part
    # The summary, then the choice of the sponsor, then the button that sends.
    assert content.index('data-testid="summary"') < content.index('name="sponsor_body"')
    assert content.index('name="sponsor_body"') < content.index("Envoyer au parrain")


def test_summary_has_a_modify_link_for_each_part(client, sme_user, draft_application):
    client.force_login(sme_user)

    content = client.get(submit_url(draft_application)).content.decode()

    links = dict(re.findall(r'<a href="([^"]+)" data-testid="(edit-[a-z]+)">', content))
    assert links == {
        f"{reverse('companies:edit')}?next={submit_url(draft_application)}": ("edit-company"),
        f"{edit_url(draft_application)}#id_target_country": "edit-project",
        f"{edit_url(draft_application)}#id_hosting_desks": "edit-hosting",
        f"{draft_application.get_absolute_url()}#documents": "edit-documents",
    }
    assert content.count('Modifier<span class="visually-hidden"> — ') == 4
    assert "Aucun document joint." in content


def test_company_changed_from_the_summary_comes_back_to_it(
    client, sme_user, company, draft_application
):
    client.force_login(sme_user)
    page = client.get(reverse("companies:edit"), {"next": submit_url(draft_application)})
    assert (
        f'<input type="hidden" name="next" value="{submit_url(draft_application)}">'
        in page.content.decode()
    )
    data = {
        **{name: value for name, value in page.context["form"].initial.items() if value},
        "sector": company.sector_id,
        "legal_name": "Asconit Consultants SAS",
        "next": submit_url(draft_application),
    }

    response = client.post(reverse("companies:edit"), data)

    assert response.status_code == 302
    assert response["Location"] == submit_url(draft_application)
    company.refresh_from_db()
    assert company.legal_name == "Asconit Consultants SAS"


def test_company_page_never_sends_elsewhere(client, sme_user, company):
    client.force_login(sme_user)
    page = client.get(reverse("companies:edit"))
    data = {
        **{name: value for name, value in page.context["form"].initial.items() if value},
        "sector": company.sector_id,
        "next": "https://pirate.example/",
    }

    response = client.post(reverse("companies:edit"), data)

    assert response["Location"] == reverse("applications:dashboard")


def test_draft_edited_from_the_summary_comes_back_to_it(client, sme_user, draft_application):
    client.force_login(sme_user)

    response = client.post(
        edit_url(draft_application),
        {
            "target_country": "VN",
            "target_city": "Hô Chi Minh-Ville",
            "support_kinds": ["advice"],
            "maturity": "prospecting",
            "description": draft_application.description,
            "continue": "",
        },
    )

    assert response["Location"] == submit_url(draft_application)
    summary = client.get(submit_url(draft_application)).content.decode()
    assert "Hô Chi Minh-Ville" in summary
    assert "Pas d'hébergement demandé." in summary


# --- A failed sending keeps what was chosen and typed ------------------------------------------


def test_sending_without_a_sponsor_says_so_and_stays(
    client, sme_user, draft_application, sponsor_body
):
    client.force_login(sme_user)

    response = client.post(submit_url(draft_application), {"expected_state": State.DRAFT})

    content = response.content.decode()
    assert response.status_code == 400
    assert "Choisissez l&#x27;organisme qui parrainera votre demande." in content
    assert 'data-testid="summary"' in content
    assert [current for current, _text in steps_of(content)] == [False, False, True]
    draft_application.refresh_from_db()
    assert draft_application.state == State.DRAFT


def test_sending_refused_keeps_the_sponsor_chosen(client, sme_user, company, sponsor_body):
    incomplete = ApplicationFactory(company=company, created_by=sme_user, incomplete=True)
    client.force_login(sme_user)

    response = client.post(
        submit_url(incomplete), {"sponsor_body": sponsor_body.pk, "expected_state": State.DRAFT}
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "Avant de soumettre la demande, complétez" in content
    [radio] = re.findall(rf'<input [^>]*value="{sponsor_body.pk}"[^>]*>', content)
    assert "checked" in radio
    incomplete.refresh_from_db()
    assert incomplete.state == State.DRAFT


def test_draft_edition_with_errors_keeps_what_was_typed(client, sme_user, draft_application):
    client.force_login(sme_user)

    response = client.post(
        edit_url(draft_application),
        {
            "target_country": "",
            "target_city": "Da Nang",
            "support_kinds": ["advice"],
            "description": "Un texte tapé puis refusé.",
            "continue": "",
        },
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Choisissez le pays cible de votre projet." in content
    assert 'value="Da Nang"' in content
    assert "Un texte tapé puis refusé." in content
    assert '<option value="" selected>Choisissez un pays</option>' in content
    assert [current for current, _text in steps_of(content)] == [False, True, False]


# --- The receipt ---------------------------------------------------------------------------------


@pytest.fixture
def colleague(company):
    """A second member of company A, who reads English."""
    return CompanyMembershipFactory(
        company=company,
        user__email="john.smith@asconit.example",
        user__first_name="John",
        user__language="en",
    ).user


@pytest.fixture
def sent(
    committing_client,
    sme_user,
    colleague,
    draft_application,
    sponsor_body,
    advisor,
    mailoutbox,
    time_machine,
):
    """Claire sends the draft to the CCI from the submit page, at 17:50 in Paris."""
    time_machine.move_to(SENT_AT, tick=False)
    committing_client.force_login(sme_user)
    response = committing_client.post(
        submit_url(draft_application),
        {"sponsor_body": sponsor_body.pk, "expected_state": State.DRAFT},
    )
    assert response.status_code == 302
    draft_application.refresh_from_db()
    return draft_application


def receipts(mailoutbox) -> dict[str, object]:
    return {
        message.to[0]: message
        for message in mailoutbox
        if "accusé de réception" in message.subject or "receipt" in message.subject
    }


def test_receipt_goes_to_every_active_member_of_the_company(
    committing_client,
    sme_user,
    colleague,
    company,
    draft_application,
    sponsor_body,
    advisor,
    mailoutbox,
):
    inactive = CompanyMembershipFactory(company=company, user__is_active=False).user
    committing_client.force_login(sme_user)

    committing_client.post(
        submit_url(draft_application),
        {"sponsor_body": sponsor_body.pk, "expected_state": State.DRAFT},
    )

    assert sorted(receipts(mailoutbox)) == sorted([sme_user.email, colleague.email])
    assert inactive.email not in receipts(mailoutbox)
    # The sponsor's advisors still get their own mail, and no receipt.
    assert [advisor.email] in [message.to for message in mailoutbox]
    assert advisor.email not in receipts(mailoutbox)


def test_receipt_in_french(sent, mailoutbox, sme_user):
    message = receipts(mailoutbox)[sme_user.email]
    reference = sent.reference

    assert message.subject == f"[Pacte PME] {reference} – accusé de réception de votre demande"
    lines = message.body.splitlines()
    for line in [
        "Bonjour Claire,",
        f"Votre demande de portage {reference} a bien été envoyée le 3 décembre 2026 à 17:50.",
        "Entreprise : Asconit Consultants. Pays cible : Hanoi, Viêt Nam.",
        f"Organisme parrain choisi : {CCI}.",
        "Envoyée par : Claire Martin.",
        "Ce message est un accusé de réception : vous n'avez rien à faire pour l'instant.",
        f"1. Le parrainage. {CCI} lit votre demande et décide de la parrainer ou non ; vous "
        "recevrez un e-mail dès sa décision. Durée : 14 jours au plus (objectif du "
        "programme). Si l'organisme n'a pas répondu au bout de 7 jours, nous le relançons. "
        "Au bout de 14 jours, l'équipe Pacte PME s'en occupe.",
        "2. L'instruction. Une fois parrainée, votre demande est instruite par l'équipe Pacte "
        "PME, qui cherche un grand groupe présent dans le pays et dans votre secteur. Durée : "
        "30 jours au plus (objectif du programme).",
        f"{settings.SITE_URL}{sent.get_absolute_url()}",
    ]:
        assert line in lines, line
    html = message.alternatives[0].content
    assert '<html lang="fr">' in html
    assert f"Organisme parrain choisi : {CCI}." in html


def test_receipt_in_english_for_a_member_who_reads_english(sent, mailoutbox, colleague):
    message = receipts(mailoutbox)[colleague.email]
    reference = sent.reference

    assert message.subject == f"[Pacte PME] {reference} – receipt for your application"
    lines = message.body.splitlines()
    for line in [
        "Hello John,",
        f"Your application {reference} was sent at 5:50 p.m. on Dec. 3, 2026.",
        "Company: Asconit Consultants. Target country: Hanoi, Vietnam.",
        f"Sponsor body chosen: {CCI}.",
        "Sent by: Claire Martin.",
        "This message is a receipt: there is nothing for you to do for now.",
        f"1. Sponsorship. {CCI} reads your application and decides whether to sponsor it; you "
        "will get an e-mail as soon as it decides. Length: at most 14 days (the programme's "
        "target). If the body has not answered after 7 days, we remind it. After 14 days, "
        "the Pacte PME team takes it up.",
        "2. The review. Once sponsored, your application is reviewed by the Pacte PME team, "
        "who look for a corporation present in the country and in your sector. Length: at "
        "most 30 days (the programme's target).",
    ]:
        assert line in lines, line
    assert '<html lang="en">' in message.alternatives[0].content


def test_receipt_gives_the_measured_delays_when_there_are_some(
    sme_user, draft_application, sponsor_body, mailoutbox, monkeypatch, time_machine
):
    time_machine.move_to(SENT_AT, tick=False)
    monkeypatch.setattr(
        "applications.tasks.selectors.delay_estimates",
        lambda now: DelayEstimates(
            sponsor=DelayEstimate(9, 20, 31), review=DelayEstimate(26, 41, 12)
        ),
    )
    services.submit(draft_application.pk, sme_user, sponsor_body=sponsor_body)
    event = ApplicationEvent.objects.get(application=draft_application, action="submit")

    send_submission_receipts(event_id=event.pk)

    [message] = receipts(mailoutbox).values()
    lines = message.body.splitlines()
    assert (
        f"1. Le parrainage. {CCI} lit votre demande et décide de la parrainer ou non ; vous "
        "recevrez un e-mail dès sa décision. Durée : en général 9 jours (9 demandes sur 10 en "
        "20 jours au plus). Si l'organisme n'a pas répondu au bout de 7 jours, nous le "
        "relançons. Au bout de 14 jours, l'équipe Pacte PME s'en occupe."
    ) in lines
    assert (
        "2. L'instruction. Une fois parrainée, votre demande est instruite par l'équipe Pacte "
        "PME, qui cherche un grand groupe présent dans le pays et dans votre secteur. Durée : "
        "en général 26 jours (9 demandes sur 10 en 41 jours au plus)."
    ) in lines


def test_receipt_is_sent_once(sent, mailoutbox):
    event = ApplicationEvent.objects.get(application=sent, action="submit")
    before = len(mailoutbox)

    send_submission_receipts(event_id=event.pk)  # the task delivered twice

    assert len(mailoutbox) == before


def test_receipt_on_the_application_page(sent, client, sme_user, advisor):
    expected = (
        "Demande envoyée le 3 décembre 2026 à 17:50, référence "
        f"{sent.reference}. Organisme parrain : {CCI}."
    )
    for user in (sme_user, advisor):
        client.force_login(user)

        content = client.get(sent.get_absolute_url()).content.decode()

        [card] = re.findall(r'<section [^>]*data-testid="receipt".*?</section>', content, re.S)
        assert "Accusé de réception" in card
        assert expected in " ".join(re.sub(r"<[^>]+>", " ", card).split())


def test_receipt_on_the_page_in_english(sent, client, colleague):
    client.force_login(colleague)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    content = client.get(sent.get_absolute_url()).content.decode()

    assert (
        f"Application sent on Dec. 3, 2026 at 5:50 p.m., reference {sent.reference}. "
        f"Sponsor body: {CCI}."
    ) in " ".join(content.split())


def test_no_receipt_on_a_draft(client, sme_user, draft_application):
    client.force_login(sme_user)

    content = client.get(draft_application.get_absolute_url()).content.decode()

    assert 'data-testid="receipt"' not in content


def test_receipt_in_the_pdf(sent, client, sme_user):
    response = download(client, sme_user, sent)

    assert (
        f"Demande envoyée le 3 décembre 2026 à 17:50, référence {sent.reference}. "
        f"Organisme parrain : {CCI}."
    ) in text_of(response.content)
