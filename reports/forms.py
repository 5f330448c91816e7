"""The dashboards' filters."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from applications.models import Sector
from sponsors.models import SponsorBody

from .figures import Period

FIRST_YEAR = 2009  # the programme's
LONGEST_PERIOD = timedelta(days=366 * 10)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PeriodForm(forms.Form):
    """A period of calendar days; this year so far unless told otherwise."""

    start = forms.DateField(label=_("Du"), widget=DateInput())
    end = forms.DateField(label=_("Au (inclus)"), widget=DateInput())

    def __init__(self, data=None, **kwargs):
        today = timezone.localdate()
        defaults = {"start": date(today.year, 1, 1).isoformat(), "end": today.isoformat()}
        # Unfiltered, the form is bound to its defaults: the page always shows some figures.
        data = {**defaults, **{k: v for k, v in (data or {}).items() if v}}
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and start.year < FIRST_YEAR:
            self.add_error("start", _("Le programme a commencé en 2009."))
        if start and end:
            if end < start:
                self.add_error("end", _("La fin de la période doit suivre son début."))
            elif end - start > LONGEST_PERIOD:
                self.add_error("end", _("Choisissez une période de dix ans au plus."))
        return cleaned

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])


class FiguresFilterForm(PeriodForm):
    """The programme's dashboard: a period, a target country, a sector, a sponsor body (the
    last for staff only: an advisor's figures are always their own body's)."""

    country = forms.ChoiceField(label=_("Pays cible"), required=False)
    sector = forms.ModelChoiceField(
        label=_("Secteur"),
        required=False,
        queryset=Sector.objects.filter(section__isnull=True),
        empty_label=_("Tous"),
    )
    sponsor_body = forms.ModelChoiceField(
        label=_("Organisme parrain"),
        required=False,
        queryset=SponsorBody.objects.all(),
        empty_label=_("Tous"),
    )

    def __init__(self, data=None, *, with_sponsor_body: bool, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["country"].choices = [("", _("Tous")), *countries]
        if not with_sponsor_body:
            del self.fields["sponsor_body"]
