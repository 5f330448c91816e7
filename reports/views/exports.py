"""Exports of the lists of applications (CSV, XLSX): asked from a list's page, downloaded at
once when small, built in the background when large and downloaded from "Mes exports".

One URL per list (`export_dashboard`, `export_sponsor_queue`, ...), each with the rule of its
list's page and the list's filters in its query string:
- GET is safe: up to EXPORT_INLINE_MAX_ROWS rows, the file itself; beyond, a page that says
  how many rows and offers to build it;
- POST (that page's button, with its CSRF token) writes the `Export` row, queues its task and
  leads to "Mes exports".
"""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpResponseBadRequest,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import can
from accounts.ratelimits import exceeded
from accounts.ratelimits import message as rate_message
from applications import documents

from .. import exports, services
from ..enums import ExportFormat, ExportSource, ExportStatus
from ..models import Export

# The query string's keys that are not filters: the page of the list.
NOT_FILTERS = ("page",)


def filters_of(request) -> QueryDict:
    """The list's filters from the query string, without its page number."""
    params = request.GET.copy()
    for key in NOT_FILTERS:
        params.pop(key, None)
    return params


@login_required
@require_http_methods(["GET", "POST"])
def export_create(request, source: str, format: str):
    """The export of one list; `source` comes from the URL pattern, `format` from the path."""
    if format not in ExportFormat.values:
        raise Http404
    if not can(request.user, exports.SOURCES[source].permission):
        raise PermissionDenied
    params = filters_of(request)
    if request.method == "POST":
        query = params.urlencode()
        if len(query) > Export._meta.get_field("query").max_length:
            return HttpResponseBadRequest()  # no list's filters are that long
        if exceeded(request, "export"):
            messages.error(request, rate_message("export"))
            return redirect("reports:export_list")
        export = services.request_export(request.user, source=source, format=format, query=query)
        messages.success(
            request,
            _(
                "Votre export est en préparation. Il apparaîtra ici dès qu'il sera prêt, et "
                "vous en serez averti."
            ),
        )
        return redirect(reverse("reports:export_list") + f"#export-{export.pk}")
    applications = exports.applications_of(source, request.user, params)
    count = applications.count()
    if count > settings.EXPORT_INLINE_MAX_ROWS:
        return render(
            request,
            "reports/export_confirm.html",
            {
                "count": count,
                "format": ExportFormat(format),
                "source": ExportSource(source),
                "list_url": exports.SOURCES[source].page,
                "query": params.urlencode(),
            },
        )
    return _file_now(request, source, format, applications)


def _file_now(request, source, format, applications):
    """The file, written as the response goes (CSV) or first in a temporary file (XLSX, a
    zip that is written whole at the end)."""
    name = exports.download_name(format, timezone.localdate())
    if format == ExportFormat.CSV:
        response = StreamingHttpResponse(
            exports.csv_lines(exports.headers(), exports.rows(applications, request.user)),
            content_type=exports.CONTENT_TYPES[ExportFormat.CSV],
        )
    else:
        file = tempfile.TemporaryFile()
        exports.write(format, source, applications, request.user, file)
        file.seek(0)
        response = FileResponse(file, content_type=exports.CONTENT_TYPES[ExportFormat.XLSX])
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _own_exports(user):
    """The user's exports not expired yet (the purge deletes them within the hour)."""
    return Export.objects.filter(
        user=user, created_at__gte=services.expired_before(timezone.now())
    ).order_by("-created_at")


@login_required
@require_GET
def export_list(request):
    """The user's exports; while one is being built, the table asks for itself again every
    few seconds (HTMX), and only the table is sent back."""
    own = list(_own_exports(request.user))
    context = {
        "exports": own,
        "pending": any(export.status == ExportStatus.PENDING for export in own),
        "retention_days": settings.EXPORT_RETENTION_DAYS,
    }
    if request.headers.get("HX-Request") == "true":
        response = render(request, "reports/_export_table.html", context)
    else:
        response = render(request, "reports/export_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def export_download(request, pk):
    """A ready export, to its owner only: anyone else, staff included, gets a 404."""
    export = get_object_or_404(_own_exports(request.user), pk=pk, status=ExportStatus.READY)
    if not export.file:
        raise Http404
    name = exports.download_name(export.format, timezone.localdate(export.created_at))
    content_type = exports.CONTENT_TYPES[ExportFormat(export.format)]
    # The same private storage as the documents, and the same way out of it.
    return documents.download(export.file, name=name, content_type=content_type)
