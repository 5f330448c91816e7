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
from tests.browser.pages import SIZES, Checker, new_context, use_language
from tests.browser.pages import chromium as chromium  # the fixture

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
    checker = Checker(SCREENSHOTS)
    url = live_server.url + reverse("notifications:list")
    context = new_context(chromium, live_server.url, sme_user)
    page = context.new_page()
    errors = checker.watch(page)
    headings = {}
    try:
        for language in ("fr", "en"):
            use_language(context, live_server.url, sme_user, language)
            for size_name, size in SIZES.items():
                page.set_viewport_size(size)
                page.goto(url)
                where = f"notifications ({language}, {size_name} px)"
                checker.check(page, where, f"list-{language}-{size_name}", errors, language)
            headings[language] = page.get_by_test_id("notification-day-heading").all_inner_texts()

        # On the phone, in French: today's Hanoi group, then one notification, marked read.
        use_language(context, live_server.url, sme_user, "fr")
        page.goto(url)
        page.get_by_test_id("mark-group-read").click()
        page.get_by_role("alert").filter(has_text="2 notifications marquées comme lues.").wait_for()
        assert page.get_by_test_id("mark-group-read").count() == 0
        assert page.get_by_test_id("mark-read").count() == 1
        page.get_by_test_id("mark-read").click()
        page.get_by_test_id("mark-all-read").wait_for(state="detached")
        assert page.locator(".badge", has_text="non lue").count() == 0
        checker.check(page, "notifications read (fr, 390 px)", "read-fr-390", errors, "fr")
    finally:
        context.close()

    failures = checker.failures
    assert failures == [], "\n".join(failures)
    assert headings["fr"][:2] == ["Aujourd'hui", "Hier"]
    assert headings["en"][:2] == ["Today", "Yesterday"]
    assert len(headings["fr"]) == 3
