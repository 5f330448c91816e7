"""The dashboards' filters."""

import functools
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from reference.models import Sector
from reference.widgets import DateInput, SearchableSelect, Select
from sponsors.models import SponsorBody

from .figures import Period

FIRST_YEAR = 2009  # the programme's
LONGEST_PERIOD = timedelta(days=366 * 10)


@functools.cache
def country_choices(language: str | None) -> tuple[tuple[str, str], ...]:
    """Every country, by name in `language` (django_countries sorts them on each listing)."""
    return tuple((code, str(name)) for code, name in countries)


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

    country = forms.ChoiceField(label=_("Pays cible"), required=False, widget=SearchableSelect)
    sector = forms.ModelChoiceField(
        label=_("Secteur"),
        required=False,
        widget=Select,
        queryset=Sector.objects.filter(section__isnull=True),
        empty_label=_("Tous"),
    )
    sponsor_body = forms.ModelChoiceField(
        label=_("Organisme parrain"),
        required=False,
        widget=SearchableSelect,
        queryset=SponsorBody.objects.all(),
        empty_label=_("Tous"),
    )

    def __init__(self, data=None, *, with_sponsor_body: bool, **kwargs):
        super().__init__(data, **kwargs)
        self._options: dict[str, list] = {}
        # The options are listed when the form is drawn (a cached dashboard draws it from the
        # cache), from plain rows rather than a model instance each (some 150 sponsor bodies);
        # a value sent is still checked against the queryset.
        self.fields["country"].choices = self.country_choices
        self.fields["sector"].choices = self.sector_choices
        if with_sponsor_body:
            self.fields["sponsor_body"].choices = self.sponsor_body_choices
        else:
            del self.fields["sponsor_body"]

    def country_choices(self) -> list[tuple[str, str]]:
        return [("", _("Tous")), *country_choices(get_language())]

    def sector_choices(self) -> list[tuple[int | str, str]]:
        return self._listed(
            "sector", lambda sectors: ((sector.pk, str(sector)) for sector in sectors)
        )

    def sponsor_body_choices(self) -> list[tuple[int | str, str]]:
        return self._listed("sponsor_body", lambda bodies: bodies.values_list("pk", "name"))

    def _listed(self, name: str, rows) -> list[tuple[int | str, str]]:
        """The options of field `name`, read once however often they are asked for (a select
        asks for its first option before listing them)."""
        if name not in self._options:
            self._options[name] = [("", _("Tous")), *rows(self.fields[name].queryset)]
        return self._options[name]
