"""What an uploaded document is, read from its bytes; a name safe to store; and how a file
of the private storage leaves it.

The type comes from the file's first bytes (and, for the office formats, which are zip
archives, from the entries inside), never from its name or the browser's claim. Office files
are checked against zip bombs before anything reads them further: the unpacked size and the
number of entries the archive declares are bounded.
"""

import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core import typography

# Accepted kinds: the extension the stored file gets, and the content type it is served with.
PDF = ("pdf", "application/pdf")
PNG = ("png", "image/png")
JPEG = ("jpg", "image/jpeg")
DOCX = ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODT = ("odt", "application/vnd.oasis.opendocument.text")
ODS = ("ods", "application/vnd.oasis.opendocument.spreadsheet")

# Zip bombs: what an office file may unpack to, at most.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 2000


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str


def identify(upload) -> Kind:
    """The kind of `upload` (a Django UploadedFile), from its bytes; ValidationError, in
    French, for anything else, too big, or a suspicious archive."""
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Le fichier pèse %(size)s Mo : %(limit)s Mo au plus.")
            % {"size": _megabytes(upload.size), "limit": _megabytes(limit)},
            code="too_big",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return Kind(*PDF)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind(*PNG)
    if head.startswith(b"\xff\xd8\xff"):
        return Kind(*JPEG)
    if head.startswith(b"PK\x03\x04"):
        return _office(upload)
    raise _refused()


def _office(upload) -> Kind:
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES or (
                sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES
            ):
                raise ValidationError(
                    _(
                        "Ce fichier bureautique se décompresse en bien plus que son poids : "
                        "il est refusé par précaution. Enregistrez-le de nouveau ou envoyez-le "
                        "en PDF."
                    ),
                    code="zip_bomb",
                )
            names = {entry.filename for entry in entries}
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                for kind in (ODT, ODS):
                    if mimetype == kind[1]:
                        return Kind(*kind)
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return Kind(*DOCX)
                if any(name.startswith("xl/") for name in names):
                    return Kind(*XLSX)
    except zipfile.BadZipFile:
        pass
    finally:
        upload.seek(0)
    raise _refused()


def _refused() -> ValidationError:
    return ValidationError(
        _(
            "Ce type de fichier n'est pas accepté : envoyez un PDF, une image PNG ou JPEG, ou "
            "un document Word, Excel ou OpenDocument (DOCX, XLSX, ODT, ODS)."
        ),
        code="type",
    )


def _megabytes(size: int) -> str:
    """Megabytes with at most one decimal, in the reader's format: "1,5" ("1.5"), "10"."""
    megabytes = round(size / (1024 * 1024), 1)
    if megabytes == int(megabytes):
        return typography.number(int(megabytes))
    return typography.number(megabytes, 1)


CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_name(name: str, kind: Kind | None = None) -> str:
    """The name shown to people: no folder, no control character, at most 150 characters,
    and the extension of what the file really is (as sent, for a file refused)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = CONTROL.sub("", name).strip().strip(".")
    stem, extension = os.path.splitext(name)
    stem = stem.strip() or _("document")
    extension = kind.extension if kind is not None else extension.lstrip(".")[:8]
    return f"{stem[:140]}.{extension}" if extension else stem[:140]


def download(file, *, name: str, content_type: str) -> HttpResponse:
    """A file of the private storage (a document, an export) as an attachment never sniffed;
    behind nginx (`DOCUMENT_X_ACCEL_PREFIX`), the transfer is handed over to it."""
    if settings.DOCUMENT_X_ACCEL_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.DOCUMENT_X_ACCEL_PREFIX + file.name
        response["Content-Disposition"] = content_disposition_header(True, name)
    else:
        response = FileResponse(
            file.open("rb"), as_attachment=True, filename=name, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response
