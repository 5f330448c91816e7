"""Fixtures for the browser journeys: Debian's Chromium driven by Playwright, against
pytest-django's live server, with a screenshot of each step in `test-artifacts/journey/<journey>/`.

Playwright's sync API keeps an asyncio event loop running in the test's thread; Django would
then refuse the ORM calls the tests make to arrange and check data. Nothing else runs in that
loop, so it is safe to tell Django so. The database connections the test thread opens meanwhile
are not its usual ones, and are closed when the browser is.
"""

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.factories import TEST_PASSWORD

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Per action and per assertion: enough for a slow CI machine, short enough not to hang it.
TIMEOUT_MS = 10_000
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "journey"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so the page fixture knows if the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _allow_orm_beside_playwright(monkeypatch):
    """Set before the other fixtures and undone after them: the test database's flush at the
    end of a test runs while Playwright's loop is still there."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):  # left by a run from before the journeys' folders
        old.unlink()
    return SCREENSHOTS


@pytest.fixture
def browser_context(tmp_path):
    """A fresh Chromium profile (its own user-data-dir under tmp_path), French, Paris time."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (set PLAYWRIGHT_CHROMIUM_EXECUTABLE)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=tmp_path / "chromium-profile",
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        try:
            yield context
        finally:
            context.close()
            # Django keeps the connections opened while that loop runs apart from the
            # thread's usual ones (asgiref's Local); nothing else closes them, and an open
            # one keeps PostgreSQL from dropping the test database at the end of the run.
            connections.close_all()


@pytest.fixture
def journey_dir(screenshot_dir, request) -> Path:
    """This journey's own folder, so that two journeys' numbered steps do not mix."""
    folder = screenshot_dir / request.node.name.removeprefix("test_journey_")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


@pytest.fixture
def page(browser_context, request, journey_dir):
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        page.screenshot(path=journey_dir / "99-failure.png", full_page=True)


def authenticator_code(device) -> str:
    """The code the person's app shows (`current_code`: the next step's when this one was used
    by an earlier login; django-otp accepts each 30-second step once, and one ahead). A third
    login within the same step waits for the next one, as the person would."""
    device.refresh_from_db()
    while device.last_t > (time.time() - device.t0) // device.step + device.drift:
        time.sleep(1)
    return two_factor.current_code(device)


class Journey:
    """What a person does in the browser: log in and out, and keep a numbered screenshot of
    each step."""

    def __init__(self, page, base_url: str, screenshot_dir: Path):
        self.page = page
        self.base_url = base_url
        self.screenshot_dir = screenshot_dir
        self.steps = 0

    def url(self, name: str, *args) -> str:
        return self.base_url + reverse(name, args=args)

    def shot(self, step: str) -> Path:
        self.steps += 1
        path = self.screenshot_dir / f"{self.steps:02d}-{step}.png"
        self.page.screenshot(path=path, full_page=True)
        return path

    def log_in(self, user, password: str = TEST_PASSWORD) -> None:
        from playwright.sync_api import expect

        self.page.goto(self.url("accounts:login"))
        self.page.get_by_label("Adresse e-mail").fill(user.email)
        self.page.get_by_label("Mot de passe").fill(password)
        self.page.locator("main").get_by_role("button", name="Se connecter").click()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            # Two-factor authentication: the code the person's app shows now.
            expect(self.page.get_by_role("heading", name="Code de vérification")).to_be_visible()
            self.page.get_by_label("Code").fill(authenticator_code(device))
            self.page.locator("main").get_by_role("button", name="Valider").click()
        expect(self.page.get_by_test_id("current-user")).to_have_text(user.email)

    def log_out(self) -> None:
        from playwright.sync_api import expect

        self.page.get_by_role("button", name="Se déconnecter").click()
        expect(self.page.get_by_role("alert")).to_contain_text("Vous êtes déconnecté(e)")
        expect(self.page.get_by_test_id("current-user")).to_have_count(0)

    def open_action(self, action: str):
        """Unfold a workflow action of the detail page; returns its form."""
        from playwright.sync_api import expect

        self.page.get_by_test_id(f"open-{action}").click()
        panel = self.page.locator(f"#action-{action}")
        # Bootstrap marks the panel "collapsing" while it slides open, then "show".
        expect(panel).to_have_class(re.compile(r"^(?!.*\bcollapsing\b).*\bshow\b"))
        expect(self.page.get_by_test_id(f"submit-{action}")).to_be_visible()
        return panel.locator("form")


@pytest.fixture
def journey(page, live_server, journey_dir) -> Journey:
    return Journey(page, live_server.url, journey_dir)
