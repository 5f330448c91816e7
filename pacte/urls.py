"""The portal's URLs."""

from django.contrib import admin
from django.urls import include, path

from applications import views as application_views

urlpatterns = [
    path("", application_views.home, name="home"),
    path("comptes/", include("accounts.urls")),
    path("demandes/", include("applications.urls")),
    path("groupes/", include("corporations.urls")),
    path("notifications/", include("notifications.urls")),
    path("mes-donnees/", include("privacy.urls")),
    path("", include("reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# The error pages in the portal's layout (pacte/views.py); 500 is Django's handler, which
# renders templates/500.html without the database.
handler400 = "pacte.views.bad_request"
handler403 = "pacte.views.permission_denied"
handler404 = "pacte.views.page_not_found"
