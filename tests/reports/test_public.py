"""The programme's public pages: the programme explained, the member corporations with their
countries and the world map, the live figures; in French and in English, for anyone, with no
personal data, under the strict CSP, in a fixed number of queries."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest import approx

from applications.enums import State
from applications.workflow import TRANSITIONS
from reports import worldmap
from tests.accounts.test_headers import CSP_DIRECTIVES, csp_directives, inline_code_in
from tests.factories import (
    HostingOfferFactory,
    InterlocutorFactory,
    MemberCorporationFactory,
    PresenceFactory,
)
from tests.reports.conftest import accepted, at

pytestmark = pytest.mark.django_db

PROGRAMME = reverse("reports:programme")
CORPORATIONS = reverse("reports:corporations")
HOME = reverse("home")
PUBLIC_PAGES = [HOME, PROGRAMME, CORPORATIONS]


def get(url: str, language: str = "fr", client: Client | None = None):
    """The page as an anonymous visitor sees it, in `language` (the language cookie)."""
    client = client or Client()
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def table(response, testid: str) -> list[list[str]]:
    """The body rows of table `testid`, each as the text of its cells."""
    html = response.content.decode()
    body = re.search(rf'data-testid="{testid}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [
        [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]
        for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def map_titles(response, *, present: bool) -> set[str]:
    """The titles of the map's shapes, those marked present or the others."""
    html = response.content.decode()
    shapes = re.findall(r'<path class="([^"]*)" d="[^"]+"><title>([^<]*)</title></path>', html)
    assert len(shapes) == len(worldmap.world_map().shapes)
    return {title for classes, title in shapes if ("map-present" in classes.split()) == present}


def figure(response, testid: str) -> str:
    html = response.content.decode()
    card = re.search(rf'data-testid="{testid}">(.*?)</div>\s*</div>', html, re.S).group(1)
    return text(card)


@pytest.fixture
def members(db):
    """Alstom (Vietnam, desks at cost in Hanoi and others in Casablanca), EDF (China and
    Vietnam, no desks), and Areva, no longer a member (Germany, with desks)."""
    alstom = MemberCorporationFactory(
        name="Alstom",
        website="https://www.alstom.com",
        description="Transport ferroviaire.\nPrésent à Hanoï depuis le début des années 1990.",
    )
    PresenceFactory(corporation=alstom, country="VN", city="Hanoi")
    HostingOfferFactory(corporation=alstom, country="VN", city="Hanoi", desks=4, at_cost=True)
    HostingOfferFactory(corporation=alstom, country="MA", city="Casablanca", desks=2, at_cost=False)
    edf = MemberCorporationFactory(name="EDF", website="https://www.edf.fr")
    PresenceFactory(corporation=edf, country="CN", city="Shanghai")
    PresenceFactory(corporation=edf, country="VN", city="Hô Chi Minh-Ville")
    PresenceFactory(corporation=edf, country="VN", city="Hanoi")
    areva = MemberCorporationFactory(name="Areva", is_active=False)
    PresenceFactory(corporation=areva, country="DE", city="Erlangen")
    PresenceFactory(corporation=areva, country="CN", city="Pékin")
    HostingOfferFactory(corporation=areva, country="DE", city="Erlangen", desks=9)
    return {"alstom": alstom, "edf": edf, "areva": areva}


# --- The programme ---------------------------------------------------------------------------


def test_programme_explains_the_three_kinds_of_support_and_the_sponsor():
    page = text(get(PROGRAMME).content.decode())

    assert "Conseil et définition de stratégie" in page
    assert "Hébergement (portage abri)" in page
    assert "Mise en relation commerciale (chasser en meute)" in page
    assert "Certains groupes proposent des bureaux à prix coûtant" in page
    assert (
        "Toute demande doit être parrainée par la CCI (chambre de commerce et d'industrie) de "
        "votre entreprise ou par le comité local des conseillers du commerce extérieur de la "
        "France (CCE)."
    ) in page
    assert "Sans parrain, pas d'instruction." in page


def test_programme_steps_follow_the_workflow():
    html = get(PROGRAMME).content.decode()

    steps = re.findall(r'<li data-state="([a-z_]+)">', html)
    assert steps == ["draft", "awaiting_sponsor", "in_review", "proposed", "accompanied", "closed"]
    moves = {(source, target) for sources, target in TRANSITIONS.values() for source in sources}
    assert all((State(a), State(b)) in moves for a, b in zip(steps, steps[1:], strict=False))
    assert '<span class="fw-semibold">En attente de parrainage</span>' in html


def test_programme_gives_the_delays_in_the_words_of_every_page(settings):
    settings.REVIEW_TARGET_DAYS = 45

    page = html.unescape(text(get(PROGRAMME).content.decode()))

    assert (
        "Décision du parrain : 14 jours au plus (objectif du programme). "
        "Instruction par l'équipe Pacte PME, une fois la demande parrainée : 45 jours au plus "
        "(objectif du programme). Le délai d'instruction s'interrompt pendant que l'équipe "
        "attend les compléments qu'elle vous a demandés."
    ) in page


def test_programme_calls_to_sign_up_and_log_in():
    html = get(PROGRAMME).content.decode()

    assert f'href="{reverse("accounts:signup")}">Créer le compte de ma PME</a>' in html
    assert f'href="{reverse("accounts:login")}">Se connecter</a>' in html
    assert f'href="{CORPORATIONS}">' in html


def test_a_logged_in_visitor_is_sent_to_their_own_page_instead(client, sme_user):
    client.force_login(sme_user)

    html = get(PROGRAMME, client=client).content.decode()

    assert f'<a class="btn btn-primary" href="{HOME}">Aller à mon espace</a>' in html
    assert reverse("accounts:signup") + '">Créer le compte' not in html


def test_programme_in_english():
    html = get(PROGRAMME, "en").content.decode()

    # The new strings wait for their translation (locale/); the language itself is English.
    assert '<html lang="en">' in html
    assert re.findall(r'<li data-state="([a-z_]+)">', html)[0] == "draft"


# --- The live figures --------------------------------------------------------------------------


def test_live_figures_count_this_years_smes_and_the_median_review(history, today):
    # A was accepted on 31 December at 23:30 in Paris: last year. A2, B, C and F (B again)
    # this year: 3 SMEs. Reviews of the last twelve months: 13, 20, 22, 29.6, 30, 40 days.
    for url in (PROGRAMME, HOME):
        response = get(url)

        assert figure(response, "figure-accompanied") == (
            "3 PME accompagnées depuis le 1er janvier 2026 "
            "En 2025, sur l'année entière 1 PME accompagnée Objectif 2026 100 PME accompagnées "
            "Une PME est accompagnée quand le correspondant d'un grand groupe accepte sa demande."
        )
    # The pages state the review's delay in their steps (`applications.delays`), once: no
    # median of another period beside it.
    for url in (PROGRAMME, HOME):
        assert "Durée médiane" not in get(url).content.decode()


def test_live_figures_in_english(history, today):
    response = get(PROGRAMME, "en")

    assert figure(response, "figure-accompanied").startswith(
        "3 SMEs accompanied since January 1, 2026"
    )


def test_live_figures_without_any_accompaniment_or_goal(today):
    response = get(PROGRAMME)

    assert figure(response, "figure-accompanied") == (
        "0 PME accompagnée depuis le 1er janvier 2026 Une PME est accompagnée quand le "
        "correspondant d'un grand groupe accepte sa demande."
    )


def test_live_figures_show_a_transition_at_once_and_say_as_of_when(history, today):
    assert figure(get(PROGRAMME), "figure-accompanied").startswith("3 ")
    history.walk(
        history.company("k", "62"),
        "VN",
        history.body,
        *accepted(at("2026-03-01"), at("2026-03-02"), at("2026-03-15", 11)),
    )

    with time_machine.travel(today + timedelta(minutes=5), tick=False):
        response = get(PROGRAMME)
        html = get(HOME).content.decode()  # the same figures, from the cache

    assert figure(response, "figure-accompanied").startswith("4 ")
    as_of = '<p class="small text-body-secondary mt-2 mb-0" data-testid="live-figures-as-of">'
    assert f"{as_of}Chiffres à jour au 15 mars 2026 à 12:05</p>" in response.content.decode()
    assert f"{as_of}Chiffres à jour au 15 mars 2026 à 12:05</p>" in html


def test_live_figures_are_worked_out_again_after_ten_minutes(history, today):
    get(PROGRAMME)

    with time_machine.travel(today + timedelta(minutes=11), tick=False):
        html = get(PROGRAMME).content.decode()

    assert "Chiffres à jour au 15 mars 2026 à 12:11</p>" in html


# --- The member corporations and their countries -------------------------------------------------


def test_corporations_lists_the_active_members(members):
    response = get(CORPORATIONS)

    assert table(response, "corporations") == [
        [
            "Alstom https://www.alstom.com",
            "Transport ferroviaire. Présent à Hanoï depuis le début des années 1990.",
            "Maroc, Viêt Nam",
            "Oui : 6 postes, dont 4 à prix coûtant",
        ],
        ["EDF https://www.edf.fr", "—", "Chine, Viêt Nam", "Non"],
    ]
    html = response.content.decode()
    assert '<a class="small fw-normal" href="https://www.alstom.com" rel="external noopener">' in (
        html
    )


def test_corporations_lists_their_countries(members):
    response = get(CORPORATIONS)

    # In the order of French names; each country once, whatever the number of presences.
    assert table(response, "countries") == [
        ["Chine", "EDF", "0"],
        ["Maroc", "Alstom", "2"],
        ["Viêt Nam", "Alstom, EDF", "4"],
    ]


@pytest.mark.parametrize(
    ("at_cost", "expected"),
    [
        ((True, True), "Oui : 5 postes, à prix coûtant"),
        ((False, False), "Oui : 5 postes"),
        ((True, False), "Oui : 5 postes, dont 1 à prix coûtant"),
    ],
)
def test_corporations_say_whether_desks_are_at_cost(at_cost, expected):
    corporation = MemberCorporationFactory(name="Schneider Electric")
    HostingOfferFactory(corporation=corporation, country="VN", desks=1, at_cost=at_cost[0])
    HostingOfferFactory(
        corporation=corporation, country="VN", city="Da Nang", desks=4, at_cost=at_cost[1]
    )

    assert table(get(CORPORATIONS), "corporations")[0][3] == expected


def test_the_map_marks_the_countries_where_members_are_present(members):
    response = get(CORPORATIONS)

    assert map_titles(response, present=True) == {
        "Chine — EDF",
        "Maroc — Alstom",
        "Viêt Nam — Alstom, EDF",
    }
    others = map_titles(response, present=False)
    assert {
        "Allemagne",
        "France",
        "Terres australes et antarctiques françaises",
        "Kosovo",
    } <= others
    html = response.content.decode()
    assert (
        '<svg class="world-map" viewBox="0 0 1010 666" role="img" '
        'aria-labelledby="world-map-title world-map-desc" data-testid="world-map">'
    ) in html
    assert '<title id="world-map-title">' in html
    assert '<desc id="world-map-desc">3 pays, en couleur.' in html


def test_inactive_corporations_are_never_shown(members):
    for url in PUBLIC_PAGES:
        assert "Areva" not in get(url).content.decode()
    # Germany, where Areva alone was present, is neither listed nor marked on the map.
    response = get(CORPORATIONS)
    assert [row[0] for row in table(response, "countries")] == ["Chine", "Maroc", "Viêt Nam"]
    assert "Allemagne" in map_titles(response, present=False)


def test_corporations_with_no_member_yet():
    response = get(CORPORATIONS)

    html = response.content.decode()
    assert "Aucun grand groupe membre pour le moment." in html
    assert "Aucun pays pour le moment." in html
    assert "<svg" not in html


def test_corporations_in_english(members):
    response = get(CORPORATIONS, "en")

    # Country names are Django's (django-countries), in English and in English order.
    assert table(response, "countries") == [
        ["China", "EDF", "0"],
        ["Morocco", "Alstom", "2"],
        ["Vietnam", "Alstom, EDF", "4"],
    ]
    assert table(response, "corporations")[0][2] == "Morocco, Vietnam"
    assert map_titles(response, present=True) == {
        "China — EDF",
        "Morocco — Alstom",
        "Vietnam — Alstom, EDF",
    }
    assert "Germany" in map_titles(response, present=False)


# --- The directory kept in the cache ------------------------------------------------------------


def test_the_directory_says_as_of_when(members, today):
    get(CORPORATIONS)

    with time_machine.travel(today + timedelta(minutes=5), tick=False):
        html = get(CORPORATIONS).content.decode()  # from the cache

    assert "Liste à jour au 15 mars 2026 à 12:00" in html
    assert "List as of March 15, 2026, noon" in get(CORPORATIONS, "en").content.decode()


def test_the_directory_shows_a_change_at_once(members):
    get(CORPORATIONS)
    get(CORPORATIONS, "en")
    edf = members["edf"]

    PresenceFactory(corporation=edf, country="BR", city="Rio de Janeiro")
    HostingOfferFactory(corporation=edf, country="CN", city="Shanghai", desks=3)
    members["alstom"].hosting_offers.get(city="Casablanca").delete()

    response = get(CORPORATIONS)
    assert table(response, "countries") == [
        ["Brésil", "EDF", "0"],
        ["Chine", "EDF", "3"],
        # Alstom was in Morocco by its desks only.
        ["Viêt Nam", "Alstom, EDF", "4"],
    ]
    assert "Brésil — EDF" in map_titles(response, present=True)
    assert "Brazil — EDF" in map_titles(get(CORPORATIONS, "en"), present=True)

    edf.is_active = False
    edf.save()  # as the admin does

    response = get(CORPORATIONS)
    assert [row[0] for row in table(response, "corporations")] == ["Alstom https://www.alstom.com"]
    assert map_titles(response, present=True) == {"Viêt Nam — Alstom"}


# --- No personal data ---------------------------------------------------------------------------


def test_public_pages_show_no_personal_data(
    application_in,
    alstom,
    other_corporation,
    other_interlocutor,
    other_sme_user,
    advisor,
    staff_user,
):
    # Company A accompanied by Alstom's interlocutor; everyone's names and addresses around.
    application = application_in(
        State.ACCOMPANIED, description="Projet confidentiel Zanzibar pour Hanoï."
    )
    HostingOfferFactory(corporation=alstom, country="VN", description="Bureau de Mme Kerhervé")
    InterlocutorFactory(
        corporation=other_corporation,
        countries=["CN"],
        job_title="Responsable discrète",
        user__first_name="Gwendoline",
        user__last_name="Kerhervé",
        user__email="gwendoline.kerherve@edf.example",
    )
    people = [
        application.created_by,
        other_sme_user,
        advisor,
        staff_user,
        alstom.interlocutors.get().user,
        other_interlocutor,
    ]
    # Full names (a first or last name alone may be a word of the page: "Martinique").
    secrets = {f"{p.first_name} {p.last_name}" for p in people} | {p.email for p in people}
    secrets |= {"Kerhervé", "gwendoline.kerherve@edf.example", "Responsable discrète"}
    secrets |= {"Directeur pays Vietnam", "Zanzibar", application.reference}
    secrets |= {"Asconit", application.company.siren, "Hydro Conseil"}
    secrets |= {"CCI Lyon", "Comité local CCE Bretagne"}

    for url in PUBLIC_PAGES:
        page = get(url).content.decode()
        assert {secret for secret in secrets if secret in page} == set(), url
    # The accompanied SME is counted all the same.
    assert figure(get(PROGRAMME), "figure-accompanied").startswith("1 PME accompagnée ")


# --- Query counts --------------------------------------------------------------------------------

# The live figures: the SMEs accompanied (this year and last), the year's goal. Then cached: none.
FIGURES_QUERIES = 2
# The pages' delays (`applications.selectors.delay_estimates`): the sponsors' decisions, the
# reviews' count (and their ranked rows when there are some). Then cached: none.
DELAY_QUERIES = 2
# The corporations, their presences, their hosting offers; then drawn from the cache: none.
CORPORATIONS_QUERIES = 3


@pytest.mark.parametrize(
    ("url", "queries"),
    [(PROGRAMME, FIGURES_QUERIES + DELAY_QUERIES), (HOME, FIGURES_QUERIES + DELAY_QUERIES)],
)
def test_programme_queries(url, queries, django_assert_num_queries):
    with django_assert_num_queries(queries):
        get(url)
    with django_assert_num_queries(0):
        get(url)


def test_programme_queries_with_reviews(history, today, django_assert_num_queries):
    with django_assert_num_queries(FIGURES_QUERIES + DELAY_QUERIES + 1):
        get(PROGRAMME)


def test_corporations_queries_with_one_and_many_members(django_assert_num_queries):
    alstom = MemberCorporationFactory(name="Alstom")
    PresenceFactory(corporation=alstom, country="VN")
    HostingOfferFactory(corporation=alstom, country="VN")
    with django_assert_num_queries(CORPORATIONS_QUERIES):
        get(CORPORATIONS)
    with django_assert_num_queries(0):
        get(CORPORATIONS)

    for name, countries in [("EDF", "CN FR BR"), ("Total", "NG AO"), ("Renault", "MA RO")]:
        corporation = MemberCorporationFactory(name=name)
        for country in countries.split():
            PresenceFactory(corporation=corporation, country=country)
            HostingOfferFactory(corporation=corporation, country=country)
    with django_assert_num_queries(CORPORATIONS_QUERIES):  # the new members: drawn again
        response = get(CORPORATIONS)
    assert len(table(response, "corporations")) == 4
    with django_assert_num_queries(0):
        get(CORPORATIONS)


# --- Under the strict Content-Security-Policy ----------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_carry_the_csp_and_no_inline_code(members, url):
    response = get(url)

    assert csp_directives(response.headers["Content-Security-Policy"]) == CSP_DIRECTIVES
    assert inline_code_in(response.content.decode()) == []


def test_footer_links_to_the_public_pages():
    html = get(reverse("accounts:login")).content.decode()

    assert f'<a href="{PROGRAMME}">Le programme</a>' in html
    assert f'<a href="{CORPORATIONS}">Grands groupes membres</a>' in html


def test_home_links_to_the_public_pages():
    html = get(HOME).content.decode()

    assert f'<a href="{PROGRAMME}">' in html
    assert f'<a href="{CORPORATIONS}">' in html
    assert 'data-testid="live-figures"' in html


# --- The map's data ------------------------------------------------------------------------------


def test_the_map_is_read_once_and_lightened():
    world = worldmap.world_map()

    assert worldmap.world_map() is world
    assert world.view_box == "0 0 1010 666"
    assert len(world.shapes) == 256
    assert all(shape.d.startswith("m") and shape.d.endswith("z") for shape in world.shapes)
    # Nothing in an outline to escape (the page writes them as they are).
    assert all(re.fullmatch(r"[mz0-9.,\- ]+", shape.d) for shape in world.shapes)
    assert sum(len(shape.d) for shape in world.shapes) < 250_000  # from 1.2 MB
    codes = [shape.code for shape in world.shapes]
    assert codes.count("UM") == 6
    assert codes.count("TF") == 3  # with the Glorioso and Juan de Nova islands
    assert {"MC", "VA", "SG", "FR", "VN"} <= set(codes)  # the smallest kept too


def test_outline_writes_relative_moves_between_rounded_points():
    rings = list(worldmap.parse_rings("m 10,10 0.04,0 5,0 0,5 -5.04,-5 z m 20,0 1,0 0,1 z"))

    assert rings == [
        [approx(p) for p in [(10, 10), (10.04, 10), (15.04, 10), (15.04, 15), (10, 10)]],
        [approx(p) for p in [(30, 10), (31, 10), (31, 11)]],
    ]
    # The point 0.04 away is rounded onto the first; the second ring moves from the first's start.
    assert worldmap.outline(rings, tolerance=0, scale=10) == "m10,10 5,0 0,5z" + "m20,0 1,0 0,1z"
    assert worldmap.outline(rings, tolerance=0, scale=100) == (
        "m10,10 .04,0 5,0 0,5z" + "m20,0 1,0 0,1z"
    )


def test_simplify_drops_the_points_within_the_tolerance():
    points = [(0, 0), (1, 0.1), (2, -0.1), (3, 0), (3, 3)]

    assert worldmap.simplify(points, 0.2) == [(0, 0), (3, 0), (3, 3)]
    assert worldmap.simplify(points, 0.05) == points


def test_unknown_commands_are_refused():
    with pytest.raises(ValueError, match="Unexpected path command"):
        list(worldmap.parse_rings("M 1,1 2,2 z"))
