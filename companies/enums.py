"""How an SME describes itself: its headcount, its turnover, its experience of exporting."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Headcount(models.TextChoices):
    MICRO = "1-9", _("1 à 9 salariés")
    SMALL = "10-49", _("10 à 49 salariés")
    MEDIUM = "50-249", _("50 à 249 salariés")
    INTERMEDIATE = "250-4999", _("250 à 4 999 salariés")


class TurnoverBand(models.TextChoices):
    UNDER_2M = "lt2m", _("Moins de 2 M€")
    FROM_2M_TO_10M = "2m-10m", _("De 2 à 10 M€")
    FROM_10M_TO_50M = "10m-50m", _("De 10 à 50 M€")
    OVER_50M = "gt50m", _("Plus de 50 M€")


class ExportExperience(models.TextChoices):
    NONE = "none", _("Aucune")
    OCCASIONAL = "occasional", _("Ventes ponctuelles à l'étranger")
    REGULAR = "regular", _("Export régulier")
    ESTABLISHED = "established", _("Filiales ou bureaux à l'étranger")
