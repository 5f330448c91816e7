"""The year's goals the dashboards measure against, and the exports built in the background."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import ExportFormat, ExportSource, ExportStatus


def _export_storage():
    return storages["documents"]  # private: downloaded only through the portal's view


def _export_path(export, filename: str) -> str:
    return f"exports/{export.user_id}/{uuid.uuid4().hex}.{export.format}"


class Goal(models.Model):
    """The number of SMEs the programme means to accompany in one calendar year."""

    year = models.PositiveSmallIntegerField(
        _("année"), unique=True, validators=[MinValueValidator(2009)]
    )
    smes_accompanied = models.PositiveIntegerField(
        _("PME accompagnées visées"), validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("objectif annuel")
        verbose_name_plural = _("objectifs annuels")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} : {self.smes_accompanied}"


class Export(models.Model):
    """A list of applications exported in the background, offered for download when ready.

    `query` is the list's query string (its filters), `source` the list it came from: the task
    rebuilds the list for `user` with that user's own scope when it runs, so an export never
    holds more than its owner may see.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exports",
        verbose_name=_("demandé par"),
    )
    source = models.CharField(_("liste"), max_length=40, choices=ExportSource.choices)
    query = models.CharField(_("filtres"), max_length=2000, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    status = models.CharField(
        _("statut"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    file = models.FileField(
        _("fichier"), storage=_export_storage, upload_to=_export_path, blank=True
    )
    rows = models.PositiveIntegerField(_("lignes"), null=True, blank=True)
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    finished_at = models.DateTimeField(_("prêt le"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.source} ({self.format}, {self.created_at:%Y-%m-%d %H:%M})"

    @property
    def expires_at(self) -> datetime:
        """When the purge deletes it (`reports.tasks.purge_exports`)."""
        return self.created_at + timedelta(days=settings.EXPORT_RETENTION_DAYS)

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.READY and bool(self.file)


@receiver(post_delete, sender=Export)
def _delete_export_file(sender, instance: Export, **kwargs) -> None:
    """An export's row gone (purged, its user deleted), its file goes too, once the deletion
    has committed: the same rule as an application's documents."""
    storage, name = instance.file.storage, instance.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))
