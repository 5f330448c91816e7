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
