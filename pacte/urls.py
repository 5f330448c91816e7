"""The portal's URLs."""

from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from reports.views import public as public_views

urlpatterns = [
    path("", public_views.home, name="home"),
    path("comptes/", include("accounts.urls")),
    path("demandes/entreprise/", include("companies.urls")),
    path("demandes/", include("applications.urls")),
    path("groupes/", include("corporations.urls")),
    path("notifications/", include("notifications.urls")),
    path("mes-donnees/", include("privacy.urls")),
    path("", include("reports.urls")),
    # Django's own view, which also stores the choice on the account (accounts.views).
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

# The error pages in the portal's layout (pacte/views.py); 500 is Django's handler, which
# renders templates/500.html without the database.
handler400 = "pacte.views.bad_request"
handler403 = "pacte.views.permission_denied"
handler404 = "pacte.views.page_not_found"
