"""The PDF of an application (WeasyPrint): its answers, sponsorship, questions, proposal,
documents and timeline as one viewer sees them on its page, internal notes never, for the
sponsor and the corporation to keep or pass on."""

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from accounts.models import User

from . import selectors
from .models import Application

TEMPLATE = "applications/application_pdf.html"
STYLESHEET = "css/application-pdf.css"


class RefusedURL(ValueError):
    """A URL the PDF may not fetch: anything but a file of the project's static folders."""


def static_roots() -> list[Path]:
    """The project's own static folders (`STATICFILES_DIRS`), symbolic links resolved."""
    roots = []
    for entry in settings.STATICFILES_DIRS:
        folder = entry[1] if isinstance(entry, list | tuple) else entry  # (prefix, folder)
        roots.append(Path(folder).resolve())
    return roots


def static_file(url: str) -> Path:
    """The file a `file://` URL names, if it is inside the project's static folders (after
    `..` and symbolic links are resolved); `RefusedURL` for any other URL."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"Only the project's static files may be read: {url!r}")
    path = Path(url2pathname(parts.path)).resolve()
    if not any(path.is_relative_to(root) for root in static_roots()) or not path.is_file():
        raise RefusedURL(f"Not a file of the project's static folders: {url!r}")
    return path


class StaticFilesFetcher(URLFetcher):
    """WeasyPrint's fetcher, reduced to the project's static files: no network (http, ftp,
    data…), no file outside the static folders. What the PDF shows is typed by users; were a
    URL ever to reach the HTML, rendering it could neither call an inner service (SSRF) nor
    read the server's files. A refused URL is logged by WeasyPrint and left out."""

    def fetch(self, url, headers=None):
        path = static_file(url)
        mime_type, _encoding = mimetypes.guess_type(path.name)
        content_type = mime_type or "application/octet-stream"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


def pdf_context(user: User, application: Application) -> dict:
    """What the PDF shows to `user`: the read functions of the page, notes always left out."""
    visible_documents = selectors.documents_for(user, application, notes=False)
    return {
        "application": application,
        "generated_at": timezone.now(),
        "viewer_name": str(user),  # the name, or the address
        "endorsements": list(application.endorsements.select_related("advisor", "sponsor_body")),
        "information_requests": list(
            application.information_requests.prefetch_related(
                Prefetch("attachments", queryset=visible_documents.order_by("pk"))
            )
        ),
        "match": selectors.live_match_for(user, application),
        "documents": list(visible_documents.select_related("uploaded_by")),
        "timeline": selectors.timeline(user, application, notes=False),
    }


def render_application(user: User, application: Application) -> bytes:
    """The application as `user` sees it, as PDF bytes, in the active language."""
    html = render_to_string(TEMPLATE, pdf_context(user, application))
    fetcher = StaticFilesFetcher()
    stylesheet = Path(finders.find(STYLESHEET))
    return HTML(
        string=html, base_url=static_roots()[0].as_uri() + "/", url_fetcher=fetcher
    ).write_pdf(stylesheets=[CSS(url=stylesheet.as_uri(), url_fetcher=fetcher)])
