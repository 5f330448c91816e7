"""Choices for the reports app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", _("Excel (XLSX)")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("En préparation")
    READY = "ready", _("Prêt")
    FAILED = "failed", _("Échec")


class ExportSource(models.TextChoices):
    """The lists of applications that can be exported, named after their pages."""

    DASHBOARD = "dashboard", _("Mes demandes")
    SPONSOR_QUEUE = "sponsor_queue", _("Demandes à parrainer")
    STAFF_QUEUE = "staff_queue", _("Dossiers en instruction")
    INTERLOCUTOR_QUEUE = "interlocutor_queue", _("Dossiers proposés et suivis")
