"""An SME files its first application with the keyboard alone: it signs up, follows the link
of the verification mail (which logs it in), describes its company, files its application,
sends it once with a required choice left out, is taken to the error summary, corrects the
form from there, picks its sponsor, reads the summary, sends, and sees the receipt; logged out
and in again, it finds the application on its dashboard.

Only `page.keyboard` acts on the pages (Tab, Shift+Tab, Enter, Space, typing); `page.goto`
opens the sign-up page and the mail's link, as the person's browser and mail program would.
At every press of Tab the element that receives the focus must show it (an outline or a box
shadow): `tab_to`. The pages with the error summary are also checked with axe-core and at a
phone's width.
"""

import re
import time

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from applications.enums import State
from applications.models import Application
from tests.browser.pages import AXE, measure

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "dirigeante@asconit.fr"
PASSWORD = "Portage-Hanoi-2026!"
CCI_NAME = "CCI Lyon Métropole Saint-Étienne Roanne"
DESCRIPTION = "Suivre les projets de traitement de l'eau au Vietnam depuis Hanoi."
MAX_TABS = 80  # more than any page of the journey has controls before the one sought

# Whether the focused element shows its focus: an outline or a box shadow (Bootstrap's ring).
FOCUS = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) {
    return null;
  }
  const style = getComputedStyle(element);
  return {
    visible: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== "none",
    what: `${element.tagName.toLowerCase()}#${element.id} ${(element.textContent || "").trim()
      .slice(0, 60)}`,
  };
}"""


def label(text: str) -> re.Pattern:
    """A field's accessible name: its label, with the asterisk of a required field."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def assert_focus_shows(page) -> None:
    focus = page.evaluate(FOCUS)
    assert focus is not None, "the focus left the page"
    assert focus["visible"], f"no visible focus on {focus['what']}"


def tab_to(page, target, *, backwards: bool = False):
    """Press Tab (Shift+Tab backwards) until `target` (a locator of one element) has the
    focus, checking at each press that the focused element shows it. Returns the target."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        if target.evaluate("element => element === document.activeElement"):
            assert_focus_shows(page)
            return target
        page.keyboard.press(key)
        assert_focus_shows(page)
    raise AssertionError(f"{MAX_TABS} presses of {key} never reached {target}")


def type_into(page, name: str, text: str) -> None:
    tab_to(page, page.get_by_label(label(name)))
    page.keyboard.type(text)


def choose(page, name: str, typed: str, expected) -> None:
    """Choose in a list by typing, the one place that knows how a list is chosen from: on a
    closed <select>, Chromium selects the first option that starts with what was typed; on
    the searchable picker of the long lists (static/js/picker.js, a combobox in front of the
    hidden <select>), typing filters its list, ArrowDown goes to the first match and Enter
    picks it."""
    control = tab_to(page, page.get_by_label(label(name)))
    page.keyboard.type(typed)
    if control.get_attribute("role") == "combobox":
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        listbox = control.get_attribute("aria-controls")
        select = page.locator(f"#{listbox.removesuffix('-picker-listbox')}")
    else:
        select = control
    expect(select.locator("option:checked")).to_have_text(expected)


def press(page, button_name: str) -> None:
    tab_to(page, page.locator("main").get_by_role("button", name=button_name, exact=True))
    page.keyboard.press("Enter")


def check_page(page, where: str) -> None:
    """No axe-core violation and no horizontal scroll, at the window's width and a phone's."""
    width = page.viewport_size
    for size in (width, {"width": 390, "height": 844}):
        page.set_viewport_size(size)
        measured = measure(page)
        assert measured["violations"] == [], f"{where} at {size['width']} px"
        assert measured["scrollWidth"] <= measured["innerWidth"], f"{where} at {size['width']}"
    page.set_viewport_size(width)


def mail_to(address: str, subject_part: str, wait: float = 5.0):
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        found = [m for m in mail.outbox if address in m.to and subject_part in m.subject]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no mail to {address} about {subject_part!r}")


def test_journey_an_sme_files_its_first_application_with_the_keyboard_alone(
    page, journey, live_server, sponsor_body, browser_context
):
    browser_context.add_init_script(path=str(AXE))
    # Bootstrap's rings fade in; without motion, they are there as soon as the focus is.
    page.emulate_media(reduced_motion="reduce")
    summary = page.locator("[data-error-summary]")

    # (a) Sign up: the first field has the focus when the page opens.
    page.goto(journey.url("accounts:signup"))
    expect(page.get_by_label(label("Prénom"))).to_be_focused()
    type_into(page, "Prénom", "Claire")
    type_into(page, "Nom", "Martin")
    type_into(page, "Adresse e-mail professionnelle", EMAIL)
    type_into(page, "Mot de passe", PASSWORD)
    type_into(page, "Confirmation du mot de passe", PASSWORD)
    journey.shot("signup-filled")
    press(page, "Créer mon compte")
    expect(page.locator("main")).to_contain_text(EMAIL)
    journey.shot("signup-done")

    # (b) The link of the verification mail; its button activates the account and logs in.
    message = mail_to(EMAIL, "")
    [path] = re.findall(re.escape(settings.SITE_URL) + r"(/\S+)", message.body)
    page.goto(live_server.url + path)
    press(page, "Activer mon compte")
    expect(page.get_by_test_id("current-user")).to_have_text(EMAIL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Décrivez votre entreprise")

    # (c) The company, step 1 of 3.
    type_into(page, "Raison sociale", "Asconit Consultants")
    type_into(page, "SIREN", "982 380 578")
    choose(page, "Secteur d'activité (NAF)", "71", re.compile(r"^71 – "))
    choose(page, "Effectif", "10", "10 à 49 salariés")
    choose(page, "Chiffre d'affaires", "De 2", "De 2 à 10 M€")
    choose(page, "Région", "Auv", "Auvergne-Rhône-Alpes")
    choose(page, "Département", "69", "69 – Rhône")
    choose(page, "Expérience à l'export", "Exp", "Export régulier")
    journey.shot("company-filled")
    press(page, "Enregistrer")

    # (d) The application, step 2 of 3, sent first without the kind of support asked for.
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle demande de portage")
    choose(page, "Pays cible", "vi", "Viêt Nam")
    type_into(page, "Ville (facultatif)", "Hanoi")
    choose(page, "Maturité du projet", "Pros", "Prospection engagée")
    type_into(page, "Description du projet", DESCRIPTION)
    press(page, "Enregistrer et choisir le parrain")

    # The focus is on the summary, read out (role="alert"), which leads to the field.
    expect(summary).to_be_focused()
    assert_focus_shows(page)
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_have_text("Le formulaire contient 1 erreur")
    expect(summary).to_contain_text("La demande n'est pas encore enregistrée")
    journey.shot("application-error-summary")
    check_page(page, "the application form with its error summary")
    page.keyboard.press("Tab")
    link = summary.get_by_role("link")
    expect(link).to_have_text("Appui demandé : Choisissez au moins un type d'appui.")
    expect(link).to_be_focused()
    assert_focus_shows(page)
    page.keyboard.press("Enter")
    advice = page.get_by_role("checkbox", name="Conseil et définition de stratégie")
    expect(advice).to_be_focused()
    assert_focus_shows(page)
    expect(advice).to_have_attribute("aria-invalid", "true")
    expect(advice).to_have_attribute("aria-describedby", "id_support_kinds_error")
    expect(page.locator("#id_support_kinds_error")).to_have_text(
        "Choisissez au moins un type d'appui."
    )
    page.keyboard.press("Space")
    expect(advice).to_be_checked()
    # What was typed is still there; back up to the city with Shift+Tab, as one would.
    tab_to(page, page.get_by_label(label("Ville (facultatif)")), backwards=True)
    expect(page.get_by_label(label("Ville (facultatif)"))).to_have_value("Hanoi")
    expect(page.get_by_label(label("Description du projet"))).to_have_value(DESCRIPTION)
    press(page, "Enregistrer et choisir le parrain")

    # (e) The sponsor and the sending, step 3 of 3: the summary, then the choice.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Soumettre la demande PPI-")
    expect(summary).to_have_count(0)
    recap = page.get_by_test_id("summary")
    expect(recap).to_contain_text("Asconit Consultants")
    expect(recap).to_contain_text("Pays cibleViêt Nam")
    expect(recap).to_contain_text("VilleHanoi")
    expect(recap).to_contain_text("Conseil et définition de stratégie")
    tab_to(page, page.get_by_role("radio", name=re.compile(f"^{CCI_NAME}")))
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name=re.compile(f"^{CCI_NAME}"))).to_be_checked()
    journey.shot("sponsor-chosen")
    press(page, "Envoyer au parrain")

    # (f) The receipt, on the application's page.
    application = Application.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Asconit Consultants — Hanoi, Viêt Nam"
    )
    receipt = page.get_by_test_id("receipt")
    expect(receipt.get_by_role("heading")).to_have_text("Accusé de réception")
    expect(receipt).to_contain_text(f"référence {application.reference}")
    expect(receipt).to_contain_text(f"Organisme parrain : {CCI_NAME}.")
    journey.shot("receipt")

    # (g) Logged out, then in again: the application is among the company's.
    tab_to(page, page.get_by_role("button", name="Se déconnecter"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("current-user")).to_have_count(0)
    navigation = page.get_by_role("navigation", name="Navigation principale")
    tab_to(page, navigation.get_by_role("link", name="Se connecter"))
    page.keyboard.press("Enter")
    type_into(page, "Adresse e-mail", EMAIL)
    type_into(page, "Mot de passe", PASSWORD)
    press(page, "Se connecter")
    expect(page.get_by_test_id("current-user")).to_have_text(EMAIL)
    tab_to(page, page.get_by_role("link", name="Mes demandes", exact=True))
    page.keyboard.press("Enter")
    row = page.get_by_role("row").filter(has_text=application.reference)
    expect(row.get_by_test_id("state")).to_have_text("En attente de parrainage")
    journey.shot("dashboard")

    user = User.objects.get(email=EMAIL)
    application.refresh_from_db()
    assert (application.state, application.sponsor_body, application.created_by) == (
        State.AWAITING_SPONSOR,
        sponsor_body,
        user,
    )
    assert (application.target_country.code, application.target_city) == ("VN", "Hanoi")
    assert (application.wants_advice, application.wants_hosting, application.wants_commercial) == (
        True,
        False,
        False,
    )
    assert (application.company.legal_name, application.company.siren) == (
        "Asconit Consultants",
        "982380578",
    )
