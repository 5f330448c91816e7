"""Choices for sponsors: kinds of body and endorsement decisions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SponsorKind(models.TextChoices):
    CCI = "cci", _("CCI")
    CCE = "cce", _("Comité local CCE")


class Decision(models.TextChoices):
    ENDORSED = "endorsed", _("Parrainée")
    DECLINED = "declined", _("Parrainage refusé")
