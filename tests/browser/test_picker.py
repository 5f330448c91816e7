"""The searchable picker (static/js/picker.js) in Chromium: a country chosen with the keyboard
alone on the application form, countries added and removed as chips on an interlocutor's
profile, the same with a finger on a phone, and the open picker checked by axe-core at a
laptop's width and a phone's."""

import json

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from applications.models import Application
from corporations.models import Interlocutor
from tests.browser.conftest import CHROMIUM_ARGS, TIMEOUT_MS
from tests.browser.pages import AXE, SIZES, session_cookie
from tests.browser.pages import measure as measure_page

pytestmark = [
    pytest.mark.browser,
    # The live server reads the data from another thread: it must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def measure(page) -> list[str]:
    """What is wrong with the page as it is now: a horizontal scroll, axe's violations."""
    measured = measure_page(page)
    problems = [json.dumps(v, ensure_ascii=False) for v in measured["violations"]]
    if measured["scrollWidth"] > measured["innerWidth"]:
        problems.append(f"{measured['scrollWidth']} px wide in {measured['innerWidth']} px")
    return problems


def test_a_country_is_chosen_with_the_keyboard_alone(journey, sme_user):
    page = journey.page
    journey.log_in(sme_user)
    page.goto(journey.url("applications:create"))
    country = page.get_by_role("combobox", name="Pays cible")
    select = page.locator("#id_target_country")

    expect(select).to_be_hidden()  # still in the form, not on the screen
    expect(country).to_have_attribute("aria-expanded", "false")
    expect(country).to_have_attribute("placeholder", "Choisissez un pays")
    country.focus()
    page.keyboard.type("viet")
    expect(country).to_have_attribute("aria-expanded", "true")
    listbox = page.locator("#id_target_country-picker-listbox")
    expect(listbox.get_by_role("option")).to_have_text(["Viêt Nam"])
    page.keyboard.press("ArrowDown")
    active = country.get_attribute("aria-activedescendant")
    expect(page.locator(f"#{active}")).to_have_text("Viêt Nam")
    page.keyboard.press("Enter")

    expect(country).to_have_value("Viêt Nam")
    expect(country).to_have_attribute("aria-expanded", "false")
    expect(select).to_have_value("VN")
    journey.shot("country-chosen")
    page.get_by_label("Conseil et définition de stratégie").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Enregistrer le brouillon").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("Brouillon enregistré")
    assert Application.objects.get().target_country.code == "VN"


def test_the_filter_ignores_accents_case_and_spaces_and_escape_restores(journey, sme_user):
    page = journey.page
    journey.log_in(sme_user)
    page.goto(journey.url("applications:create"))
    country = page.get_by_role("combobox", name="Pays cible")
    listbox = page.locator("#id_target_country-picker-listbox")

    country.focus()
    page.keyboard.type("COTE")
    expect(listbox.get_by_role("option", name="Côte d'Ivoire")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="résultat")).to_have_count(1)
    country.fill("")
    page.keyboard.type("vietnam")
    expect(listbox.get_by_role("option")).to_have_text(["Viêt Nam"])
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    country.fill("")
    page.keyboard.type("zzz")
    expect(page.locator(".picker-empty")).to_have_text("Aucun résultat")
    expect(country).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Escape")  # nothing open: clears what was typed
    page.keyboard.press("ArrowDown")  # the whole list, the current choice active
    active = country.get_attribute("aria-activedescendant")
    expect(page.locator(f"#{active}")).to_have_text("Viêt Nam")
    page.keyboard.press("End")
    expect(page.locator(f"#{country.get_attribute('aria-activedescendant')}")).to_have_text(
        "Zimbabwe"
    )
    page.keyboard.press("Home")
    expect(page.locator(f"#{country.get_attribute('aria-activedescendant')}")).to_have_text(
        "Afghanistan"
    )
    page.keyboard.press("Escape")
    expect(country).to_have_attribute("aria-expanded", "false")
    expect(country).to_have_value("Viêt Nam")
    page.keyboard.press("Tab")  # leaving keeps the choice
    expect(page.locator("#id_target_country")).to_have_value("VN")


def test_an_interlocutor_adds_and_removes_countries_with_the_keyboard(journey, interlocutor):
    page = journey.page
    journey.log_in(interlocutor)
    page.goto(journey.url("corporations:profile"))
    countries = page.get_by_role("combobox", name="Pays suivis")
    chips = page.get_by_role("list", name="Vos choix : Pays suivis")

    expect(page.locator("#id_countries")).to_be_hidden()
    expect(page.locator("main")).not_to_contain_text("Ctrl")  # no Ctrl+click with the picker
    expect(chips.get_by_role("button")).to_have_text(["Viêt Nam"])
    expect(chips.get_by_role("button")).to_have_accessible_name("Retirer Viêt Nam")
    countries.focus()
    for name in ("maroc", "japon"):
        page.keyboard.type(name)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        expect(countries).to_have_value("")
    buttons = chips.get_by_role("button")
    expect(buttons).to_have_text(["Viêt Nam", "Maroc", "Japon"])
    page.keyboard.press("Escape")
    page.keyboard.press("Backspace")  # the input is empty: takes back the last one added
    expect(buttons).to_have_text(["Viêt Nam", "Maroc"])
    expect(countries).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="Retirer Viêt Nam")).to_be_focused()
    page.keyboard.press("Enter")
    expect(buttons).to_have_text(["Maroc"])
    expect(page.get_by_role("button", name="Retirer Maroc")).to_be_focused()
    journey.shot("countries-chosen")
    page.get_by_test_id("save-profile").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("Votre profil est enregistré.")
    row = Interlocutor.objects.get(user=interlocutor)
    assert [country.code for country in row.countries] == ["MA"]
    expect(chips.get_by_role("button")).to_have_text(["Maroc"])


def open_picker(page, combobox: str, typed: str, *, pick: bool = False) -> None:
    """Open a picker by its label and type in it; `pick` chooses the first match, which a
    multiple picker follows with its list still open."""
    field = page.get_by_role("combobox", name=combobox).first
    field.click()
    page.keyboard.type(typed)
    page.keyboard.press("ArrowDown")
    if pick:
        page.keyboard.press("Enter")
    listbox = page.locator("#" + field.get_attribute("aria-controls"))
    expect(listbox).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")


@pytest.mark.parametrize("width", list(SIZES))
def test_the_open_picker_passes_axe_and_fits(
    journey, live_server, sme_user, interlocutor, staff_user, sponsor_body, width
):
    """Each kind of page with pickers, one of them open: the application and company forms,
    an interlocutor's profile, a corporation's presences (its coordinator), the staff queue's
    filters, an invitation."""
    interlocutor.interlocutor.is_coordinator = True
    interlocutor.interlocutor.save(update_fields=["is_coordinator"])
    corporation = interlocutor.interlocutor.corporation
    page = journey.page
    page.context.add_init_script(path=str(AXE))
    page.set_viewport_size(SIZES[width])
    visits = [
        (sme_user, reverse("applications:create"), "Pays cible", "a", False),
        (sme_user, reverse("companies:edit"), "Secteur", "ing", False),
        (interlocutor, reverse("corporations:profile"), "Pays suivis", "ma", True),
        (
            interlocutor,
            reverse("corporations:corporation_edit", args=[corporation.slug]),
            "Secteurs (divisions NAF)",
            "info",
            True,
        ),
        (staff_user, reverse("applications:staff_queue"), "Secteur", "info", False),
        (staff_user, reverse("accounts:invitation_create"), "Organisme parrain", "", False),
    ]
    problems = []
    # A Content-Security-Policy violation is logged as a console error.
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    for user, path, combobox, typed, pick in visits:
        page.context.clear_cookies()
        page.context.add_cookies([session_cookie(user, live_server.url)])
        page.goto(live_server.url + path)
        open_picker(page, combobox, typed, pick=pick)
        journey.shot(f"{combobox}-{width}")
        problems += [f"{path}: {problem}" for problem in measure(page)]

    assert problems == []


@pytest.fixture
def touch_page(live_server):
    """A phone: a touch screen 390 px wide, French."""
    import os

    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            viewport=SIZES["390"], has_touch=True, is_mobile=True, locale="fr-FR"
        )
        context.set_default_timeout(TIMEOUT_MS)
        try:
            yield context
        finally:
            browser.close()
            from django.db import connections

            connections.close_all()


def test_a_finger_chooses_and_removes(touch_page, live_server, sme_user, interlocutor):
    touch_page.add_cookies(
        [
            session_cookie(sme_user, live_server.url),
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "url": live_server.url},
        ]
    )
    page = touch_page.new_page()
    page.goto(live_server.url + reverse("applications:create"))
    country = page.get_by_role("combobox", name="Pays cible")
    country.tap()
    listbox = page.locator("#id_target_country-picker-listbox")
    expect(listbox).to_be_visible()
    page.keyboard.type("viet")  # the phone's keyboard
    listbox.get_by_role("option", name="Viêt Nam").tap()
    expect(country).to_have_value("Viêt Nam")
    expect(listbox).to_be_hidden()
    page.get_by_label("Conseil et définition de stratégie").tap()
    page.get_by_role("button", name="Enregistrer le brouillon").tap()
    expect(page.get_by_role("alert")).to_contain_text("Brouillon enregistré")
    assert Application.objects.get().target_country.code == "VN"

    touch_page.clear_cookies()
    touch_page.add_cookies([session_cookie(interlocutor, live_server.url)])
    page.goto(live_server.url + reverse("corporations:profile"))
    countries = page.get_by_role("combobox", name="Pays suivis")
    countries.tap()
    page.keyboard.type("maroc")
    page.get_by_role("option", name="Maroc").tap()
    page.get_by_role("button", name="Retirer Viêt Nam").tap()
    expect(
        page.get_by_role("list", name="Vos choix : Pays suivis").get_by_role("button")
    ).to_have_text(["Maroc"])
    page.get_by_test_id("save-profile").tap()
    expect(page.get_by_role("alert")).to_contain_text("Votre profil est enregistré.")
    row = Interlocutor.objects.get(user=interlocutor)
    assert [country.code for country in row.countries] == ["MA"]


def test_an_error_stays_tied_to_the_combobox(journey, sme_user):
    page = journey.page
    journey.log_in(sme_user)
    page.goto(journey.url("applications:create"))
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    country = page.get_by_role("combobox", name="Pays cible")
    error = page.locator("#id_target_country_error")
    expect(error).to_have_text("Choisissez le pays cible de votre projet.")
    expect(error).to_be_visible()
    expect(country).to_have_attribute("aria-describedby", "id_target_country_error")
    expect(country).to_have_attribute("aria-invalid", "true")
    expect(country).to_have_attribute("aria-required", "true")
    expect(country).to_have_accessible_description("Choisissez le pays cible de votre projet.")


def test_the_picker_speaks_english_on_an_english_page(journey, live_server, interlocutor):
    type(interlocutor).objects.filter(pk=interlocutor.pk).update(language="en")
    page = journey.page
    page.context.add_cookies(
        [
            session_cookie(interlocutor, live_server.url),
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
        ]
    )
    page.goto(live_server.url + reverse("corporations:profile"))
    countries = page.get_by_role("combobox", name="Countries covered")

    expect(countries).to_have_attribute("placeholder", "Type to search")
    expect(page.get_by_role("list", name="Your choices: Countries covered")).to_be_visible()
    expect(page.get_by_role("button", name="Remove Vietnam")).to_be_visible()
    countries.focus()
    page.keyboard.type("zzz")
    expect(page.locator(".picker-empty").first).to_have_text("No results")
    expect(page.get_by_role("status").filter(has_text="No results")).to_have_count(1)
    countries.fill("")
    page.keyboard.type("united")
    expect(page.get_by_role("status").filter(has_text=" results")).to_have_count(1)
