"""Reference data kept in the database: the NAF rév. 2 sectors."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Sector(models.Model):
    """A NAF rév. 2 section (letter) or division (two digits), loaded by a data migration
    (`applications.0003_load_naf_sectors`, from `reference.naf`).

    The table keeps the name it had when the model lived in `applications`: the move changed
    the code, not the database (`reference.0001_initial`)."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    section = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="divisions",
        verbose_name=_("section"),
    )
    label_fr = models.CharField(_("libellé (français)"), max_length=200)
    label_en = models.CharField(_("libellé (anglais)"), max_length=200)

    class Meta:
        db_table = "applications_sector"
        verbose_name = _("secteur NAF")
        verbose_name_plural = _("secteurs NAF")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.label}"

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "fr").startswith("en") else self.label_fr

    @property
    def is_division(self) -> bool:
        return self.section_id is not None
