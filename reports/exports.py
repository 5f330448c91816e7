"""Lists of applications as files: the exported columns, and the CSV and XLSX made from them.

Each list (`SOURCES`) is read by `applications.lists`, the module its page reads it from, so
that an export holds exactly the rows of its list, every page of it. The rows are read in one
query however many they are (their company, sector, sponsor body and owner joined, the live
match in subqueries) and written as they come, so a large list streams.

What leaves the portal in a file is opened in a spreadsheet: in the CSV, every text cell that a
spreadsheet would take for a formula is neutralised (`neutralise`); in the XLSX, text cells are
written as explicit string cells, which a spreadsheet never runs, so their text stays as typed.
Never an internal note, a message or a free-text reason: the columns below are all there is.
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.styles.numbers import FORMAT_DATE_XLSX14
from openpyxl.utils import get_column_letter

from accounts.models import User
from applications import lists, selectors
from applications.clock import Clock, clock_of
from applications.models import Application
from corporations.models import Match

from .enums import ExportFormat, ExportSource

# Rows fetched from the database at a time: memory stays flat whatever the list's length.
CHUNK_SIZE = 500

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --- The lists ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A list that can be exported: who may (the rule of its page), how its rows are read,
    and its page."""

    permission: str
    applications: Callable[[User, lists.Params], QuerySet[Application]]
    page: str  # the URL name of the list's page


SOURCES: dict[str, Source] = {
    ExportSource.DASHBOARD: Source(
        "applications.view_company_applications",
        lists.company_applications,
        "applications:dashboard",
    ),
    ExportSource.SPONSOR_QUEUE: Source(
        "sponsors.view_sponsor_queue", lists.sponsor_queue, "applications:sponsor_queue"
    ),
    ExportSource.STAFF_QUEUE: Source(
        "accounts.view_staff_queue", lists.staff_queue, "applications:staff_queue"
    ),
    ExportSource.INTERLOCUTOR_QUEUE: Source(
        "corporations.view_interlocutor_queue",
        lists.interlocutor_queue,
        "applications:interlocutor_queue",
    ),
}


def applications_of(source: str, user: User, params: lists.Params) -> QuerySet[Application]:
    """The rows of the list `source` as `user` sees it, with these filters."""
    return SOURCES[source].applications(user, params)


# --- Cells ----------------------------------------------------------------------------------

# What a spreadsheet may read as the start of a formula (OWASP, "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text a spreadsheet would take for a formula, prefixed with a quote so that it is read
    as text; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _day(value: datetime | None) -> date | None:
    """The day of a moment in Paris (the programme's time zone), whatever zone is active."""
    if value is None:
        return None
    return timezone.localdate(value, timezone.get_default_timezone())


def _person(first_name: str | None, last_name: str | None, email: str | None) -> str:
    name = f"{first_name or ''} {last_name or ''}".strip()
    return name or email or ""


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return gettext("oui") if value else gettext("non")


@dataclass(frozen=True)
class Column:
    header: Promise
    value: Callable[[Application, Clock | None], str | int | date | None]
    width: int = 16  # in the XLSX, in characters


def _owner(application: Application, clock: Clock | None) -> str:
    return str(application.owner) if application.owner else ""  # the name, or the address


def _interlocutor(application: Application, clock: Clock | None) -> str:
    return _person(
        application.export_interlocutor_first_name,
        application.export_interlocutor_last_name,
        application.export_interlocutor_email,
    )


def _overdue(application: Application, clock: Clock | None) -> str:
    """Past its due date while the review still runs (or waits for the SME), as the badge of
    the lists says; empty before the endorsement."""
    if clock is None:
        return ""
    return _yes_no(clock.stopped_at is None and clock.overdue)


COLUMNS: list[Column] = [
    Column(_("Référence"), lambda a, c: a.reference, 16),
    Column(_("Raison sociale"), lambda a, c: a.company.legal_name, 30),
    Column(_("SIREN"), lambda a, c: a.company.siren, 12),
    Column(_("Secteur"), lambda a, c: str(a.company.sector), 40),
    Column(_("Région"), lambda a, c: a.company.get_region_display(), 24),
    Column(_("Pays cible"), lambda a, c: str(a.target_country.name), 18),
    Column(_("Ville"), lambda a, c: a.target_city, 18),
    Column(_("Types d'appui"), lambda a, c: ", ".join(str(k.label) for k in a.support_kinds), 40),
    Column(_("Maturité du projet"), lambda a, c: a.get_maturity_display(), 30),
    Column(_("État"), lambda a, c: a.get_state_display(), 24),
    Column(_("Organisme parrain"), lambda a, c: a.sponsor_body.name if a.sponsor_body else "", 30),
    Column(_("Soumise le"), lambda a, c: _day(a.submitted_at), 12),
    Column(_("Parrainée le"), lambda a, c: _day(a.endorsed_at), 12),
    # Pauses (waiting for the SME's answer) excluded, as the review clock counts.
    Column(_("Jours d'instruction"), lambda a, c: c.days_elapsed if c else None, 12),
    Column(_("Échéance"), lambda a, c: _day(c.due_at) if c else None, 12),
    Column(_("En retard"), _overdue, 10),
    Column(_("Responsable de l'instruction"), _owner, 24),
    Column(_("Correspondant"), _interlocutor, 24),
    Column(_("Grand groupe"), lambda a, c: a.export_corporation or "", 20),
    Column(_("Résultat"), lambda a, c: a.get_outcome_display(), 24),
    Column(_("Note"), lambda a, c: a.rating, 8),
]


def headers() -> list[str]:
    """The header row, in the active language."""
    return [str(column.header) for column in COLUMNS]


def _live_match(user: User) -> QuerySet[Match]:
    """The application's proposal or accompaniment under way as `user` may see it named."""
    return Match.objects.filter(
        selectors.live_match_visibility(user), application=OuterRef("pk")
    ).order_by("-created_at")


def rows(applications: QuerySet[Application], user: User) -> Iterator[list]:
    """The exported rows of these applications for `user`, read in one query, a chunk at a
    time: text, whole numbers, dates (in Paris) and None for an empty cell."""
    now = timezone.now()
    match = _live_match(user)
    queryset = applications.select_related("company__sector", "sponsor_body", "owner").annotate(
        export_interlocutor_first_name=Subquery(match.values("interlocutor__user__first_name")[:1]),
        export_interlocutor_last_name=Subquery(match.values("interlocutor__user__last_name")[:1]),
        export_interlocutor_email=Subquery(match.values("interlocutor__user__email")[:1]),
        export_corporation=Subquery(match.values("interlocutor__corporation__name")[:1]),
    )
    for application in queryset.iterator(chunk_size=CHUNK_SIZE):
        clock = clock_of(application, now)
        yield [column.value(application, clock) for column in COLUMNS]


# --- CSV ------------------------------------------------------------------------------------

BOM = "\ufeff"  # tells Excel the file is UTF-8


class _Line:
    """A file-like object that hands back what the csv writer writes: one line at a time."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


def csv_lines(header: list[str], data: Iterable[list]) -> Iterator[str]:
    """The CSV as French Excel opens it (UTF-8 with a BOM, `;` between cells), a line at a
    time: for a streaming response, or for a file."""
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    yield BOM + writer.writerow([neutralise(cell) for cell in header])
    for row in data:
        yield writer.writerow([_csv_cell(cell) for cell in row])


def write_csv(header: list[str], data: Iterable[list], file: IO[bytes]) -> int:
    """Write the CSV to a binary file; returns how many rows (the header not counted)."""
    lines = csv_lines(header, data)
    file.write(next(lines).encode("utf-8"))
    count = 0
    for line in lines:
        file.write(line.encode("utf-8"))
        count += 1
    return count


# --- XLSX -----------------------------------------------------------------------------------


def _text_cell(sheet, value: str, font: Font | None = None) -> WriteOnlyCell:
    """A cell that holds text and nothing else: typed as a string so that openpyxl never
    writes it as a formula (it would for any text starting with "="). A string cell is inert
    in every spreadsheet: no quote in front, unlike the CSV, whose cells have no type."""
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        return _text_cell(sheet, value)
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = FORMAT_DATE_XLSX14  # the reader's short date format
        return cell
    return value  # a number, or None for an empty cell


def write_xlsx(header: list[str], data: Iterable[list], file: IO[bytes], *, title: str) -> int:
    """Write the workbook (one sheet named `title`, its header row bold and frozen) to a binary
    file; returns how many rows (the header not counted). openpyxl's write-only mode keeps
    the rows on disk, not in memory, until the file is zipped."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_text_cell(sheet, cell, bold) for cell in header])
    count = 0
    for row in data:
        sheet.append([_xlsx_cell(sheet, cell) for cell in row])
        count += 1
    workbook.save(file)
    return count


def _sheet_title(title: str) -> str:
    """Excel refuses a sheet title longer than 31 characters or with one of []:*?/\\."""
    return "".join(char for char in title if char not in "[]:*?/\\")[:31] or "Export"


def write(
    format: str, source: str, applications: QuerySet[Application], user: User, file: IO[bytes]
) -> int:
    """Write the export of these applications of `source` for `user` in `format`, in the
    active language; returns how many rows."""
    data = rows(applications, user)
    if format == ExportFormat.XLSX:
        return write_xlsx(headers(), data, file, title=str(ExportSource(source).label))
    return write_csv(headers(), data, file)


def download_name(format: str, day: date) -> str:
    return f"demandes-{day:%Y-%m-%d}.{format}"
