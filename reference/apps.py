"""App configuration for the reference data: what every domain app uses and none owns."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "reference"
    verbose_name = _("Données de référence")
