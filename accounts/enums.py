"""Choices for accounts: the roles a person can be invited to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMPANY = "company", _("Membre d'une PME")
    ADVISOR = "advisor", _("Conseiller d'un organisme parrain")
    STAFF = "staff", _("Chargé(e) de mission Pacte PME")
    INTERLOCUTOR = "interlocutor", _("Correspondant d'un grand groupe")
