"""The keyboard's focus shows on the navigation bar.

Every page of every role, at both widths and in both languages, with each role's navigation
unfolded on the phone, is checked by tests/browser/test_page_sweep.py (axe-core, the width,
the language, the console and the CSP); the shared machinery is in tests/browser/pages.py.
"""

import pytest
from django.urls import reverse

from tests.browser.pages import (
    SIZES,
    chromium,  # noqa: F401 (a fixture)
    session_cookie,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_keyboard_focus_shows_on_the_navigation_bar(chromium, live_server, staff_user):  # noqa: F811
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
