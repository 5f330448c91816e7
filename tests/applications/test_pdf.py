"""The PDF of an application (WeasyPrint): what it holds (the answers, the sponsorship, the
questions, the accompaniment, the documents and the timeline, in French or in English), the
internal notes it never holds (for the staff too), who may download it, the fetcher that reads
nothing but the project's static files, and its queries.

WeasyPrint takes a tenth of a second or more a PDF: each test renders as few as it can and
checks all it can on one PDF."""

import io
import logging
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polib
import pytest
import weasyprint
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from applications import pdf, selectors, services
from applications.enums import Action, DocumentKind, State
from applications.models import Application, Document, Message
from corporations.enums import MatchStatus
from tests.applications.test_conversation import NOTE, NOTE_FILE, html
from tests.applications.test_conversation import pdf as upload
from tests.factories import HostingOfferFactory, perform

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 9:00 in Paris

DESCRIPTION = (
    "Bureau d'études en environnement : nous voulons suivre les projets de traitement de "
    "l'eau du delta du fleuve Rouge et y installer deux ingénieurs."
)
QUESTION = "Quel budget prévoyez-vous la première année ?"
ANSWER = "Environ 150 000 € la première année, dont un VIE."
ADVISOR_MESSAGE = "La CCI a présenté Asconit à la chambre de commerce franco-vietnamienne."
SME_MESSAGE = "Voici notre plan de recrutement à Hanoi."


def pdf_url(application) -> str:
    return reverse("applications:pdf", args=[application.pk])


def pages_of(content: bytes) -> list[str]:
    """The text of each page, its spaces and line breaks made single spaces."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def text_of(content: bytes) -> str:
    return " ".join(pages_of(content))


def download(client, user, application, **extra):
    client.force_login(user)
    return client.get(pdf_url(application), **extra)


def missing_in_order(text: str, parts: list[str]) -> list[str]:
    """The parts not found in the text one after the other: none when all are, in order."""
    missing, position = [], 0
    for part in parts:
        found = text.find(part, position)
        if found == -1:
            missing.append(part)
        else:
            position = found + len(part)
    return missing


@pytest.fixture
def dossier(application_in, alstom, sme_user, advisor, staff_user, interlocutor, time_machine):
    """Asconit's application for Hanoi, an hour a step: a question answered with a document, a
    business plan, messages with documents, a staff note with its own document, then Alstom's
    proposal with a desk in its Hanoi offices, accepted."""
    hours = iter(T0 + timedelta(hours=hour) for hour in range(20))
    time_machine.move_to(next(hours), tick=False)
    application = application_in(
        State.IN_REVIEW,
        description=DESCRIPTION,
        wants_commercial=True,
        hosting_vie_count=1,
        hosting_start_date=date(2026, 9, 1),
        hosting_budget=900,
    )
    time_machine.move_to(next(hours), tick=False)
    perform(Action.REQUEST_INFORMATION, application.pk, staff_user, question=QUESTION)
    time_machine.move_to(next(hours), tick=False)
    perform(
        Action.ANSWER_INFORMATION,
        application.pk,
        sme_user,
        answer=ANSWER,
        uploads=[upload("budget-previsionnel.pdf")],
    )
    time_machine.move_to(next(hours), tick=False)
    services.attach_document(
        application.pk,
        sme_user,
        kind=DocumentKind.BUSINESS_PLAN,
        upload=upload("business-plan-vietnam.pdf"),
    )
    time_machine.move_to(next(hours), tick=False)
    services.post_message(
        application.pk, advisor, body=ADVISOR_MESSAGE, uploads=[upload("avis-cci.pdf")]
    )
    time_machine.move_to(next(hours), tick=False)
    services.post_message(
        application.pk, staff_user, body=NOTE, internal=True, uploads=[upload(NOTE_FILE)]
    )
    time_machine.move_to(next(hours), tick=False)
    offer = HostingOfferFactory(corporation=alstom, city="Hanoi", monthly_price=350)
    services.propose(
        application.pk,
        staff_user,
        interlocutor=interlocutor.interlocutor,
        hosting_offer=offer,
        note="Projet cohérent avec vos activités dans le pays.",
    )
    time_machine.move_to(next(hours), tick=False)
    perform(Action.ACCEPT_MATCH, application.pk, interlocutor)
    time_machine.move_to(next(hours), tick=False)
    services.post_message(application.pk, sme_user, body=SME_MESSAGE)
    time_machine.move_to(next(hours), tick=False)
    return Application.objects.get(pk=application.pk)


# --- What it holds -----------------------------------------------------------------------------


def test_the_pdf_holds_the_dossier_as_the_sme_sees_it(client, sme_user, dossier):
    response = download(client, sme_user, dossier)

    reference = dossier.reference
    reader = PdfReader(io.BytesIO(response.content))
    pages = pages_of(response.content)
    text = " ".join(pages)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{reference}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"%PDF-")
    assert reader.metadata.title == f"{reference} — Asconit Consultants — Hanoi, Viêt Nam"
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    # The reference and the page number at the foot of every page.
    assert [page[page.index(reference, -80) :] for page in pages] == [
        f"{reference} · Pacte PME international Page {number} / {len(pages)}"
        for number in range(1, len(pages) + 1)
    ]
    assert (
        missing_in_order(
            text,
            [
                # The heading: reference, state, when and for whom.
                f"{reference} · Accompagnée",
                "Document édité le 2 mars 2026 à 18:00 pour Claire Martin.",
                # The company.
                f"Raison sociale Asconit Consultants SIREN {dossier.company.siren} "
                "Secteur 71 – Activités d'architecture et d'ingénierie ; activités de contrôle et "
                "analyses techniques "
                "Effectif 10 à 49 salariés Chiffre d'affaires De 2 à 10 M€ "
                "Région Auvergne-Rhône-Alpes (69) Expérience à l'export Ventes ponctuelles à "
                "l'étranger",
                # The answers of the request.
                "Pays cible Viêt Nam Ville Hanoi Appui demandé Conseil et définition de stratégie "
                "Hébergement (portage abri) Mise en relation commerciale (chasser en meute) "
                "Maturité Prospection engagée",
                f"Description {DESCRIPTION}",
                "Hébergement 2 postes, dont 1 VIE · à partir du 1er septembre 2026 · "
                "budget 900 € par mois Soumise le 2 mars 2026",
                # The sponsorship.
                "Organisme parrain CCI Lyon Métropole Saint-Étienne Roanne Parrainée — CCI Lyon "
                "Métropole Saint-Étienne Roanne, 02/03/2026 Conseiller : Sophie Bernard "
                "Entreprise connue de la CCI, projet sérieux.",
                # The question and its answer, with its document.
                f"Question de l'équipe Pacte PME, 02/03/2026 10:00 {QUESTION} "
                f"Réponse de la PME, 02/03/2026 11:00 {ANSWER} "
                "Pièces jointes : budget-previsionnel.pdf (48 octets)",
                # The accompaniment.
                "Accompagnement Grand groupe Alstom Correspondant Thomas Lambert, Directeur pays "
                "Vietnam thomas.lambert@alstom.example État Acceptée, 02/03/2026",
                "Offre d'hébergement Hanoi, Viêt Nam — 2 postes réservés à prix coûtant, 350 € par "
                "poste et par mois · VIE acceptés",
                # The documents.
                "Documents Fichier Nature Taille Déposé le Déposé par "
                "budget-previsionnel.pdf Autre document 48 octets 02/03/2026 Claire Martin "
                "business-plan-vietnam.pdf Business plan 48 octets 02/03/2026 Claire Martin "
                "avis-cci.pdf Pièce jointe d'un message 48 octets 02/03/2026 Sophie Bernard",
                # The timeline, as the SME sees it on the page.
                "Échanges et historique "
                "02/03/2026 09:00 · Claire Martin Soumettre au parrain → En attente de parrainage "
                "02/03/2026 09:00 · Sophie Bernard Parrainer → En instruction "
                "Entreprise connue de la CCI, projet sérieux. "
                "02/03/2026 10:00 · Julie Petit Demander des compléments → En attente de "
                f"compléments {QUESTION} "
                f"02/03/2026 11:00 · Claire Martin Répondre → En instruction {ANSWER} "
                "02/03/2026 11:00 · Claire Martin Document joint : budget-previsionnel.pdf "
                "(Autre document, 48 octets) "
                "02/03/2026 12:00 · Claire Martin Document joint : business-plan-vietnam.pdf "
                "(Business plan, 48 octets) "
                f"02/03/2026 13:00 · Sophie Bernard {ADVISOR_MESSAGE} "
                "Pièces jointes : avis-cci.pdf (48 octets) "
                "02/03/2026 15:00 · Julie Petit Proposer à un correspondant → Proposée à un grand "
                "groupe "
                "02/03/2026 16:00 · Thomas Lambert Accepter l'accompagnement → Accompagnée "
                "Nous recevons la PME dans nos bureaux. "
                f"02/03/2026 17:00 · Claire Martin {SME_MESSAGE}",
            ],
        )
        == []
    )
    # Neither the staff's note nor its document; nor the proposal's note, the staff's word
    # to the corporation (the SME's page hides it too).
    assert NOTE not in text
    assert NOTE_FILE not in text
    assert "Projet cohérent avec vos activités dans le pays." not in text


@pytest.mark.parametrize("persona", ["staff_user", "admin_user"])
def test_the_staff_pdf_never_holds_an_internal_note(request, client, dossier, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    page = client.get(dossier.get_absolute_url()).content.decode()

    text = text_of(client.get(pdf_url(dossier)).content)

    # The staff read the note on the page, never in the PDF.
    assert html(NOTE) in page
    assert NOTE not in text
    assert NOTE_FILE not in text
    # The rest is the staff's page: every shared document, the proposal's note.
    assert (
        missing_in_order(
            text,
            [
                "budget-previsionnel.pdf Autre document",
                "business-plan-vietnam.pdf Business plan",
                "avis-cci.pdf Pièce jointe d'un message",
                "Proposer à un correspondant → Proposée à un grand groupe Proposée à Thomas "
                "Lambert (Alstom). Projet cohérent avec vos activités dans le pays.",
                SME_MESSAGE,
            ],
        )
        == []
    )


def test_without_notes_the_reads_leave_them_out_for_the_staff_too(staff_user, dossier):
    note = Message.objects.get(is_internal=True)

    timeline = selectors.timeline(staff_user, dossier, notes=False)

    assert note in selectors.messages_for(staff_user, dossier)
    assert note not in selectors.messages_for(staff_user, dossier, notes=False)
    assert sorted(selectors.documents_for(staff_user, dossier).values_list("name", flat=True)) == [
        "avis-cci.pdf",
        NOTE_FILE,
        "budget-previsionnel.pdf",
        "business-plan-vietnam.pdf",
    ]
    assert sorted(
        selectors.documents_for(staff_user, dossier, notes=False).values_list("name", flat=True)
    ) == ["avis-cci.pdf", "budget-previsionnel.pdf", "business-plan-vietnam.pdf"]
    assert [entry.item for entry in timeline if entry.type == "message"] == list(
        Message.objects.filter(is_internal=False).order_by("created_at")
    )
    assert len(timeline) == len(selectors.timeline(staff_user, dossier)) - 1


@pytest.fixture
def english(settings, tmp_path):
    """The English translations compiled from locale/en (into the test's own folder: the
    project's locale/ is left as it is)."""
    folder = tmp_path / "locale" / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    source = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
    polib.pofile(str(source)).save_as_mofile(str(folder / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]  # Django reloads its catalogues


def test_the_pdf_is_in_english_when_the_language_is_english(client, advisor, dossier, english):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = download(client, advisor, dossier)

    reader = PdfReader(io.BytesIO(response.content))
    text = text_of(response.content)
    assert response.status_code == 200
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert (
        missing_in_order(
            text,
            [
                f"{dossier.reference} · Accompanied",
                f"SIREN {dossier.company.siren} Sector 71",
                "Headcount 10 to 49 employees",
                "The project Target country Vietnam",
                "Assistance requested Advice and strategy development Hosting (sheltered portage)",
                "Maturity Prospecting under way",
                f"Description {DESCRIPTION}",  # what the SME wrote, as it wrote it
                "Sponsorship Sponsor body CCI Lyon Métropole Saint-Étienne Roanne Sponsored",
                f"Questions and answers Question from the Pacte PME team, 03/02/2026 10 a.m. "
                f"{QUESTION} Answer from the SME",
                "budget-previsionnel.pdf",
                "business-plan-vietnam.pdf Business plan",
                "avis-cci.pdf Attached to a message",
                "Conversation and history",
                "Submit to sponsor",
                "Request information",
                "Document attached: business-plan-vietnam.pdf",
                ADVISOR_MESSAGE,
                SME_MESSAGE,
            ],
        )
        == []
    )
    for french in ["Le projet", "Pays cible", "Échanges et historique", "Accompagnée"]:
        assert french not in text
    assert NOTE not in text
    assert NOTE_FILE not in text


# --- Who may download it ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees_the_proposal"), [("advisor", False), ("interlocutor", True)]
)
def test_the_pdf_is_for_whoever_sees_the_application(
    request, client, application_in, persona, sees_the_proposal
):
    application = application_in(State.PROPOSED)

    response = download(client, request.getfixturevalue(persona), application)

    text = text_of(response.content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{application.reference}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert f"{application.reference} · Proposée à un grand groupe" in text
    # Whom the application is proposed to: the staff's and that interlocutor's, until accepted.
    assert ("Proposition en cours Grand groupe Alstom Correspondant Thomas Lambert" in text) is (
        sees_the_proposal
    )
    assert ("Thomas Lambert" in text) is sees_the_proposal


@pytest.mark.parametrize("persona", ["other_sme_user", "other_advisor", "other_interlocutor"])
def test_the_pdf_of_another_organisation_is_not_found(request, client, application_in, persona):
    application = application_in(State.PROPOSED)

    response = download(client, request.getfixturevalue(persona), application)

    assert response.status_code == 404


def test_a_draft_pdf_is_its_smes_only(client, sme_user, advisor, staff_user, draft_application):
    others = [download(client, user, draft_application) for user in (advisor, staff_user)]
    response = download(client, sme_user, draft_application)

    text = text_of(response.content)
    assert [other.status_code for other in others] == [404, 404]
    assert response.status_code == 200
    assert (
        missing_in_order(
            text,
            [
                f"{draft_application.reference} · Brouillon",
                "Organisme parrain — Aucune décision de parrainage pour l'instant.",
                "Documents Aucun document.",
                "Échanges et historique Rien pour l'instant.",
            ],
        )
        == []
    )


def test_an_interlocutor_who_declined_gets_no_pdf(client, interlocutor, application_in):
    application = application_in(State.PROPOSED)
    perform(Action.DECLINE_MATCH, application.pk, interlocutor)

    assert download(client, interlocutor, application).status_code == 404


def test_anonymous_users_are_sent_to_login(client, application_in):
    application = application_in(State.PROPOSED)

    response = client.get(pdf_url(application))

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={pdf_url(application)}"


def test_the_pdf_is_only_got(client, sme_user, application_in):
    application = application_in(State.PROPOSED)
    client.force_login(sme_user)

    assert client.post(pdf_url(application)).status_code == 405


def test_the_page_links_to_its_pdf(client, sme_user, draft_application):
    client.force_login(sme_user)

    page = client.get(draft_application.get_absolute_url()).content.decode()

    assert (
        f'<a class="btn btn-outline-secondary" href="{pdf_url(draft_application)}" '
        'data-testid="download-pdf"><i class="bi bi-file-earmark-pdf" aria-hidden="true"></i> '
        "Télécharger en PDF</a>"
    ) in page


def test_the_live_proposal_is_shown_to_staff_and_its_interlocutor_until_accepted(
    sme_user, advisor, staff_user, interlocutor, other_interlocutor, application_in
):
    application = application_in(State.PROPOSED)
    people = [sme_user, advisor, staff_user, interlocutor, other_interlocutor]

    proposed = [selectors.live_match_for(user, application) for user in people]
    perform(Action.ACCEPT_MATCH, application.pk, interlocutor)
    accepted = [selectors.live_match_for(user, application) for user in people]

    match = application.matches.get()
    assert proposed == [None, None, match, match, None]
    assert accepted == [match] * 5
    assert match.status == MatchStatus.ACCEPTED


# --- The fetcher: the project's static files, nothing else --------------------------------------


def static_url(*parts: str) -> str:
    return "/".join([pdf.static_roots()[0].as_uri(), *parts])


def test_the_fetcher_reads_the_projects_stylesheet():
    response = pdf.StaticFilesFetcher()(static_url("css", "application-pdf.css"))

    stylesheet = Path(settings.BASE_DIR) / "static" / "css" / "application-pdf.css"
    assert response.content_type == "text/css"
    assert response.charset == "utf-8"
    assert response.read() == stylesheet.read_bytes()


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "https://example.com/style.css",
        "http://localhost:8000/static/css/application-pdf.css",
        "ftp://example.com/style.css",
        "data:text/css,body{color:red}",
        "file:///etc/passwd",
        f"file:///{Path(settings.BASE_DIR).as_posix().lstrip('/')}/pacte/settings.py",
        static_url("..", "pacte", "settings.py"),  # out of static/ by its parent
        static_url("%2E%2E", "pacte", "settings.py"),
        static_url("css").replace("file://", "file://intranet.example"),  # another host
        static_url("css"),  # a folder
        "/static/css/application-pdf.css",  # not an absolute URL
    ],
)
def test_the_fetcher_refuses_anything_but_the_static_files(url):
    with pytest.raises(pdf.RefusedURL):
        pdf.StaticFilesFetcher().fetch(url)


def test_the_fetcher_refuses_a_link_out_of_the_static_folders(settings, tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "print.css").write_text("body { color: black }")
    (tmp_path / "secret.txt").write_text("DATABASE_PASSWORD=hunter2")
    (static / "secret.css").symlink_to(tmp_path / "secret.txt")
    settings.STATICFILES_DIRS = [static]

    fetcher = pdf.StaticFilesFetcher()

    assert fetcher((static / "print.css").as_uri()).read() == b"body { color: black }"
    with pytest.raises(pdf.RefusedURL):
        fetcher((static / "secret.css").as_uri())


def test_a_pdf_fetches_nothing_but_the_static_files(caplog):
    page = (
        '<link rel="stylesheet" href="http://169.254.169.254/latest/meta-data/">'
        '<link rel="stylesheet" href="file:///etc/passwd">'
        "<p>Rien à aller chercher.</p>"
    )

    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        document = weasyprint.HTML(
            string=page, base_url=static_url(""), url_fetcher=pdf.StaticFilesFetcher()
        ).write_pdf()

    assert text_of(document) == "Rien à aller chercher."
    assert sorted(record.getMessage() for record in caplog.records) == [
        "Failed to load stylesheet at file:///etc/passwd: RefusedURL: Not a file of the "
        "project's static folders: 'file:///etc/passwd'",
        "Failed to load stylesheet at http://169.254.169.254/latest/meta-data/: RefusedURL: "
        "Only the project's static files may be read: 'http://169.254.169.254/latest/meta-data/'",
    ]


# --- Its queries --------------------------------------------------------------------------------


def _write(application, sme_user, staff_user, rounds: int) -> None:
    """Each round, a message of the SME and a staff note, each with a document."""
    for i in range(rounds):
        services.post_message(
            application.pk, sme_user, body=f"Question {i}", uploads=[upload(f"q{i}.pdf")]
        )
        services.post_message(
            application.pk,
            staff_user,
            body=f"Note {i}",
            internal=True,
            uploads=[upload(f"n{i}.pdf")],
        )


def _queries(client, application) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(pdf_url(application))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["sme_user", "staff_user"])
def test_the_pdf_makes_as_many_queries_for_2_messages_as_for_20(
    request, client, application_in, sme_user, staff_user, persona
):
    application = application_in(State.PROPOSED)
    client.force_login(request.getfixturevalue(persona))
    _write(application, sme_user, staff_user, 1)
    two = _queries(client, application)

    _write(application, sme_user, staff_user, 9)
    twenty = _queries(client, application)

    assert (Message.objects.count(), Document.objects.count()) == (20, 20)
    assert twenty == two


# --- Scripts beyond Latin ------------------------------------------------------------------

WORLD_SCRIPTS = "漢字 ひらがな 한국어 العربية"


def installed_font_families() -> str:
    """The font families fontconfig knows (what WeasyPrint can use), one a line."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ""
    return subprocess.run(  # noqa: S603 (a fixed command line)
        [fc_list, ":", "family"], capture_output=True, text=True, check=False
    ).stdout


def embedded_fonts(content: bytes) -> set[str]:
    """The names of the fonts a PDF embeds, read from its pages' resources (the subset's
    prefix, "ABCDEF+", left out)."""
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def test_the_pdf_writes_chinese_japanese_korean_and_arabic_with_the_fonts_it_names(
    client, sme_user, draft_application
):
    """Every glyph from a family of the stylesheet: DejaVu Sans, and Noto Sans CJK SC for the
    Han characters, kana and hangul (not whatever fontconfig falls back on: on a server
    without it, empty boxes). DejaVu Sans draws upright Arabic itself."""
    families = installed_font_families()
    if "Noto Sans CJK SC" not in families or "Noto Naskh Arabic" not in families:
        pytest.skip(
            "Noto CJK and Arabic fonts not installed "
            "(apt-get install fonts-noto-cjk fonts-noto-core, as .ci/run does)"
        )
    company = draft_application.company
    company.legal_name = f"Asconit {WORLD_SCRIPTS}"
    company.save()
    draft_application.description = f"Présentation : {WORLD_SCRIPTS}"
    draft_application.save()

    response = download(client, sme_user, draft_application)

    assert response.status_code == 200
    fonts = embedded_fonts(response.content)
    assert {name for name in fonts if not name.startswith("DejaVu-Sans")} == {
        "Noto-Sans-CJK-SC",
        "Noto-Sans-CJK-SC-Bold",  # the company's name in the title
    }
    text = text_of(response.content)
    assert f"Raison sociale Asconit {WORLD_SCRIPTS} SIREN" in text
    assert f"Présentation : {WORLD_SCRIPTS}" in text
