"""What the retention sweep remembers: the reminders sent about drafts left untouched."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DraftReminder(models.Model):
    """The one reminder sent about a draft left untouched, for one idle period.

    The period is identified by the moment the draft was last worked on (`cycle`): saving the
    draft again (or attaching a document) starts a new period, for which this row no longer
    counts; a new reminder is then due after the same delay. The unique constraint makes two
    sweeps at once, or a sweep run twice, send it once.
    """

    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="draft_reminders",
        verbose_name=_("brouillon"),
    )
    cycle = models.DateTimeField(_("dernière modification du brouillon"))
    sent_at = models.DateTimeField(_("relance envoyée le"), default=timezone.now)

    class Meta:
        verbose_name = _("relance d'un brouillon inactif")
        verbose_name_plural = _("relances de brouillons inactifs")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "cycle"], name="draft_reminder_once_per_cycle"
            )
        ]

    def __str__(self):
        return f"{self.application_id}: {self.sent_at:%Y-%m-%d}"
