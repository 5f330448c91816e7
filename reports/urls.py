"""URLs of reports: the dashboards and exports (under /chiffres/) and the public pages of the
programme (under /programme/)."""

from django.urls import path

from .enums import ExportSource
from .views import dashboards, exports, public

app_name = "reports"

urlpatterns = [
    # The programme's public pages, open to everyone.
    path("programme/", public.programme, name="programme"),
    path("programme/grands-groupes/", public.corporations, name="corporations"),
    # Exports of lists of applications: the user's own, one to download, and one URL per list
    # (the list's filters in the query string; its source passed to the view).
    path("chiffres/exports/", exports.export_list, name="export_list"),
    path("chiffres/exports/<uuid:pk>/", exports.export_download, name="export_download"),
    path(
        "chiffres/exports/mes-demandes/<slug:format>/",
        exports.export_create,
        {"source": ExportSource.DASHBOARD},
        name="export_dashboard",
    ),
    path(
        "chiffres/exports/parrainage/<slug:format>/",
        exports.export_create,
        {"source": ExportSource.SPONSOR_QUEUE},
        name="export_sponsor_queue",
    ),
    path(
        "chiffres/exports/instruction/<slug:format>/",
        exports.export_create,
        {"source": ExportSource.STAFF_QUEUE},
        name="export_staff_queue",
    ),
    path(
        "chiffres/exports/correspondant/<slug:format>/",
        exports.export_create,
        {"source": ExportSource.INTERLOCUTOR_QUEUE},
        name="export_interlocutor_queue",
    ),
    path("chiffres/", dashboards.dashboard, name="dashboard"),
    path(
        "chiffres/grands-groupes/<slug:slug>/",
        dashboards.corporation_dashboard,
        name="corporation",
    ),
]
