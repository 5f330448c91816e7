"""The home page as a visitor reads it: who may apply, what to prepare (what the filing forms
really ask), the steps with their delays (the measured figures of `applications.delays`), the
two words of the programme's jargon explained, a contact, and the SMEs accompanied this year
so far against last year's whole year and the year's goal; in French and in English, in a
fixed number of queries."""

import html
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from applications.enums import DocumentKind
from applications.forms import ApplicationForm
from companies.forms import CompanyForm
from reports.models import Goal
from tests.reports.conftest import History, accepted

pytestmark = pytest.mark.django_db

HOME = reverse("home")
PARIS = ZoneInfo("Europe/Paris")
# A December day: the year's count is read against last year's and the goal.
TODAY = datetime(2026, 12, 3, 10, 0, tzinfo=PARIS)


def at(day: str, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=PARIS)


def get(language: str = "fr") -> str:
    client = Client()
    client.cookies["django_language"] = language
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def element(page: str, testid: str) -> str:
    """The inner HTML of the element `testid`, to its matching closing tag."""
    opening = re.search(rf'<([a-z0-9]+)[^>]*data-testid="{testid}"[^>]*>', page)
    tag, depth, position = opening.group(1), 1, opening.end()
    for found in re.finditer(rf"<(/?){tag}\b[^>]*>", page[position:]):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            return page[position : position + found.start()]
    raise AssertionError(f"{testid} is not closed")


def part(page: str, testid: str) -> str:
    return text(element(page, testid))


card = part


def glossary(page: str) -> dict[str, str]:
    section = re.search(r'data-testid="home-glossary"(.*?)</section>', page, re.S).group(1)
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", section, re.S)
    return {text(term): text(definition) for term, definition in pairs}


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY


@pytest.fixture
def years():
    """SMEs accompanied: one in 2024 (not counted); two in 2025, X twice and Y at 23:30 on 31
    December in Paris; one in 2026, Z at 00:30 on 1 January in Paris (still 2025 in UTC). The
    goal of 2026."""
    h = History()
    body = h.body
    h.walk(
        h.company("old", "62"),
        "VN",
        body,
        *accepted(at("2024-05-02"), at("2024-05-03"), at("2024-06-01")),
    )
    h.walk(
        h.company("x", "62"),
        "VN",
        body,
        *accepted(at("2025-02-03"), at("2025-02-04"), at("2025-03-01")),
    )
    h.walk(
        h.company("x", "62"),
        "MA",
        body,
        *accepted(at("2025-04-01"), at("2025-04-02"), at("2025-05-02")),
    )
    h.walk(
        h.company("y", "71"), "VN", body,
        *accepted(at("2025-12-01"), at("2025-12-02"), at("2025-12-31", 23, 30)),
    )  # fmt: skip
    h.walk(
        h.company("z", "10"), "VN", body,
        *accepted(at("2025-12-10"), at("2025-12-11"), at("2026-01-01", 0, 30)),
    )  # fmt: skip
    Goal.objects.create(year=2026, smes_accompanied=100)
    return h


# --- The figures, with their context ------------------------------------------------------------


def test_the_years_count_is_read_against_last_year_and_the_goal(years, today):
    page = get()

    assert card(page, "figure-accompanied") == (
        "1 PME accompagnée depuis le 1er janvier 2026 "
        "En 2025, sur l'année entière 2 PME accompagnées "
        "Objectif 2026 100 PME accompagnées "
        "Une PME est accompagnée quand le correspondant d'un grand groupe accepte sa demande."
    )
    # The review's median is not a second way of stating its delay here: the steps state it.
    assert 'data-testid="figure-review"' not in page


def test_the_years_count_in_english(years, today):
    assert card(get("en"), "figure-accompanied") == (
        "1 SME accompanied since January 1, 2026 "
        "In 2025, the whole year 2 SMEs accompanied "
        "2026 goal 100 SMEs accompanied "
        "An SME is accompanied once a corporate interlocutor accepts its application."
    )


def test_without_last_year_or_goal_the_count_stands_alone(today):
    page = get()

    assert card(page, "figure-accompanied") == (
        "0 PME accompagnée depuis le 1er janvier 2026 "
        "Une PME est accompagnée quand le correspondant d'un grand groupe accepte sa demande."
    )
    assert 'data-testid="figure-last-year"' not in page
    assert 'data-testid="figure-goal"' not in page


# --- The steps and their delays -----------------------------------------------------------------


def test_the_steps_state_the_measured_delays(settings, today):
    # One sponsor's decision (4 days) and one review (12 days) in the last 90 days: measured.
    settings.REVIEW_ESTIMATE_MIN_REVIEWS = 1
    h = History()
    h.walk(
        h.company("m", "62"), "VN", h.body,
        *accepted(at("2026-11-01"), at("2026-11-05"), at("2026-11-17")),
    )  # fmt: skip

    page = get()
    english = get("en")

    assert part(page, "home-sponsor-delay") == (
        "Décision du parrain : en général 4 jours (9 demandes sur 10 en 4 jours au plus)."
    )
    assert part(page, "home-review-delay") == (
        "Instruction par l'équipe Pacte PME, une fois la demande parrainée : en général "
        "12 jours (9 demandes sur 10 en 12 jours au plus)."
    )
    assert 'data-testid="home-delays-measured"' in page
    assert part(english, "home-sponsor-delay") == (
        "Sponsor's decision: usually 4 days (9 applications in 10 within 4 days)."
    )


def test_the_steps_state_the_programmes_figures_until_there_are_measures(settings, today):
    settings.SPONSOR_TARGET_DAYS = 14
    settings.REVIEW_TARGET_DAYS = 30

    page = get()

    assert part(page, "home-sponsor-delay") == (
        "Décision du parrain : 14 jours au plus (objectif du programme)."
    )
    assert part(page, "home-review-delay") == (
        "Instruction par l'équipe Pacte PME, une fois la demande parrainée : 30 jours au plus "
        "(objectif du programme)."
    )
    assert 'data-testid="home-delays-measured"' not in page


# --- Who may apply, what to prepare, the words, whom to ask ---------------------------------------


def test_who_may_apply():
    assert part(get(), "home-who") == (
        "Qui peut déposer une demande ? "
        "Une PME française, identifiée par son SIREN, qui a un projet dans un pays étranger. "
        "Quelle que soit la maturité du projet : une première réflexion, une prospection, des "
        "premières ventes ou une implantation à renforcer. "
        "Une demande par pays cible ; vous pouvez en déposer plusieurs. "
        "Chaque demande doit être parrainée par la CCI (chambre de commerce et d'industrie) de "
        "votre entreprise ou par le comité local des conseillers du commerce extérieur de la "
        "France (CCE). Sans parrain, pas d'instruction."
    )


def test_what_to_prepare_is_what_the_forms_ask():
    page = get()

    assert card(page, "prepare-company") == (
        "Votre entreprise Raison sociale SIREN 9 chiffres, tels qu'ils figurent sur votre "
        "extrait Kbis. Secteur d'activité (NAF) Effectif Chiffre d'affaires Région Département "
        "Expérience à l'export Site web (facultatif)"
    )
    assert card(page, "prepare-project") == (
        "Votre projet dans un pays Pays cible Appui demandé Un grand groupe peut apporter "
        "plusieurs appuis à la fois. Maturité du projet Description du projet Votre projet dans "
        "ce pays, ce que vous attendez d'un grand groupe. Ville (facultatif) "
        "Si vous demandez un hébergement : nombre de postes de travail, dont VIE, date de début "
        "souhaitée, budget mensuel (€)."
    )
    assert card(page, "prepare-documents") == (
        "Des documents, si vous en avez Business plan Extrait Kbis Présentation de l'entreprise "
        "Facultatifs : vous pouvez les joindre tant que la demande est ouverte. "
        "PDF, PNG, JPEG, DOCX, XLSX, ODT ou ODS ; 10 Mo au plus."
    )
    assert card(page, "prepare-sponsor") == (
        "Votre parrain Votre CCI ou le comité local des CCE Vous le choisissez dans la liste au "
        "moment d'envoyer la demande."
    )


def test_every_field_of_the_filing_forms_is_listed():
    """A field added to a filing form, or a document kind, and not to the page fails here."""
    page = text(get())

    for form in (CompanyForm, ApplicationForm):
        for field in form.base_fields.values():
            label = str(field.label).split(" (")[0]
            assert label.lower() in page.lower(), label
    for kind, label in DocumentKind.choices:
        if kind != DocumentKind.OTHER:
            assert str(label) in page


def test_what_to_prepare_in_english():
    page = get("en")

    assert card(page, "prepare-company").startswith(
        "Your company Company name SIREN 9 digits, as shown on your Kbis extract. Business sector"
    )
    assert card(page, "prepare-documents").endswith(
        "Optional: you can attach them while the application is open. "
        "PDF, PNG, JPEG, DOCX, XLSX, ODT or ODS; 10 MB at most."
    )


def test_the_jargon_is_explained():
    assert glossary(get()) == {
        "Portage": "Un grand groupe français déjà implanté dans un pays aide une PME à s'y "
        "établir.",
        "Portage abri": "L'hébergement : le grand groupe accueille dans ses bureaux à "
        "l'étranger les salariés ou les VIE de la PME.",
        "Chasser en meute": "Prospecter à plusieurs plutôt que seul : la PME noue des relations "
        "commerciales avec les grands groupes présents dans le pays.",
        "VIE": "Volontaire international en entreprise : une personne en mission à l'étranger "
        "pour une entreprise française.",
        "Parrain": "Votre CCI ou le comité local des CCE : il appuie votre demande avant que "
        "l'équipe Pacte PME l'instruise.",
    }
    page = get()
    assert '<dt><dfn id="term-portage-abri">Portage abri</dfn></dt>' in page
    assert '<dt><dfn id="term-chasser-en-meute">Chasser en meute</dfn></dt>' in page
    assert '<abbr title="volontaire international en entreprise">VIE</abbr>' in page


def test_the_jargon_in_english():
    words = glossary(get("en"))

    assert words["Portage abri (sheltered portage)"] == (
        "Hosting: the corporation welcomes the SME's employees or VIEs into its offices abroad."
    )
    assert words["Hunting as a pack"] == (
        "Prospecting together rather than alone: the SME builds business relationships with "
        "the corporations present in the country."
    )


def test_the_contact_address_comes_from_the_settings(settings):
    settings.CONTACT_EMAIL = "pacte-pme@comite-richelieu.example"

    page = get()

    assert (
        '<a class="fw-semibold text-break home-mail" '
        'href="mailto:pacte-pme@comite-richelieu.example">'
        '<i class="bi bi-envelope" aria-hidden="true"></i> '
        "<span>pacte-pme@comite-richelieu.example</span></a>"
    ) in page
    assert part(page, "home-contact").startswith(
        "Une question ? Écrivez à l'équipe Pacte PME : pacte-pme@comite-richelieu.example "
        "Pour le parrainage, adressez-vous à votre CCI ou au comité local des CCE."
    )
    assert part(get("en"), "home-contact").startswith(
        "A question? Write to the Pacte PME team: pacte-pme@comite-richelieu.example "
        "For sponsorship, contact your CCI or the local CCE committee."
    )


# --- Queries -----------------------------------------------------------------------------------

# The figures (the two years' SMEs in one query, the goal) and the delays (the sponsors'
# decisions, the reviews' count and ranked rows); then cached.
QUERIES_WITH_DECISIONS = 5


@pytest.mark.parametrize("applications", [1, 4])
def test_the_home_page_queries_are_constant(applications, today, django_assert_num_queries):
    h = History()
    for n in range(applications):
        h.walk(
            h.company(f"q{n}", "62"), "VN", h.body,
            *accepted(at("2026-10-01"), at("2026-10-02") + timedelta(days=n), at("2026-11-02")),
        )  # fmt: skip

    with django_assert_num_queries(QUERIES_WITH_DECISIONS):
        get()
    with django_assert_num_queries(0):
        get()
