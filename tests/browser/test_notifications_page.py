"""The notifications page with something in it: days, applications, unread and read ones, a
long excerpt, one without an application. It fits 1366x900 and 390x844 and passes axe-core in
French and in English; a group and a notification are marked read from it.

The sweep (`test_layout_a11y`) sees the page nearly empty; this one fills it.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from applications.enums import State
from notifications.enums import Kind
from notifications.models import Notification
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_layout_a11y import AXE, SIZES, check, session_cookie
from tests.browser.test_layout_a11y import SCREENSHOTS as LAYOUT
from tests.browser.test_layout_a11y import chromium as chromium  # the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "notifications"
EXCERPT = "Pouvez-vous préciser le calendrier de recrutement du VIE à Hanoï ? " * 6


def _fill(sme_user, hanoi, saigon) -> None:
    Notification.objects.all().delete()
    now = timezone.now()
    made = [
        (
            hanoi,
            Kind.MESSAGE,
            "Nouveau message de Julie Petit sur la demande de Asconit Consultants",
            EXCERPT,
            now,
            False,
        ),
        (
            hanoi,
            Kind.DECISION,
            "L'équipe Pacte PME a besoin de compléments sur votre demande (Hanoi, Viêt Nam).",
            "",
            now - timedelta(minutes=1),
            False,
        ),
        (
            saigon,
            Kind.ACTIVITY,
            "La demande de Asconit Consultants (Hô Chi Minh-Ville, Viêt "
            "Nam) est parrainée et entre en instruction.",
            "",
            now - timedelta(minutes=2),
            True,
        ),
        (
            None,
            Kind.EXPORT,
            "Votre export « Dossiers » est prêt.",
            "",
            now - timedelta(days=1),
            False,
        ),
        (
            saigon,
            Kind.DOCUMENT,
            "Julie Petit a joint « devis-portage-abri-2026-version-finale"
            "-signee.pdf » à la demande de Asconit Consultants",
            "",
            now - timedelta(days=4),
            True,
        ),
    ]
    for n, (application, kind, title, excerpt, at, read) in enumerate(made):
        Notification.objects.create(
            user=sme_user,
            kind=kind,
            application=application,
            source=f"test:{n}",
            title=title,
            excerpt=excerpt,
            url=application.get_absolute_url() if application else "/",
            created_at=at,
            read_at=at if read else None,
        )


def test_the_notifications_page_fits_and_passes_axe(
    chromium, live_server, application_in, sme_user
):
    hanoi = application_in(State.IN_REVIEW)
    saigon = application_in(State.IN_REVIEW, target_city="Hô Chi Minh-Ville")
    _fill(sme_user, hanoi, saigon)
    # `check` writes under the sweep's folder: these go beside it.
    LAYOUT.mkdir(parents=True, exist_ok=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    url = live_server.url + reverse("notifications:list")
    context = chromium.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(path=str(AXE))
    context.add_cookies([session_cookie(sme_user, live_server.url)])
    page = context.new_page()
    errors: list[str] = []
    failures: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    headings = {}
    try:
        for language in ("fr", "en"):
            type(sme_user).objects.filter(pk=sme_user.pk).update(language=language)
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}]
            )
            for size_name, size in SIZES.items():
                page.set_viewport_size(size)
                page.goto(url)
                where = f"notifications ({language}, {size_name} px)"
                check(
                    page, where, f"../notifications/list-{language}-{size_name}", errors, failures
                )
            headings[language] = page.get_by_test_id("notification-day-heading").all_inner_texts()

        # On the phone, in French: today's Hanoi group, then one notification, marked read.
        type(sme_user).objects.filter(pk=sme_user.pk).update(language="fr")
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "url": url}])
        page.goto(url)
        page.get_by_test_id("mark-group-read").click()
        page.get_by_role("alert").filter(has_text="2 notifications marquées comme lues.").wait_for()
        assert page.get_by_test_id("mark-group-read").count() == 0
        assert page.get_by_test_id("mark-read").count() == 1
        page.get_by_test_id("mark-read").click()
        page.get_by_test_id("mark-all-read").wait_for(state="detached")
        assert page.locator(".badge", has_text="non lue").count() == 0
        check(
            page,
            "notifications read (fr, 390 px)",
            "../notifications/read-fr-390",
            errors,
            failures,
        )
    finally:
        context.close()

    assert failures == [], "\n".join(failures)
    assert headings["fr"][:2] == ["Aujourd'hui", "Hier"]
    assert headings["en"][:2] == ["Today", "Yesterday"]
    assert len(headings["fr"]) == 3
