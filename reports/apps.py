"""App configuration for reports: the programme's figures, dashboards, exports and public pages."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Chiffres du programme")

    def ready(self):
        from . import caching

        caching.connect()
