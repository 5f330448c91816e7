"""Every role's main pages fit the screen and pass axe-core, at a laptop's width and a phone's,
in French and in English.

For each role (anonymous, SME, sponsor advisor, association staff past its second factor,
interlocutor coordinator: the widest navigation bars), each page is loaded at 1366x900 and
390x844 in both languages, and must
- not be wider than the window (`scrollWidth <= innerWidth`: no horizontal scrolling),
- have no axe-core violation of WCAG 2.0 and 2.1, levels A and AA,
- log no error to the console (a Content-Security-Policy violation is one).
A full-page screenshot of each goes to `test-artifacts/layout/<role>-<page>-<language>-<width>.png`.

axe-core is vendored under tests/browser/vendor/axe-core (with its MPL-2.0 licence). The
portal's strict CSP refuses the inline `<script>` that `page.add_script_tag` writes, so axe is
given to each page as an init script (Chromium's DevTools protocol, which the CSP does not
govern): the pages themselves are checked under their real CSP, not with it bypassed.

One Chromium for the whole test, one context per role, reused across languages and widths;
every failure is collected, and the test fails at the end listing all of them.
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse

from applications.enums import State
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS
from tests.conftest import TwoFactorClient

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SIZES = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}
LANGUAGES = ("fr", "en")
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "layout"

# What the page measures: its width against the window's, and axe's violations.
MEASURE = """async (tags) => {
  const result = await window.axe.run(document, {runOnly: {type: "tag", values: tags}});
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    violations: result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({
        target: n.target.join(" "),
        summary: (n.failureSummary || "").split("\\n").slice(0, 3).join(" "),
      })),
    })),
  };
}"""


@dataclass
class Role:
    name: str
    user: object  # None for the anonymous visitor
    pages: dict[str, str] = field(default_factory=dict)  # page name: path


def session_cookie(user, base_url: str) -> dict:
    """The cookie of a session logged in as `user`, past the second factor if the user has
    an authenticator app (the login page itself is tested elsewhere)."""
    client = TwoFactorClient()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


@pytest.fixture
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (set PLAYWRIGHT_CHROMIUM_EXECUTABLE)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()  # see the browser_context fixture in conftest.py


def visit(context, base_url: str, role: Role, failures: list[str]) -> int:
    """Load each of the role's pages in each language and size; note what fails. Returns the
    number of pages checked."""
    checked = 0
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    for language in LANGUAGES:
        if role.user is not None:  # the account's language, which a login would apply
            type(role.user).objects.filter(pk=role.user.pk).update(language=language)
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
        )
        for size_name, size in SIZES.items():
            page.set_viewport_size(size)
            for page_name, path in role.pages.items():
                where = f"{role.name} {page_name} ({language}, {size_name} px)"
                errors.clear()
                response = page.goto(base_url + path)
                if response is None or response.status != 200:
                    failures.append(f"{where}: status {response and response.status}")
                    continue
                if page.evaluate("document.documentElement.lang") != language:
                    failures.append(f"{where}: the page is not in {language}")
                shot = f"{role.name}-{page_name}-{language}-{size_name}"
                check(page, where, shot, errors, failures)
                checked += 1
            # On the phone, the navigation folded into its menu: unfolded, with the account's
            # menu open too, it must fit and pass as well.
            toggler = page.get_by_test_id("menu")
            if toggler.is_visible():
                toggler.click()
                page.locator("#main-nav.show").wait_for()
                if role.user is not None:
                    page.get_by_test_id("current-user").click()
                    page.locator("#main-nav .dropdown-menu.show").wait_for()
                where = f"{role.name} {page_name} with its menu open ({language}, {size_name} px)"
                check(page, where, f"{role.name}-menu-{language}-{size_name}", errors, failures)
                checked += 1
    page.close()
    return checked


def check(page, where: str, shot: str, errors: list[str], failures: list[str]) -> None:
    """Measure the page as it is now, keep its screenshot, and note what fails."""
    measured = page.evaluate(MEASURE, AXE_TAGS)
    page.screenshot(path=SCREENSHOTS / f"{shot}.png", full_page=True)
    if measured["scrollWidth"] > measured["innerWidth"]:
        failures.append(
            f"{where}: {measured['scrollWidth']} px wide in a window of {measured['innerWidth']} px"
        )
    for violation in measured["violations"]:
        failures.append(f"{where}: axe {json.dumps(violation, ensure_ascii=False)}")
    for error in errors:
        failures.append(f"{where}: console error: {error}")
    errors.clear()


def test_every_role_s_pages_fit_the_screen_and_pass_axe(
    chromium,
    live_server,
    application_in,
    sme_user,
    advisor,
    staff_user,
    interlocutor,
):
    # The widest bars: staff with the administration link, an interlocutor who coordinates
    # its corporation (two more links).
    staff_user.is_staff = True
    staff_user.save(update_fields=["is_staff"])
    interlocutor.interlocutor.is_coordinator = True
    interlocutor.interlocutor.save(update_fields=["is_coordinator"])
    awaiting_sponsor = application_in(State.AWAITING_SPONSOR)
    in_review = application_in(State.IN_REVIEW)
    proposed = application_in(State.PROPOSED)
    application_in(State.ACCOMPANIED, target_city="Hô Chi Minh-Ville")

    def detail(application) -> str:
        return reverse("applications:detail", args=[application.pk])

    account = reverse("privacy:overview")
    notifications = reverse("notifications:list")
    roles = [
        Role(
            "anonymous",
            None,
            {
                "home": reverse("home"),
                "login": reverse("accounts:login"),
                "signup": reverse("accounts:signup"),
            },
        ),
        Role(
            "sme",
            sme_user,
            {
                "dashboard": reverse("applications:dashboard"),
                "application": detail(in_review),
                "notifications": notifications,
                "account": account,
            },
        ),
        Role(
            "advisor",
            advisor,
            {
                "queue": reverse("applications:sponsor_queue"),
                "application": detail(awaiting_sponsor),
                "notifications": notifications,
                "account": account,
            },
        ),
        Role(
            "staff",
            staff_user,
            {
                "queue": reverse("applications:staff_queue"),
                "application": detail(in_review),
                "notifications": notifications,
                "account": account,
            },
        ),
        Role(
            "interlocutor",
            interlocutor,
            {
                "queue": reverse("applications:interlocutor_queue"),
                "application": detail(proposed),
                "profile": reverse("corporations:profile"),
                "notifications": notifications,
                "account": account,
            },
        ),
    ]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()

    failures: list[str] = []
    checked = 0
    for role in roles:
        context = chromium.new_context(locale="fr-FR", timezone_id="Europe/Paris")
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.add_init_script(path=str(AXE))
        if role.user is not None:
            context.add_cookies([session_cookie(role.user, live_server.url)])
        try:
            checked += visit(context, live_server.url, role, failures)
        finally:
            context.close()

    # Each page in each language and size, and each role's unfolded menu on the phone.
    pages = sum(len(role.pages) for role in roles)
    expected = pages * len(LANGUAGES) * len(SIZES) + len(roles) * len(LANGUAGES)
    assert failures == [], "\n".join(failures)
    assert checked == expected == 90


def test_the_keyboard_focus_shows_on_the_navigation_bar(chromium, live_server, staff_user):
    """Tabbing from the top of the page: the skip link, then the brand and each link of the
    bar, each with a white ring on the blue bar (Bootstrap's own ring is blue on blue)."""
    context = chromium.new_context(viewport=SIZES["1366"], locale="fr-FR")
    context.add_cookies([session_cookie(staff_user, live_server.url)])
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("applications:staff_queue"))
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
        focused = []
        for _ in range(4):
            page.keyboard.press("Tab")
            focused.append(
                page.evaluate(
                    """() => {
                      const element = document.activeElement, style = getComputedStyle(element);
                      return [element.textContent.trim(), style.outlineStyle, style.outlineWidth,
                              style.outlineColor];
                    }"""
                )
            )
    finally:
        context.close()

    ring = ["solid", "3px", "rgb(255, 255, 255)"]
    assert focused == [
        ["Pacte PME international", *ring],
        ["Dossiers en instruction", *ring],
        ["Chiffres", *ring],
        ["Grands groupes", *ring],
    ]
