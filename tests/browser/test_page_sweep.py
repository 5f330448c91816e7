"""Every page of the URL sweep that renders HTML, for each role that may open it, at a laptop's
width and a phone's, in French and in English.

The pages and who may open them come from the URL sweep (`ACCESS` and `World` of
tests/test_url_sweep.py): one persona per role (the `other_*` personas of organisation B see
the same pages, on B's objects), each page whose GET is a 200 for it. Each is loaded at
1366x900 and 390x844 in both languages, and must
- not be wider than the window (`scrollWidth <= innerWidth`: no horizontal scrolling),
- have no axe-core violation of WCAG 2.0 and 2.1, levels A and AA,
- hold no frequent word of the other language outside user content (`pages.WORDS`),
- log no error to the console, and break no rule of the Content-Security-Policy.
On the phone, each role's navigation is also checked unfolded, with the account's menu open.
A full-page screenshot of each goes to `test-artifacts/sweep/<role>-<url>-<language>-<width>.png`.

One Chromium for the whole test, one context and one tab per role; every failure is collected,
and the test fails at the end listing all of them.
"""

import time

import pytest
from django.urls import reverse

from applications.enums import State
from tests.browser.pages import (
    ALLOWED,
    ALLOWED_WHERE,
    ARTIFACTS,
    AXE_TAGS,
    LANGUAGES,
    MEASURE,
    SIZES,
    WORDS,
    Checker,
    chromium,  # noqa: F401 (a fixture)
    new_context,
    use_language,
)
from tests.test_url_sweep import ACCESS, World, url_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# One persona per role. The interlocutor coordinates its corporation (World.corporation makes
# it so), which opens the corporation's pages to it.
ROLES = ("anonymous", "sme_user", "advisor", "staff_user", "interlocutor", "admin_user")
# Django's admin is not ours: its templates, its CSS and its translations are Django's.
NOT_OURS = ("admin:",)
# Beside the sweep's objects (an application proposed to a corporation, a draft), the
# application page in the states where each role acts on it.
MORE = {
    "sme_user": {
        "application-in-review": State.IN_REVIEW,
        "application-info": State.AWAITING_INFORMATION,
    },
    "advisor": {"application-awaiting-sponsor": State.AWAITING_SPONSOR},
    "staff_user": {"application-in-review": State.IN_REVIEW},
}
HTML = "text/html"


def pages_of(role: str, world: World, request_context, base_url: str) -> dict[str, str]:
    """The pages `role` may open (a 200 on GET) that are HTML: name: path. A download (a PDF,
    a document, an export) is fetched without rendering, and left out."""
    pages = {}
    for name, access in ACCESS.items():
        if name.startswith(NOT_OURS) or access.get[role] != 200:
            continue
        path = url_of(name, world)
        response = request_context.get(base_url + path, max_redirects=0)
        assert response.status == 200, (role, name, response.status)
        if response.headers["content-type"].split(";")[0] == HTML:
            pages[name.replace(":", "-")] = path
        response.dispose()
    return pages


def test_every_page_of_every_role_fits_reads_right_and_passes_axe(
    chromium,  # noqa: F811
    live_server,
    request,
    application_in,
):
    started = time.monotonic()
    world = World(request)
    world.corporation("A")  # the interlocutor coordinates Alstom
    # An accompanied application in a city with diacritics, in the interlocutor's queue.
    application_in(State.ACCOMPANIED, target_city="Hô Chi Minh-Ville")
    base_url = live_server.url
    checker = Checker(ARTIFACTS / "sweep")
    count = {}

    for role in ROLES:
        user = None if role == "anonymous" else world.persona(role)
        context = new_context(chromium, base_url, user)
        try:
            pages = pages_of(role, world, context.request, base_url)
            for name, state in MORE.get(role, {}).items():
                pages[name] = reverse("applications:detail", args=[application_in(state).pk])
            count[role] = len(pages)
            page = context.new_page()
            errors = checker.watch(page)
            for language in LANGUAGES:
                use_language(context, base_url, user, language)
                for size_name, size in SIZES.items():
                    page.set_viewport_size(size)
                    for name, path in pages.items():
                        where = f"{role} {name} {path} ({language}, {size_name} px)"
                        errors.clear()
                        loading = time.monotonic()
                        response = page.goto(base_url + path)
                        checker.seconds["load"] += time.monotonic() - loading
                        if response is None or response.status != 200:
                            checker.failures.append(
                                f"{where}: status {response and response.status}"
                            )
                            continue
                        checker.check(
                            page, where, f"{role}-{name}-{language}-{size_name}", errors, language
                        )
                    # On the phone, the navigation folds into its menu: unfolded, with the
                    # account's menu open too, it must fit and pass as well.
                    toggler = page.get_by_test_id("menu")
                    if toggler.is_visible():
                        toggler.click()
                        page.locator("#main-nav.show").wait_for()
                        if user is not None:
                            page.get_by_test_id("current-user").click()
                            page.locator("#main-nav .dropdown-menu.show").wait_for()
                        where = f"{role} with its menu open ({language}, {size_name} px)"
                        checker.check(
                            page, where, f"{role}-menu-{language}-{size_name}", errors, language
                        )
            page.close()
        finally:
            context.close()

    pages = sum(count.values())
    menus = len(ROLES) * len(LANGUAGES)  # one unfolded menu per role and language, on the phone
    seconds = time.monotonic() - started
    print(
        f"\n{pages} pages ({count}) x {len(SIZES)} widths x {len(LANGUAGES)} languages"
        f" + {menus} unfolded menus = {checker.checked} checks in {seconds:.0f} s"
        f" ({', '.join(f'{part} {s:.0f} s' for part, s in checker.seconds.items())})"
    )
    assert checker.failures == [], f"{len(checker.failures)} failures:\n" + "\n".join(
        checker.failures
    )
    assert checker.checked == pages * len(SIZES) * len(LANGUAGES) + menus


def test_the_language_check_finds_the_other_language_outside_user_content(
    chromium,  # noqa: F811
    live_server,
):
    """The check the sweep relies on: on a French page, English words are found and named,
    but not in user content, a passage marked as English, a form's text or an allowed name."""
    context = new_context(chromium, live_server.url)
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("privacy:retention"))
        page.evaluate(
            """() => document.querySelector("main").insertAdjacentHTML("beforeend", `
              <p>Téléchargez the file</p>
              <button aria-label="Close this"></button>
              <p data-user-content>Written by the SME, with its words</p>
              <p lang="en">English, in a passage marked as such</p>
              <textarea>What you typed</textarea>
              <p>Pacte PME international, sous licence CC BY 4.0</p>
              <p class="visually-hidden">Read out to you</p>
              <p hidden>Not shown to anyone</p>`)"""
        )
        other = "en"
        measured = page.evaluate(MEASURE, [AXE_TAGS, WORDS[other], ALLOWED, ALLOWED_WHERE])
    finally:
        context.close()

    assert measured["language"] == "fr"
    assert measured["wrongLanguage"] == [
        '"Téléchargez the file" (the)',
        '"Read out to you" (to, you)',
        '"Close this" (this)',
    ]
