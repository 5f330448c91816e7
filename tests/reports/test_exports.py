"""Exports of the lists of applications: the files read back (CSV with the csv module, XLSX
with openpyxl), formula injection, the lists' filters and each persona's scope, the large
exports built by the task, their download and their purge, and the queries they cost."""

import codecs
import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications import views as application_views
from applications.enums import Action, Outcome, State
from applications.services import post_message, rate
from notifications.enums import Delivery, Kind
from notifications.models import Notification, Preference
from reports import services, tasks
from reports.enums import ExportFormat, ExportSource, ExportStatus
from reports.exports import neutralise
from reports.models import Export
from tests.factories import ApplicationFactory, make_application_in, perform

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
TRIGGERS = ["=", "+", "-", "@"]

HEADERS = [
    "Référence",
    "Raison sociale",
    "SIREN",
    "Secteur",
    "Région",
    "Pays cible",
    "Ville",
    "Types d'appui",
    "Maturité du projet",
    "État",
    "Organisme parrain",
    "Soumise le",
    "Parrainée le",
    "Jours d'instruction",
    "Échéance",
    "En retard",
    "Responsable de l'instruction",
    "Correspondant",
    "Grand groupe",
    "Résultat",
    "Note",
]
CORRESPONDENT, CORPORATION = HEADERS.index("Correspondant"), HEADERS.index("Grand groupe")


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, 0, tzinfo=PARIS)


def export_url(source: str, format: str = "csv", **filters) -> str:
    url = reverse(f"reports:export_{source}", args=[format])
    if filters:
        url += "?" + "&".join(f"{key}={value}" for key, value in filters.items())
    return url


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def sheet_values(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def references(rows: list[list]) -> list[str]:
    """The references of a file's rows, the header row left out."""
    return [row[0] for row in rows[1:]]


def exported(client, user, source: str, format: str = "csv", **filters) -> list[list]:
    """The rows (header first) of a list's export downloaded at once by `user`."""
    client.force_login(user)
    response = client.get(export_url(source, format, **filters))
    assert response.status_code == 200, response.status_code
    content = body_of(response)
    if format == "csv":
        return read_csv(content)
    return sheet_values(read_sheet(content))


# --- The rows, exactly ---------------------------------------------------------------------


@pytest.fixture
def story(company, sme_user, sponsor_body, advisor, staff_user, interlocutor):
    """Asconit's request for Hanoi, from its submission to its rating, on known days: endorsed
    on 7 January, paused three days for a question, accepted by Alstom on the 22nd."""
    steps = [
        (at(1, 7), Action.ENDORSE, advisor, {}),
        (at(1, 12), Action.REQUEST_INFORMATION, staff_user, {}),
        (at(1, 15), Action.ANSWER_INFORMATION, sme_user, {}),
        (at(1, 20), Action.PROPOSE, staff_user, {"interlocutor": interlocutor.interlocutor}),
        (at(1, 22), Action.ACCEPT_MATCH, interlocutor, {}),
        (at(2, 2), Action.CLOSE, staff_user, {"outcome": Outcome.ESTABLISHED}),
    ]
    with time_machine.travel(at(1, 5), tick=False):
        application = ApplicationFactory(company=company, created_by=sme_user)
        perform(Action.SUBMIT, application.pk, sme_user, sponsor_body=sponsor_body)
    for moment, action, actor, arguments in steps:
        with time_machine.travel(moment, tick=False):
            perform(action, application.pk, actor, **arguments)
    with time_machine.travel(at(2, 3), tick=False):
        return rate(application.pk, sme_user, rating=4)


def expected_row(application, *, dates: list, numbers: list) -> list:
    return [
        application.reference,
        "Asconit Consultants",
        application.company.siren,
        "71 – Activités d'architecture et d'ingénierie ; activités de contrôle et analyses "
        "techniques",
        "Auvergne-Rhône-Alpes",
        "Viêt Nam",
        "Hanoi",
        "Conseil et définition de stratégie, Hébergement (portage abri)",
        "Prospection engagée",
        "Clôturée",
        "CCI Lyon Métropole Saint-Étienne Roanne",
        dates[0],  # submitted
        dates[1],  # endorsed
        numbers[0],  # 15 days from the endorsement to the acceptance, less 3 days of pause
        dates[2],  # due: 7 January + 30 days + 3 days of pause
        "non",
        "Julie Petit",
        "Thomas Lambert",
        "Alstom",
        "Implantation réalisée",
        numbers[1],
    ]


def test_csv_holds_the_columns_in_french_with_their_exact_values(client, sme_user, story):
    client.force_login(sme_user)

    response = client.get(export_url("dashboard"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="demandes-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    content = body_of(response)
    # French Excel's CSV: a BOM, ";" between cells, and the cell holding ";" quoted.
    assert content.split(b"\r\n")[1].count(b'"') == 2
    assert read_csv(content) == [
        HEADERS,
        expected_row(story, dates=["2026-01-05", "2026-01-07", "2026-02-09"], numbers=["12", "4"]),
    ]


def test_xlsx_holds_real_dates_numbers_and_a_bold_header(client, sme_user, story):
    client.force_login(sme_user)

    response = client.get(export_url("dashboard", "xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="demandes-{timezone.localdate():%Y-%m-%d}.xlsx"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    sheet = read_sheet(body_of(response))
    assert sheet.title == "Mes demandes"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    days = [datetime(2026, 1, 5), datetime(2026, 1, 7), datetime(2026, 2, 9)]  # naive, Paris
    assert sheet_values(sheet) == [HEADERS, expected_row(story, dates=days, numbers=[12, 4])]
    row = sheet[2]
    assert [row[i].data_type for i in (11, 12, 13, 14, 20)] == ["d", "d", "n", "d", "n"]
    assert row[11].is_date


def test_an_application_not_yet_endorsed_has_empty_review_cells(
    client, sme_user, draft_application
):
    [_header, row] = exported(client, sme_user, "dashboard")

    assert row[0] == draft_application.reference
    assert row[9] == "Brouillon"
    assert row[10:] == [""] * 11  # no sponsor, dates, clock, owner, match, outcome or rating


def test_a_review_past_its_due_date_is_overdue(client, staff_user, application_in):
    with time_machine.travel(at(1, 7), tick=False):
        application = application_in(State.IN_REVIEW)

    with time_machine.travel(at(2, 10), tick=False):
        [_header, row] = exported(client, staff_user, "staff_queue")

    assert row[0] == application.reference
    assert row[13:16] == ["34", "2026-02-06", "oui"]


# --- Formula injection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 4 72 00 00 00", "'+33 4 72 00 00 00"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Hanoi", "Hanoi"),
        ("a=b", "a=b"),
        ("", ""),
        (12, 12),
        (None, None),
    ],
)
def test_neutralise_quotes_what_a_spreadsheet_would_run(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_csv_neutralises_formulas_in_a_company_name_and_a_city(client, company, sme_user, trigger):
    company.legal_name = f'{trigger}HYPERLINK("https://evil.example";"Cliquez")'
    company.save()
    ApplicationFactory(company=company, created_by=sme_user, target_city=f"{trigger}2+3")

    [_header, row] = exported(client, sme_user, "dashboard")

    assert row[1] == f'\'{trigger}HYPERLINK("https://evil.example";"Cliquez")'
    assert row[6] == f"'{trigger}2+3"


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_xlsx_writes_formula_looking_text_as_typed_in_string_cells(
    client, company, sme_user, trigger
):
    """An explicit string cell is never run by a spreadsheet: the text needs no quote there
    (the CSV keeps its own, above)."""
    company.legal_name = f"{trigger}cmd|' /C calc'!A0"
    company.save()
    ApplicationFactory(company=company, created_by=sme_user, target_city=f"{trigger}1+1")
    client.force_login(sme_user)

    sheet = read_sheet(body_of(client.get(export_url("dashboard", "xlsx"))))

    name, city = sheet.cell(row=2, column=2), sheet.cell(row=2, column=7)
    assert (name.value, name.data_type) == (f"{trigger}cmd|' /C calc'!A0", "s")
    assert (city.value, city.data_type) == (f"{trigger}1+1", "s")
    assert not [
        cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]


def test_xlsx_writes_a_text_that_looks_like_an_error_as_text(client, sme_user, company):
    """openpyxl would make "#N/A" an error cell: text cells are typed as strings."""
    ApplicationFactory(company=company, created_by=sme_user, target_city="#N/A")
    client.force_login(sme_user)

    sheet = read_sheet(body_of(client.get(export_url("dashboard", "xlsx"))))

    city = sheet.cell(row=2, column=7)
    assert (city.value, city.data_type) == ("#N/A", "s")


# --- The rows of the list, with its filters --------------------------------------------------


def test_the_staff_export_holds_every_page_of_the_filtered_list(
    client, staff_user, application_in, other_company, monkeypatch
):
    monkeypatch.setattr(application_views, "QUEUE_PAGE_SIZE", 2)
    for _ in range(3):
        application_in(State.IN_REVIEW)
    china = make_application_in(
        State.IN_REVIEW,
        application=ApplicationFactory(company=other_company, target_country="CN"),
        staff=staff_user,
    )
    client.force_login(staff_user)
    shown = []
    for page in ("1", "2"):
        response = client.get(reverse("applications:staff_queue"), {"country": "VN", "page": page})
        shown += [application.reference for application in response.context["applications"]]

    rows = exported(client, staff_user, "staff_queue", country="VN", page="2")

    assert len(shown) == 3
    assert references(rows) == shown
    assert china.reference not in references(rows)


def test_the_staff_export_ignores_filters_that_do_not_validate_as_the_page_does(
    client, staff_user, application_in
):
    application = application_in(State.IN_REVIEW)

    rows = exported(client, staff_user, "staff_queue", country="ZZ")

    assert references(rows) == [application.reference]


def test_the_staff_export_filters_by_state(client, staff_user, application_in):
    application_in(State.IN_REVIEW)
    proposed = application_in(State.PROPOSED)

    rows = exported(client, staff_user, "staff_queue", state="proposed")

    assert references(rows) == [proposed.reference]


@pytest.mark.parametrize("show_all", [False, True])
def test_the_sponsor_export_is_the_tab_of_the_list(client, advisor, application_in, show_all):
    awaiting = application_in(State.AWAITING_SPONSOR)
    endorsed = application_in(State.IN_REVIEW)
    filters = {"tous": "1"} if show_all else {}
    client.force_login(advisor)
    page = client.get(reverse("applications:sponsor_queue"), filters)

    rows = exported(client, advisor, "sponsor_queue", **filters)

    assert references(rows) == [a.reference for a in page.context["applications"]]
    expected = [awaiting, endorsed] if show_all else [awaiting]
    assert sorted(references(rows)) == sorted(a.reference for a in expected)


def test_the_interlocutor_export_holds_both_tables_in_their_order(
    client, interlocutor, application_in
):
    followed = application_in(State.ACCOMPANIED)
    first = application_in(State.PROPOSED)
    second = application_in(State.PROPOSED)
    client.force_login(interlocutor)
    page = client.get(reverse("applications:interlocutor_queue"))
    shown = [m.application.reference for m in page.context["proposals"]] + [
        m.application.reference for m in page.context["followed"]
    ]

    rows = exported(client, interlocutor, "interlocutor_queue")

    assert references(rows) == shown == [first.reference, second.reference, followed.reference]


# --- Each persona's scope --------------------------------------------------------------------


@pytest.fixture
def world(
    application_in,
    draft_application,
    other_company,
    other_sme_user,
    other_sponsor_body,
    other_advisor,
    staff_user,
    other_interlocutor,
):
    """Company A's draft and proposal (to Alstom), company B's proposal (to EDF)."""
    b_application = ApplicationFactory(
        company=other_company,
        created_by=other_sme_user,
        target_country="CN",
        target_city="Shanghai",
    )
    return {
        "a_draft": draft_application,
        "a_proposed": application_in(State.PROPOSED),
        "b_proposed": make_application_in(
            State.PROPOSED,
            application=b_application,
            owner=other_sme_user,
            sponsor_body=other_sponsor_body,
            advisor=other_advisor,
            staff=staff_user,
            interlocutor=other_interlocutor,
        ),
    }


SCOPES = [
    ("sme_user", "dashboard", {}, {"a_draft", "a_proposed"}),
    ("other_sme_user", "dashboard", {}, {"b_proposed"}),
    ("advisor", "sponsor_queue", {"tous": "1"}, {"a_proposed"}),
    ("other_advisor", "sponsor_queue", {"tous": "1"}, {"b_proposed"}),
    ("staff_user", "staff_queue", {}, {"a_proposed", "b_proposed"}),
    ("admin_user", "staff_queue", {}, {"a_proposed", "b_proposed"}),
    ("interlocutor", "interlocutor_queue", {}, {"a_proposed"}),
    ("other_interlocutor", "interlocutor_queue", {}, {"b_proposed"}),
]


@pytest.mark.parametrize("format", ["csv", "xlsx"])
@pytest.mark.parametrize(("persona", "source", "filters", "expected"), SCOPES)
def test_each_persona_exports_only_what_it_may_see(
    client, request, world, persona, source, filters, expected, format
):
    user = request.getfixturevalue(persona)

    rows = exported(client, user, source, format, **filters)

    assert sorted(references(rows)) == sorted(world[name].reference for name in expected)


@pytest.mark.parametrize("source", [source.value for source in ExportSource])
@pytest.mark.parametrize(
    "persona",
    ["sme_user", "advisor", "staff_user", "admin_user", "interlocutor"],
)
def test_the_export_of_another_roles_list_is_refused(client, request, world, persona, source):
    allowed = {entry[0]: entry[1] for entry in SCOPES}[persona]
    client.force_login(request.getfixturevalue(persona))

    response = client.get(export_url(source))

    assert response.status_code == (200 if source == allowed else 403)
    assert not Export.objects.exists()


def test_an_unknown_format_is_a_404(client, sme_user):
    client.force_login(sme_user)

    assert client.get(export_url("dashboard", "pdf")).status_code == 404


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(export_url("staff_queue"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("persona", "source", "filters", "shown"),
    [
        ("staff_user", "staff_queue", {}, ("Thomas Lambert", "Alstom")),
        ("interlocutor", "interlocutor_queue", {}, ("Thomas Lambert", "Alstom")),
        ("sme_user", "dashboard", {}, ("", "")),
        ("advisor", "sponsor_queue", {"tous": "1"}, ("", "")),
    ],
)
def test_a_proposal_awaiting_its_answer_is_named_to_staff_and_its_interlocutor_only(
    client, request, application_in, persona, source, filters, shown
):
    application_in(State.PROPOSED)

    [_header, row] = exported(client, request.getfixturevalue(persona), source, **filters)

    assert (row[CORRESPONDENT], row[CORPORATION]) == shown


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_internal_notes_and_messages_never_leave_in_an_export(
    client, staff_user, application_in, format
):
    application = application_in(State.IN_REVIEW)
    post_message(
        application.pk, staff_user, body="Note confidentielle : PME fragile.", internal=True
    )
    post_message(application.pk, staff_user, body="Message pour la PME : pouvez-vous préciser ?")

    rows = exported(client, staff_user, "staff_queue", format)

    text = " ".join(str(cell) for row in rows for cell in row)
    assert application.reference in text
    for secret in ("confidentielle", "fragile", "Message pour la PME", "Bureau d'études"):
        assert secret not in text


# --- Large exports, built by the task --------------------------------------------------------


@pytest.fixture
def three_drafts(company, sme_user):
    return [ApplicationFactory(company=company, created_by=sme_user) for _ in range(3)]


@pytest.fixture
def small_threshold(settings):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    return settings


def test_a_large_list_asks_before_building_and_writes_nothing_on_get(
    client, sme_user, three_drafts, small_threshold
):
    client.force_login(sme_user)

    response = client.get(export_url("dashboard", "xlsx"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Cette liste compte 3 demandes" in page
    assert 'data-testid="export-start"' in page
    assert not Export.objects.exists()


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_a_large_export_is_built_stored_and_told_to_its_owner(
    committing_client, sme_user, three_drafts, small_threshold, format
):
    committing_client.force_login(sme_user)

    response = committing_client.post(export_url("dashboard", format))

    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:export_list") + f"#export-{export.pk}"
    assert (export.user, export.source, export.format, export.query) == (
        sme_user,
        ExportSource.DASHBOARD,
        format,
        "",
    )
    assert (export.status, export.rows) == (ExportStatus.READY, 3)
    assert export.finished_at is not None
    with export.file.open("rb") as file:
        content = file.read()
    rows = read_csv(content) if format == "csv" else sheet_values(read_sheet(content))
    assert rows[0] == HEADERS
    assert sorted(references(rows)) == sorted(a.reference for a in three_drafts)
    notification = Notification.objects.get(user=sme_user)
    assert (notification.kind, notification.delivery, notification.source) == (
        Kind.EXPORT,
        Delivery.NONE,
        f"export:{export.pk.hex}",
    )
    assert notification.title == (
        "Votre export « Mes demandes » est prêt à télécharger (3 lignes)."
    )
    assert notification.url == reverse("reports:export_list") + f"#export-{export.pk}"


def test_a_large_export_keeps_the_filters_of_the_list(
    committing_client, staff_user, application_in, small_threshold
):
    in_review = [application_in(State.IN_REVIEW) for _ in range(3)]
    application_in(State.PROPOSED)
    committing_client.force_login(staff_user)

    committing_client.post(export_url("staff_queue", state="in_review", page="2"))

    export = Export.objects.get()
    assert export.query == "state=in_review"
    with export.file.open("rb") as file:
        rows = read_csv(file.read())
    assert sorted(references(rows)) == sorted(a.reference for a in in_review)


def test_the_owner_who_wants_a_mail_gets_one(
    committing_client, sme_user, three_drafts, small_threshold, mailoutbox
):
    Preference.objects.create(user=sme_user, kind=Kind.EXPORT, delivery=Delivery.IMMEDIATE)
    committing_client.force_login(sme_user)

    committing_client.post(export_url("dashboard"))

    [mail] = mailoutbox
    assert mail.to == [sme_user.email]
    assert "Votre export « Mes demandes » est prêt à télécharger (3 lignes)." in mail.body
    assert reverse("reports:export_list") in mail.body


def test_the_owner_downloads_a_ready_export(
    committing_client, sme_user, three_drafts, small_threshold
):
    committing_client.force_login(sme_user)
    committing_client.post(export_url("dashboard"))
    export = Export.objects.get()

    response = committing_client.get(reverse("reports:export_download", args=[export.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="demandes-{timezone.localdate(export.created_at):%Y-%m-%d}.csv"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    with export.file.open("rb") as file:
        assert body_of(response) == file.read()


@pytest.mark.parametrize("persona", ["other_sme_user", "staff_user", "admin_user", "advisor"])
def test_anyone_but_the_owner_gets_a_404_on_an_export(
    committing_client, request, sme_user, three_drafts, small_threshold, persona
):
    committing_client.force_login(sme_user)
    committing_client.post(export_url("dashboard"))
    export = Export.objects.get()
    committing_client.force_login(request.getfixturevalue(persona))

    response = committing_client.get(reverse("reports:export_download", args=[export.pk]))

    assert response.status_code == 404


def test_an_export_not_ready_is_a_404(client, sme_user):
    export = Export.objects.create(user=sme_user, source="dashboard", format="csv")
    client.force_login(sme_user)

    assert client.get(reverse("reports:export_download", args=[export.pk])).status_code == 404


def test_my_exports_lists_mine_only_with_a_link_when_ready(
    committing_client, sme_user, other_sme_user, three_drafts, small_threshold
):
    committing_client.force_login(sme_user)
    committing_client.post(export_url("dashboard"))
    ready = Export.objects.get()
    Export.objects.create(user=other_sme_user, source="dashboard", format="csv")

    response = committing_client.get(reverse("reports:export_list"))

    assert [export.pk for export in response.context["exports"]] == [ready.pk]
    page = response.content.decode()
    assert reverse("reports:export_download", args=[ready.pk]) in page
    assert "hx-trigger" not in page  # nothing pending: the table does not ask again


def test_a_pending_export_refreshes_its_table_with_htmx(client, sme_user):
    export = Export.objects.create(user=sme_user, source="dashboard", format="xlsx")
    client.force_login(sme_user)

    page = client.get(reverse("reports:export_list"))
    table = client.get(reverse("reports:export_list"), headers={"HX-Request": "true"})

    assert 'hx-get="/chiffres/exports/" hx-trigger="every 3s"' in page.content.decode()
    assert "vendor/htmx/htmx.min.js" in page.content.decode()
    assert table.content.decode().startswith('<div id="exports"')
    assert "<html" not in table.content.decode()
    assert f'data-status="{ExportStatus.PENDING}"' in table.content.decode()
    assert str(export.pk) in table.content.decode()
    assert "HX-Request" in page["Vary"]


def test_building_twice_builds_one_file(committing_client, sme_user, three_drafts, small_threshold):
    committing_client.force_login(sme_user)
    committing_client.post(export_url("dashboard"))
    export = Export.objects.get()

    assert tasks.build_export.delay(export_id=str(export.pk)).get() == 0

    again = Export.objects.get()
    assert (again.file.name, again.finished_at) == (export.file.name, export.finished_at)
    assert Notification.objects.filter(user=sme_user).count() == 1


def test_a_second_click_while_building_is_the_same_export(
    sme_user, three_drafts, small_threshold, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        first = services.request_export(
            sme_user, source=ExportSource.DASHBOARD, format=ExportFormat.CSV, query=""
        )
        second = services.request_export(
            sme_user, source=ExportSource.DASHBOARD, format=ExportFormat.CSV, query=""
        )
        other_format = services.request_export(
            sme_user, source=ExportSource.DASHBOARD, format=ExportFormat.XLSX, query=""
        )

    assert second == first
    assert other_format != first
    assert Export.objects.count() == 2


# --- Failures --------------------------------------------------------------------------------


def test_an_owner_who_lost_the_right_gets_a_failed_export(
    advisor, application_in, small_threshold, django_capture_on_commit_callbacks
):
    for _ in range(3):
        application_in(State.AWAITING_SPONSOR)
    with django_capture_on_commit_callbacks() as queued:
        export = services.request_export(
            advisor, source=ExportSource.SPONSOR_QUEUE, format=ExportFormat.CSV, query=""
        )
    advisor.advisor_membership.delete()  # no longer an advisor when the task runs

    for callback in queued:
        callback()

    export.refresh_from_db()
    assert (export.status, export.rows, export.file.name) == (ExportStatus.FAILED, None, "")
    assert export.finished_at is not None
    notification = Notification.objects.get(user=advisor, kind=Kind.EXPORT)
    assert notification.title == (
        "Votre export « Demandes à parrainer » n'a pas pu être préparé. Vous pouvez le redemander."
    )


def test_a_storage_failure_marks_the_export_failed_and_keeps_no_file(
    committing_client, sme_user, three_drafts, small_threshold, private_storage, monkeypatch
):
    storage = Export._meta.get_field("file").storage

    def full(name, content):
        raise OSError("No space left on device")

    monkeypatch.setattr(storage, "_save", full)
    committing_client.force_login(sme_user)

    committing_client.post(export_url("dashboard"))

    export = Export.objects.get()
    assert (export.status, export.file.name) == (ExportStatus.FAILED, "")
    assert [path for path in private_storage.rglob("*") if path.is_file()] == []
    assert Notification.objects.get(user=sme_user).source == f"export:{export.pk.hex}"


def test_my_exports_shows_a_failed_export_without_a_link(client, sme_user):
    export = Export.objects.create(
        user=sme_user, source="dashboard", format="csv", status=ExportStatus.FAILED
    )
    client.force_login(sme_user)

    page = client.get(reverse("reports:export_list")).content.decode()

    assert f'data-status="{ExportStatus.FAILED}"' in page
    assert reverse("reports:export_download", args=[export.pk]) not in page


# --- Expiry ----------------------------------------------------------------------------------


def _export_made(user, when: datetime, name: str) -> Export:
    with time_machine.travel(when, tick=False):
        export = Export.objects.create(
            user=user, source="dashboard", format="csv", status=ExportStatus.READY, rows=0
        )
        export.file.save(name, ContentFile(b"\xef\xbb\xbf"))
    return export


def test_the_purge_deletes_expired_exports_and_their_files(
    sme_user, private_storage, django_capture_on_commit_callbacks
):
    now = timezone.now()
    old = _export_made(sme_user, now - timedelta(days=7, minutes=1), "old.csv")
    recent = _export_made(sme_user, now - timedelta(days=6, hours=23), "recent.csv")
    old_file = private_storage / old.file.name

    with django_capture_on_commit_callbacks(execute=True):
        purged = tasks.purge_exports.delay().get()

    assert purged == 1
    assert list(Export.objects.all()) == [recent]
    assert not old_file.exists()
    assert (private_storage / recent.file.name).exists()


def test_an_expired_export_not_purged_yet_is_neither_listed_nor_served(client, sme_user):
    expired = _export_made(sme_user, timezone.now() - timedelta(days=7, minutes=1), "x.csv")
    client.force_login(sme_user)

    listed = client.get(reverse("reports:export_list")).context["exports"]
    response = client.get(reverse("reports:export_download", args=[expired.pk]))

    assert listed == []
    assert response.status_code == 404


def test_the_purge_runs_every_hour(settings):
    assert settings.CELERY_BEAT_SCHEDULE["purge-exports"] == {
        "task": "reports.tasks.purge_exports",
        "schedule": 3600.0,
    }


# --- Links on the lists' pages ---------------------------------------------------------------


def test_the_staff_queue_links_its_exports_with_its_filters_but_not_its_page(
    client, staff_user, application_in
):
    application_in(State.IN_REVIEW)
    client.force_login(staff_user)

    page = client.get(reverse("applications:staff_queue"), {"country": "VN", "page": "1"})

    html = page.content.decode()
    assert f'href="{export_url("staff_queue", "csv")}?country=VN"' in html
    assert f'href="{export_url("staff_queue", "xlsx")}?country=VN"' in html


@pytest.mark.parametrize(
    ("persona", "url_name", "state", "source"),
    [
        ("sme_user", "applications:dashboard", State.DRAFT, "dashboard"),
        ("advisor", "applications:sponsor_queue", State.AWAITING_SPONSOR, "sponsor_queue"),
        ("interlocutor", "applications:interlocutor_queue", State.PROPOSED, "interlocutor_queue"),
    ],
)
def test_each_list_page_links_its_exports(
    client, request, application_in, persona, url_name, state, source
):
    application_in(state)
    client.force_login(request.getfixturevalue(persona))

    html = client.get(reverse(url_name)).content.decode()

    assert f'href="{export_url(source, "csv")}"' in html
    assert f'href="{export_url(source, "xlsx")}"' in html


# --- Queries ---------------------------------------------------------------------------------

# The user with their roles and second factor (the session read from the cache), the count,
# then the rows with everything they show, in one query. (The filter's countries are read only
# when a country is asked for.)
EXPORT_QUERIES = 3


@pytest.mark.parametrize("format", ["csv", "xlsx"])
@pytest.mark.parametrize("count", [1, 30])
def test_an_export_costs_the_same_queries_for_one_row_as_for_thirty(
    client, staff_user, application_in, django_assert_num_queries, count, format
):
    for _ in range(count):
        application_in(State.IN_REVIEW)
    client.force_login(staff_user)

    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get(export_url("staff_queue", format))
        content = body_of(response)

    rows = read_csv(content) if format == "csv" else sheet_values(read_sheet(content))
    assert len(rows) == count + 1
