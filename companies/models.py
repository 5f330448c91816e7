"""The SMEs taking part in the programme, and the people acting for them.

The tables keep the names they had when the models lived in `applications`: the move changed
the code, not the database (`companies.0001_initial`)."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reference.geography import DEPARTMENTS, REGION_NAMES, REGIONS
from reference.models import Sector

from .enums import ExportExperience, Headcount, TurnoverBand
from .validators import SIREN_LENGTH, validate_siren


class Company(models.Model):
    """An SME taking part in the programme; several users may act for it."""

    legal_name = models.CharField(_("raison sociale"), max_length=200)
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        unique=True,
        validators=[validate_siren],
        help_text=_("9 chiffres, sans espace."),
        error_messages={
            "unique": _(
                "Cette entreprise est déjà inscrite sur le portail. Demandez à l'un de ses "
                "utilisateurs de vous y ajouter."
            )
        },
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        limit_choices_to={"section__isnull": False},
        related_name="companies",
        verbose_name=_("secteur d'activité (NAF)"),
    )
    headcount = models.CharField(_("effectif"), max_length=10, choices=Headcount.choices)
    turnover = models.CharField(
        _("chiffre d'affaires"), max_length=10, choices=TurnoverBand.choices
    )
    region = models.CharField(_("région"), max_length=3, choices=REGIONS)
    department = models.CharField(
        _("département"),
        max_length=3,
        choices=[(code, f"{code} – {name}") for code, name, _region in DEPARTMENTS],
    )
    website = models.CharField(
        _("site web"), max_length=200, blank=True, validators=[URLValidator()]
    )
    export_experience = models.CharField(
        _("expérience à l'export"), max_length=20, choices=ExportExperience.choices
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        db_table = "applications_company"
        verbose_name = _("PME")
        verbose_name_plural = _("PME")
        ordering = ["legal_name"]
        constraints = [
            # The compact ASCII form only (companies.validators.normalize_siren): one
            # company, one way of writing its SIREN, so that uniqueness holds. \A and \Z, not
            # ^ and $: Python's $ (SQLite's REGEXP) also matches before a final line break.
            models.CheckConstraint(
                condition=Q(siren__regex=r"\A[0-9]{9}\Z"),
                name="company_siren_nine_ascii_digits",
                violation_error_message=SIREN_LENGTH,
            ),
        ]

    def __str__(self):
        return self.legal_name

    def get_absolute_url(self):
        return reverse("companies:edit")

    def get_region_display(self) -> str:
        # Django's, without building the dict of every region on each row.
        return REGION_NAMES.get(self.region, self.region)


class CompanyMembership(models.Model):
    """A user acting for a company (a person belongs to one company)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="company_membership",
        verbose_name=_("utilisateur"),
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("PME")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "applications_companymembership"
        verbose_name = _("membre d'une PME")
        verbose_name_plural = _("membres de PME")

    def __str__(self):
        return f"{self.user} – {self.company}"
