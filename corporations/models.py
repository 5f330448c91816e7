"""Member corporations, where they operate, who can take dossiers, hosting offers and matches."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
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
        "reference.Sector", blank=True, related_name="presences", verbose_name=_("secteurs")
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
        "reference.Sector",
        blank=True,
        related_name="interlocutors",
        verbose_name=_("secteurs suivis"),
    )
    capacity = models.PositiveSmallIntegerField(
        _("dossiers suivis simultanément (maximum)"), default=3
    )
    # Accompaniments under way, kept by the workflow's services under a row lock; the
    # constraint below is the last word when two acceptances race.
    open_accompaniments = models.PositiveSmallIntegerField(
        _("accompagnements en cours"), default=0, editable=False
    )
    # Their record, for the ranking: proposals they decided (accepted or declined) and
    # accepted, and the ratings of the SMEs they accompanied. Kept by the workflow's services
    # as each proposal is decided or rated, so that ranking a crowded country does not
    # aggregate every interlocutor's history (`services.recount_records` recomputes them).
    proposals_decided = models.PositiveIntegerField(
        _("propositions décidées"), default=0, editable=False
    )
    proposals_accepted = models.PositiveIntegerField(
        _("propositions acceptées"), default=0, editable=False
    )
    ratings_sum = models.PositiveIntegerField(_("somme des notes"), default=0, editable=False)
    ratings_count = models.PositiveIntegerField(_("notes reçues"), default=0, editable=False)
    is_coordinator = models.BooleanField(
        _("coordinateur du grand groupe"),
        default=False,
        help_text=_("Tient à jour les implantations et les offres d'hébergement du groupe."),
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("correspondant")
        verbose_name_plural = _("correspondants")
        ordering = ["corporation__name", "user__last_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(open_accompaniments__lte=F("capacity")),
                name="interlocutor_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(proposals_accepted__lte=F("proposals_decided")),
                name="interlocutor_accepted_within_decided",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.corporation})"

    def get_absolute_url(self):
        return reverse("corporations:profile")

    @property
    def free_capacity(self) -> int:
        return max(self.capacity - self.open_accompaniments, 0)

    def clean(self):
        if self.capacity is not None and self.capacity < self.open_accompaniments:
            raise ValidationError(
                {
                    "capacity": ngettext(
                        "Ce correspondant suit actuellement %(count)s dossier : sa capacité ne "
                        "peut pas être inférieure.",
                        "Ce correspondant suit actuellement %(count)s dossiers : sa capacité ne "
                        "peut pas être inférieure.",
                        self.open_accompaniments,
                    )
                    % {"count": self.open_accompaniments}
                }
            )


class Absence(models.Model):
    """A period when an interlocutor takes no new dossier (holidays, assignment...)."""

    interlocutor = models.ForeignKey(
        Interlocutor,
        on_delete=models.CASCADE,
        related_name="absences",
        verbose_name=_("correspondant"),
    )
    start = models.DateField(_("du"))
    end = models.DateField(_("au (inclus)"))
    note = models.CharField(_("motif (facultatif)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="absence_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["interlocutor", "end"])]

    def __str__(self):
        return f"{self.interlocutor}: {self.start} – {self.end}"


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
    desks = models.PositiveSmallIntegerField(_("postes de travail offerts"))
    # Desks taken by accompaniments under way; kept by the services under a row lock.
    reserved_desks = models.PositiveSmallIntegerField(
        _("postes occupés"), default=0, editable=False
    )
    monthly_price = models.PositiveIntegerField(_("prix mensuel par poste (€)"), default=0)
    at_cost = models.BooleanField(_("à prix coûtant"), default=False)
    vie_accepted = models.BooleanField(_("VIE acceptés"), default=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("offre d'hébergement")
        verbose_name_plural = _("offres d'hébergement")
        ordering = ["corporation__name", "country", "city"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reserved_desks__lte=F("desks")), name="hosting_offer_not_overbooked"
            )
        ]

    def __str__(self):
        return f"{self.corporation} – {self.city}, {self.country.name}"

    @property
    def free_desks(self) -> int:
        return max(self.desks - self.reserved_desks, 0)

    def clean(self):
        if self.desks is not None and self.desks < self.reserved_desks:
            raise ValidationError(
                {
                    "desks": ngettext(
                        "%(count)s poste est occupé par une PME accompagnée : l'offre ne peut "
                        "pas en compter moins.",
                        "%(count)s postes sont occupés par des PME accompagnées : l'offre ne "
                        "peut pas en compter moins.",
                        self.reserved_desks,
                    )
                    % {"count": self.reserved_desks}
                }
            )


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
    # Staff may propose someone the ranking did not list; they must say why.
    off_list_reason = models.TextField(_("motif du choix hors de la liste"), blank=True)
    hosting_offer = models.ForeignKey(
        HostingOffer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matches",
        verbose_name=_("offre d'hébergement"),
    )
    reserved_desks = models.PositiveSmallIntegerField(_("postes réservés"), default=0)
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
        indexes = [
            # The sweep finds the proposals left unanswered by their date.
            models.Index(
                fields=["created_at"],
                condition=Q(status=MatchStatus.PROPOSED),
                name="match_pending_by_date",
            ),
            # The interlocutor's queue pages through the SMEs they follow, the latest first.
            models.Index(
                fields=["interlocutor", "-decided_at", "-id"],
                condition=Q(status=MatchStatus.ACCEPTED),
                name="match_followed_by_date",
            ),
        ]

    def __str__(self):
        return f"{self.application} → {self.interlocutor}"
