"""The home page with all it can show (last year's SMEs, the goal, measured delays) fits a
laptop's screen and a phone's and passes axe-core, in French and in English.

The layout sweep (`test_layout_a11y`) visits the home page of an empty programme; this one
fills it. Screenshots go to `test-artifacts/home/home-<language>-<width>.png`.
"""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from reports.models import Goal
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.pages import AXE, LANGUAGES, SIZES, chromium, measure
from tests.reports.conftest import History, accepted

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

__all__ = ["chromium"]  # the fixture, used by name

PARIS = ZoneInfo("Europe/Paris")
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "home"


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=9, tzinfo=PARIS)


def test_the_full_home_page_fits_and_passes_axe(chromium, live_server, settings):
    settings.REVIEW_ESTIMATE_MIN_REVIEWS = 1
    history = History()
    for name, dates in [
        ("a", ("2025-03-02", "2025-03-04", "2025-04-01")),
        ("b", ("2025-09-01", "2025-09-03", "2025-10-01")),
        ("c", ("2026-10-01", "2026-10-06", "2026-11-02")),
    ]:
        history.walk(history.company(name, "62"), "VN", history.body, *accepted(*map(at, dates)))
    Goal.objects.create(year=2026, smes_accompanied=100)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    failures = []
    with time_machine.travel(datetime(2026, 12, 3, 10, tzinfo=PARIS), tick=True):
        context = chromium.new_context(locale="fr-FR", timezone_id="Europe/Paris")
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        errors = []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        try:
            for language in LANGUAGES:
                context.add_cookies(
                    [
                        {
                            "name": settings.LANGUAGE_COOKIE_NAME,
                            "value": language,
                            "url": live_server.url,
                        }
                    ]
                )
                for size_name, size in SIZES.items():
                    where = f"home ({language}, {size_name} px)"
                    page.set_viewport_size(size)
                    page.goto(live_server.url + reverse("home"))
                    assert page.get_by_test_id("figure-last-year").is_visible()
                    assert page.get_by_test_id("home-delays-measured").is_visible()
                    measured = measure(page)
                    page.screenshot(
                        path=SCREENSHOTS / f"home-{language}-{size_name}.png", full_page=True
                    )
                    if measured["scrollWidth"] > measured["innerWidth"]:
                        failures.append(f"{where}: {measured['scrollWidth']} px wide")
                    failures += [
                        f"{where}: axe {v['id']} {v['nodes']}" for v in measured["violations"]
                    ]
                    failures += [f"{where}: console error: {error}" for error in errors]
                    errors.clear()
        finally:
            context.close()

    assert failures == []
