"""Member corporations, where they operate, who can take dossiers, hosting offers and matches."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .enums import MatchStatus


class MemberCorporation(models.Model):
    """A large corporation that is a member of the programme ("grand groupe membre")."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    slug = models.SlugField(unique=True, blank=True)
    website = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("présentation"), blank=True)
    is_active = models.BooleanField(_("membre actif"), default=True)

    class Meta:
        verbose_name = _("grand groupe membre")
        verbose_name_plural = _("grands groupes membres")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)


class Presence(models.Model):
    """Where a corporation operates ("implantation"): a country, perhaps a city, its trades."""

    corporation = models.ForeignKey(
        MemberCorporation,
        on_delete=models.CASCADE,
        related_name="presences",
        verbose_name=_("grand groupe"),
    )
    country = CountryField(_("pays"), db_index=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    sectors = models.ManyToManyField(
        "applications.Sector", blank=True, related_name="presences", verbose_name=_("secteurs")
    )
    since = models.PositiveSmallIntegerField(_("présent depuis (année)"), null=True, blank=True)

    class Meta:
        verbose_name = _("implantation")
        verbose_name_plural = _("implantations")
        ordering = ["corporation__name", "country", "city"]
        constraints = [
            models.UniqueConstraint(
                fields=["corporation", "country", "city"], name="presence_unique_place"
            )
        ]

    def __str__(self):
        place = f"{self.city}, {self.country.name}" if self.city else str(self.country.name)
        return f"{self.corporation} – {place}"


class Interlocutor(models.Model):
    """A named person of a member corporation who can take dossiers ("correspondant")."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="interlocutor",
        verbose_name=_("utilisateur"),
    )
    corporation = models.ForeignKey(
        MemberCorporation,
        on_delete=models.CASCADE,
        related_name="interlocutors",
        verbose_name=_("grand groupe"),
    )
    job_title = models.CharField(_("fonction"), max_length=200, blank=True)
    countries = CountryField(_("pays suivis"), multiple=True, blank=True)
    sectors = models.ManyToManyField(
        "applications.Sector",
        blank=True,
        related_name="interlocutors",
        verbose_name=_("secteurs suivis"),
    )
    capacity = models.PositiveSmallIntegerField(
        _("dossiers suivis simultanément (maximum)"), default=3
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("correspondant")
        verbose_name_plural = _("correspondants")
        ordering = ["corporation__name", "user__last_name"]

    def __str__(self):
        return f"{self.user} ({self.corporation})"


class HostingOffer(models.Model):
    """Desks or offices a corporation offers abroad ("offre d'hébergement")."""

    corporation = models.ForeignKey(
        MemberCorporation,
        on_delete=models.CASCADE,
        related_name="hosting_offers",
        verbose_name=_("grand groupe"),
    )
    country = CountryField(_("pays"))
    city = models.CharField(_("ville"), max_length=100)
    desks = models.PositiveSmallIntegerField(_("postes de travail disponibles"))
    monthly_price = models.PositiveIntegerField(_("prix mensuel par poste (€)"), default=0)
    at_cost = models.BooleanField(_("à prix coûtant"), default=False)
    vie_accepted = models.BooleanField(_("VIE acceptés"), default=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("offre d'hébergement")
        verbose_name_plural = _("offres d'hébergement")
        ordering = ["corporation__name", "country", "city"]

    def __str__(self):
        return f"{self.corporation} – {self.city}, {self.country.name}"


class MatchQuerySet(models.QuerySet):
    def proposed(self):
        return self.filter(status=MatchStatus.PROPOSED)

    def accepted(self):
        return self.filter(status=MatchStatus.ACCEPTED)


class Match(models.Model):
    """A proposal of an application to an interlocutor ("mise en relation")."""

    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="matches",
        verbose_name=_("demande"),
    )
    interlocutor = models.ForeignKey(
        Interlocutor,
        on_delete=models.PROTECT,
        related_name="matches",
        verbose_name=_("correspondant"),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(_("message au correspondant"), blank=True)
    decision_reason = models.TextField(_("motif"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("mise en relation")
        verbose_name_plural = _("mises en relation")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MatchStatus.values), name="match_status_known"
            ),
            # At most one live proposal or accompaniment per application.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=[MatchStatus.PROPOSED, MatchStatus.ACCEPTED]),
                name="match_one_live_per_application",
            ),
        ]

    def __str__(self):
        return f"{self.application} → {self.interlocutor}"
