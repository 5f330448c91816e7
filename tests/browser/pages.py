"""What the page-level browser tests share: Chromium, a logged-in session, axe-core, and one
measure of a page (its width, axe's violations, the words of the wrong language, the
Content-Security-Policy violations).

axe-core is vendored under tests/browser/vendor/axe-core (with its MPL-2.0 licence). The
portal's strict CSP refuses the inline `<script>` that `page.add_script_tag` writes, so axe is
given to each page as an init script (Chromium's DevTools protocol, which the CSP does not
govern): the pages themselves are checked under their real CSP, not with it bypassed. A second
init script records the CSP's violation events, so that a refused style or script fails the
test even when Chromium logs nothing to the console.
"""

import json
import os
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS
from tests.conftest import TwoFactorClient

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SIZES = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}
LANGUAGES = ("fr", "en")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

# Kept by the page from its first script on: each CSP violation, as the browser reports it.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} refused ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile || ""}:${event.lineNumber || ""})`
  );
});
"""

# Frequent function words of each language, which a page in the other language has no reason
# to hold outside user content. Short and unambiguous: words shared by both languages ("a",
# "an", "on", "me", "son", "pour"...) would only find noise.
WORDS = {
    # Words of French, looked for on English pages.
    "fr": [
        "le", "la", "les", "des", "du", "une", "pour", "avec", "vous", "votre", "vos", "est",
        "sont", "dans", "sur", "aux", "être", "et", "ou", "au", "ce", "cette", "qui", "que",
        "pas", "par", "nous", "leur", "été", "à",
    ],
    # Words of English, looked for on French pages.
    "en": [
        "the", "and", "with", "your", "you", "for", "this", "from", "are", "have", "has",
        "will", "of", "to", "is", "not", "by", "our", "which", "be",
    ],
}  # fmt: skip
# What may hold such a word in a page of the other language. Each with its reason; keep short.
ALLOWED = [
    "Pacte PME international",  # the programme's name, in every language
    "Pacte PME",  # its short name
    "CC BY 4.0",  # the licence of the public figures, named as Creative Commons names it
]
# Where a page may hold words of the other language, by CSS selector; each with its reason.
# (User content is marked in the templates, `data-user-content`; a passage in another
# language carries its `lang`; what a person types in a form is theirs.)
ALLOWED_WHERE = [
    "textarea",  # what the person wrote
    # The French regions and departments: proper names, not translated ("Pays de la Loire").
    "select[name=region] option:not([value=''])",
    "select[name=department] option:not([value=''])",
]

# What the page measures: its width against the window's, axe's violations, the text of the
# wrong language, the CSP's violations.
MEASURE = """async ([tags, foreign, allowed, allowedWhere]) => {
  // Only the violations are reported: axe then skips the details of what passes.
  const result = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  const page = document.documentElement.lang;
  // Visible text and the text read out (labels, placeholders, alternatives), outside what is
  // marked as another language (`lang`) or as user content (`data-user-content`).
  const outside = ["script", "style", "template", "[data-user-content]", ...allowedWhere].join();
  const skipped = (element) => element.closest(outside) || element.closest("[lang]").lang !== page;
  const pieces = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.data.trim() || skipped(element)) continue;
    if (element.tagName !== "OPTION" && !element.checkVisibility({visibilityProperty: true})) {
      // Hidden text for screen readers only is read out: keep it.
      if (!element.closest(".visually-hidden, .visually-hidden-focusable")) continue;
    }
    pieces.push(node.data);
  }
  for (const element of document.body.querySelectorAll(
    "[aria-label], [placeholder], [title], img[alt], input[type=submit][value]"
  )) {
    if (skipped(element)) continue;
    for (const name of ["aria-label", "placeholder", "title", "alt"]) {
      if (element.hasAttribute(name)) pieces.push(element.getAttribute(name));
    }
    if (element.matches("input[type=submit]")) pieces.push(element.value);
  }
  pieces.push(document.title);
  const words = new Set(foreign);
  const wrong = [];
  for (let text of pieces) {
    text = text.replace(/\\s+/g, " ").trim();
    let checked = text;
    for (const phrase of allowed) checked = checked.split(phrase).join(" ");
    const found = checked.toLowerCase().split(/[^\\p{L}]+/u).filter((word) => words.has(word));
    if (found.length) {
      wrong.push(`${JSON.stringify(text.slice(0, 120))} (${[...new Set(found)].join(", ")})`);
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    language: page,
    wrongLanguage: [...new Set(wrong)],
    csp: window.__cspViolations || [],
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


def measure(page, language: str | None = None) -> dict:
    """What `MEASURE` finds on the page as it is now: its width, axe's violations, the words of
    the other language than `language` (by default the page's own), the CSP's violations."""
    language = language or page.evaluate("document.documentElement.lang")
    other = next(code for code in LANGUAGES if code != language)
    return page.evaluate(MEASURE, [AXE_TAGS, WORDS[other], ALLOWED, ALLOWED_WHERE])


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
    """One headless Chromium for the test; a context per role."""
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


def new_context(chromium, base_url: str, user=None):
    """A context as `user` (anonymous if None), with axe and the CSP listener on every page."""
    context = chromium.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.add_init_script(path=str(AXE))
    context.add_init_script(CSP_LISTENER)
    if user is not None:
        context.add_cookies([session_cookie(user, base_url)])
    return context


def use_language(context, base_url: str, user, language: str) -> None:
    """Read the pages in `language`: the account's (which a login would apply) and the
    cookie's (which the language switch sets)."""
    if user is not None:
        type(user).objects.filter(pk=user.pk).update(language=language)
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    )


class Checker:
    """Measures pages, keeps their screenshots, and collects what fails."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.failures: list[str] = []
        self.checked = 0
        self.seconds: Counter[str] = Counter()  # where the time goes: measuring, screenshots
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()

    def watch(self, page) -> list[str]:
        """The page's console errors and uncaught exceptions, from now on."""
        errors: list[str] = []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        return errors

    def check(self, page, where: str, shot: str, errors: list[str], language: str) -> None:
        """Measure the page as it is now, keep its screenshot, and note what fails."""
        started = time.monotonic()
        measured = measure(page, language)
        self.seconds["measure"] += time.monotonic() - started
        started = time.monotonic()
        page.screenshot(path=self.folder / f"{shot}.png", full_page=True)
        self.seconds["screenshot"] += time.monotonic() - started
        self.checked += 1
        failures = self.failures
        if measured["language"] != language:
            failures.append(f"{where}: the page is in {measured['language']!r}, not {language}")
        if measured["scrollWidth"] > measured["innerWidth"]:
            failures.append(
                f"{where}: {measured['scrollWidth']} px wide in a window of "
                f"{measured['innerWidth']} px"
            )
        for violation in measured["violations"]:
            failures.append(f"{where}: axe {json.dumps(violation, ensure_ascii=False)}")
        for text in measured["wrongLanguage"]:
            failures.append(f"{where}: not in {language}: {text}")
        for violation in measured["csp"]:
            failures.append(f"{where}: CSP violation: {violation}")
        for error in errors:
            failures.append(f"{where}: console error: {error}")
        errors.clear()
