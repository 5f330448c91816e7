"""The SME's form: how it describes itself (name, SIREN, sector, size, where it is, its export
experience), on its own page and in the admin."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from reference.geography import DEPARTMENT_REGION, REGION_NAMES
from reference.models import Sector
from reference.widgets import SearchableSelect, Select

from .models import Company
from .validators import normalize_siren, validate_siren


class SirenField(forms.CharField):
    """A SIREN as people write it (spaces as on a Kbis extract, dots, dashes, full-width
    digits), cleaned to its compact ASCII form, the one stored and checked for uniqueness.

    No maxlength on the input: the browser would cut a pasted "  982 380 578  " silently.
    The length is checked with the rest, in a message that speaks of digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("SIREN"))
        kwargs.pop("max_length", None)  # the model's 9: see above
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        validate_siren(value)
        return normalize_siren(value)


class CompanyForm(forms.ModelForm):
    siren = SirenField(help_text=_("9 chiffres, tels qu'ils figurent sur votre extrait Kbis."))

    class Meta:
        model = Company
        fields = [
            "legal_name",
            "siren",
            "sector",
            "headcount",
            "turnover",
            "region",
            "department",
            "website",
            "export_experience",
        ]
        # Each select's empty choice says what to do, not "---------".
        widgets = {
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
            "sector": SearchableSelect(empty_label=_("Choisissez un secteur")),
            "headcount": Select(empty_label=_("Choisissez un effectif")),
            "turnover": Select(empty_label=_("Choisissez une tranche de chiffre d'affaires")),
            "region": Select(empty_label=_("Choisissez une région")),
            "department": SearchableSelect(empty_label=_("Choisissez un département")),
            "export_experience": Select(empty_label=_("Choisissez votre expérience à l'export")),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(section__isnull=False)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        region, department = cleaned.get("region"), cleaned.get("department")
        if region and department and DEPARTMENT_REGION.get(department) != region:
            self.add_error(
                "department",
                _("Ce département n'est pas dans la région %(region)s.")
                % {"region": REGION_NAMES.get(region, region)},
            )
        return cleaned
