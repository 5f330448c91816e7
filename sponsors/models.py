"""Sponsor bodies (CCI, local CCE committees), their advisors and their endorsements."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reference.geography import REGIONS

from .enums import Decision, SponsorKind


class SponsorBody(models.Model):
    """A body that may sponsor ("parrainer") an SME's application: a CCI or a CCE committee."""

    kind = models.CharField(_("type"), max_length=3, choices=SponsorKind.choices)
    name = models.CharField(_("nom"), max_length=200, unique=True)
    region = models.CharField(_("région"), max_length=3, choices=REGIONS)
    departments = models.JSONField(
        _("départements couverts"),
        default=list,
        blank=True,
        help_text=_("Codes des départements couverts ; vide pour toute la région."),
    )
    email = models.EmailField(_("e-mail de contact"), blank=True)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("organisme parrain")
        verbose_name_plural = _("organismes parrains")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def covers(self, region: str, department: str) -> bool:
        if self.departments:
            return department in self.departments
        return region == self.region


class Advisor(models.Model):
    """Membership of a sponsor body: a CCI advisor or a member of a local CCE committee."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="advisor_membership",
        verbose_name=_("utilisateur"),
    )
    sponsor_body = models.ForeignKey(
        SponsorBody,
        on_delete=models.CASCADE,
        related_name="advisors",
        verbose_name=_("organisme parrain"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conseiller")
        verbose_name_plural = _("conseillers")

    def __str__(self):
        return f"{self.user} ({self.sponsor_body})"


class Endorsement(models.Model):
    """A sponsor advisor's decision on an application, with its reason."""

    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="endorsements",
        verbose_name=_("demande"),
    )
    sponsor_body = models.ForeignKey(
        SponsorBody, on_delete=models.PROTECT, related_name="endorsements"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision = models.CharField(_("décision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("motif"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("parrainage")
        verbose_name_plural = _("parrainages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="endorsement_decision_known"
            ),
            models.CheckConstraint(
                condition=Q(decision=Decision.ENDORSED) | ~Q(reason=""),
                name="endorsement_decline_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} – {self.sponsor_body}"
