"""The programme's figures in the browser: staff read the dashboard and filter it, a sponsor
advisor reads their body's, a corporation's coordinator reads its own; the charts are drawn by
the vendored Chart.js under the strict Content-Security-Policy (no violation reported). Then
what leaves the portal: the public pages and their map, a list exported at once and in the
background, an application's PDF."""

import re

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from applications.enums import State
from corporations.models import Interlocutor
from reports.models import Goal
from tests.factories import HostingOfferFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def watch_csp(page) -> list[str]:
    """The Content-Security-Policy violations the page reports (to its console)."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return violations


def test_journey_reading_the_programme_figures(
    journey, application_in, staff_user, advisor, interlocutor, alstom, sponsor_body
):
    Goal.objects.create(year=timezone.localdate().year, smes_accompanied=100)
    accompanied = application_in(State.ACCOMPANIED)
    application_in(State.IN_REVIEW, target_country="MA", target_city="Casablanca")
    application_in(State.AWAITING_SPONSOR)
    HostingOfferFactory(corporation=alstom, country="VN", city="Hanoi", desks=4)
    page = journey.page
    violations = watch_csp(page)

    # (a) Staff open the figures from the menu: cards, charts drawn, tables beside them.
    journey.log_in(staff_user)
    page.get_by_role("link", name="Chiffres", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chiffres du programme")
    expect(page.get_by_test_id("card-accompanied")).to_contain_text("1 / 100")
    for name in ("accompanied", "reviews", "funnel", "countries", "sectors", "ratings"):
        expect(page.get_by_test_id(f"chart-{name}")).to_have_attribute("data-drawn", "true")
    funnel = page.get_by_test_id("table-funnel")
    expect(funnel.locator("tr[data-stage=submitted] td").first).to_have_text("3")
    journey.shot("staff-dashboard")

    # (b) Filtered by country: only Morocco's application is left.
    filters = page.get_by_test_id("figure-filters")
    filters.get_by_role("combobox", name="Pays cible").fill("maroc")  # the searchable picker
    filters.get_by_role("option", name="Maroc").click()
    filters.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(r"country=MA"))
    expect(funnel.locator("tr[data-stage=submitted] td").first).to_have_text("1")
    expect(page.get_by_test_id("table-countries")).to_contain_text("Maroc")
    expect(page.get_by_test_id("table-countries")).not_to_contain_text("Viêt Nam")
    journey.shot("staff-dashboard-morocco")

    # (c) A period that ends before it starts: said on the page, what was typed kept.
    filters.get_by_label("Du").fill("2026-06-01")
    filters.get_by_label("Au (inclus)").fill("2026-05-01")
    filters.get_by_role("button", name="Afficher").click()
    expect(page.locator("main")).to_contain_text("La fin de la période doit suivre son début.")
    expect(filters.get_by_label("Du")).to_have_value("2026-06-01")
    expect(filters.get_by_label("Pays cible")).to_have_value("Maroc")  # the picker's combobox
    expect(filters.locator("#id_country")).to_have_value("MA")
    journey.log_out()

    # (d) The sponsor's advisor: their body's figures, no sponsor filter.
    journey.log_in(advisor)
    page.get_by_role("link", name="Chiffres", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Chiffres de {sponsor_body.name}")
    expect(page.get_by_test_id("figure-filters").get_by_label("Organisme parrain")).to_have_count(0)
    expect(page.get_by_test_id("chart-funnel")).to_have_attribute("data-drawn", "true")
    journey.shot("advisor-dashboard")
    journey.log_out()

    # (e) Alstom's coordinator: proposals, the SME followed, the hosting offer's occupancy.
    Interlocutor.objects.filter(user=interlocutor).update(is_coordinator=True)
    journey.log_in(interlocutor)
    page.get_by_role("link", name="Chiffres du groupe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chiffres de Alstom")
    expect(page.get_by_test_id("table-followed")).to_contain_text(str(accompanied.company))
    expect(page.get_by_test_id("chart-occupancy")).to_have_attribute("data-drawn", "true")
    journey.shot("corporation-dashboard")

    assert violations == []


def test_journey_public_pages_exports_and_pdf(
    journey, application_in, staff_user, advisor, alstom, settings, tmp_path
):
    HostingOfferFactory(corporation=alstom, country="VN", city="Hanoi", desks=4, at_cost=True)
    accompanied = application_in(State.ACCOMPANIED)
    in_review = application_in(State.IN_REVIEW, target_country="MA", target_city="Casablanca")
    page = journey.page
    violations = watch_csp(page)

    # (a) A visitor reads the programme and sees where the member corporations are.
    page.goto(journey.url("home"))
    page.get_by_role("link", name="Le programme en détail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Le Pacte PME international")
    page.get_by_role("link", name="Les grands groupes membres et leurs pays").click()
    expect(page.get_by_test_id("world-map").locator("path.map-present")).not_to_have_count(0)
    expect(page.get_by_test_id("corporations")).to_contain_text("Alstom")
    expect(page.locator("main")).not_to_contain_text(str(accompanied.company))
    journey.shot("public-corporations")

    # (b) Staff export the queue they are looking at, at once.
    journey.log_in(staff_user)
    page.goto(journey.url("applications:staff_queue"))
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    content = path.read_text(encoding="utf-8-sig")
    assert in_review.reference in content and accompanied.reference not in content

    # (c) A list too long for at once: prepared in the background, then downloaded.
    settings.EXPORT_INLINE_MAX_ROWS = 0
    page.get_by_test_id("export-xlsx").click()
    page.get_by_test_id("export-start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes exports")
    ready = page.get_by_test_id("export").first
    expect(ready).to_have_attribute("data-status", "ready")
    with page.expect_download() as download:
        ready.get_by_test_id("export-download").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [in_review.reference]
    journey.shot("staff-exports")
    journey.log_out()

    # (d) The sponsor's advisor downloads the application as a PDF.
    journey.log_in(advisor)
    page.goto(journey.url("applications:detail", accompanied.pk))
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en PDF").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert accompanied.reference in text and str(accompanied.company) in text

    assert violations == []
