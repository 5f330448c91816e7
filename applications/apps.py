"""App configuration for applications."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Demandes de portage")

    def ready(self):
        from . import caching, ranking, selectors

        selectors.connect_team()
        caching.connect()
        ranking.connect()
