"""App configuration for corporations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorporationsConfig(AppConfig):
    name = "corporations"
    verbose_name = _("Grands groupes membres")
