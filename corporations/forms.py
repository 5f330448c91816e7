"""Forms for what corporations keep up to date: an interlocutor's profile and absences, a
corporation's presences and hosting offers."""

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from reference.models import Sector
from reference.widgets import DateInput, SearchableSelect, SearchableSelectMultiple

from . import services
from .models import Absence, HostingOffer, Interlocutor, MemberCorporation, Presence

MULTIPLE_HELP = _("Ctrl (ou Cmd sur Mac) + clic pour en choisir plusieurs.")


def division_choices() -> list[tuple[int, str]]:
    """The NAF divisions as "code – label", read once and shared by every row of a formset."""
    return [(sector.pk, str(sector)) for sector in Sector.objects.filter(section__isnull=False)]


class SectorsField(forms.ModelMultipleChoiceField):
    """NAF divisions (and any section already chosen before), as a plain multiple select."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Sector.objects.filter(section__isnull=False))
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", SearchableSelectMultiple(attrs={"size": 6}))
        super().__init__(**kwargs)


def _selected(items, help_text="") -> str:
    """The help of a multiple select: its own, then what is chosen now and how to choose
    several, which only a page without the picker script needs (a plain select shows a few
    lines and wants Ctrl+click; the picker shows the choices as chips), in a `picker-nojs`
    span that the script removes. Help texts are written as HTML (crispy marks them safe)."""
    names = [conditional_escape(str(getattr(item, "name", item))) for item in items or ()]
    hint = conditional_escape(MULTIPLE_HELP)
    if names:
        # Each part escaped here, the whole then marked safe (format_html would escape twice).
        hint = mark_safe(  # noqa: S308  # nosec B308, B703
            conditional_escape(_("Actuellement : %(names)s. %(help)s"))
            % {"names": " ; ".join(names), "help": hint}
        )
    own = format_html("{} ", help_text) if help_text else ""
    return format_html('{}<span class="picker-nojs">{}</span>', own, hint)


def _table_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.template = "bootstrap5/table_inline_formset.html"
    return helper


# --- An interlocutor's own profile ---------------------------------------------------------


class ProfileForm(forms.ModelForm):
    sectors = SectorsField(label=_("Secteurs suivis"))

    class Meta:
        model = Interlocutor
        fields = ["job_title", "countries", "sectors", "capacity"]
        help_texts = {
            "countries": _(
                "Laissez vide si vous suivez tous les pays où votre groupe est présent."
            ),
            "capacity": _("Au-delà, vous n'êtes plus proposé(e) pour de nouveaux dossiers."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].widget = SearchableSelectMultiple(
            attrs={"size": 8}, choices=self.fields["countries"].choices
        )
        self.fields["countries"].help_text = _selected(
            self.instance.countries, self.fields["countries"].help_text
        )
        sectors = self.fields["sectors"]
        sectors.help_text = _("Divisions NAF. %(help)s") % {
            "help": _selected(self.instance.sectors.all() if self.instance.pk else ())
        }
        if self.instance.pk:
            # Keep a NAF section chosen earlier (by an administrator) selectable.
            sectors.queryset = Sector.objects.filter(
                Q(section__isnull=False) | Q(pk__in=self.instance.sectors.all())
            )
        self.fields["capacity"].min_value = 0
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity < self.instance.open_accompaniments:
            raise forms.ValidationError(
                services.capacity_below_load_message(self.instance.open_accompaniments)
            )
        return capacity


class AbsenceForm(forms.ModelForm):
    class Meta:
        model = Absence
        fields = ["start", "end", "note"]
        widgets = {"start": DateInput(), "end": DateInput()}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("La fin de l'absence ne peut pas précéder son début."))
        return cleaned


AbsenceFormSet = inlineformset_factory(
    Interlocutor, Absence, form=AbsenceForm, extra=1, can_delete=True
)


def absence_formset(data=None, *, interlocutor: Interlocutor):
    formset = AbsenceFormSet(
        data,
        instance=interlocutor,
        prefix="absences",
        queryset=interlocutor.absences.order_by("-start"),
    )
    formset.helper = _table_helper()
    return formset


# --- A corporation's presences and hosting offers -------------------------------------------


class PresenceForm(forms.ModelForm):
    sectors = SectorsField(label=_("Secteurs (divisions NAF)"))
    wide_fields = ("sectors",)

    class Meta:
        model = Presence
        fields = ["country", "city", "since", "sectors"]
        widgets = {"country": SearchableSelect(empty_label=_("Choisissez un pays"))}

    def __init__(self, *args, sector_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        sectors = self.fields["sectors"]
        sectors.widget.attrs["size"] = 8
        if sector_choices is not None:
            sectors.choices = sector_choices
        # The list shows a few lines: say what is chosen (prefetched, no query).
        sectors.help_text = _selected(self.initial.get("sectors"))

    def clean_since(self):
        since = self.cleaned_data["since"]
        if since is not None and since > timezone.localdate().year:
            raise forms.ValidationError(_("Cette année n'est pas encore arrivée."))
        return since


class HostingOfferForm(forms.ModelForm):
    wide_fields = ("description",)

    class Meta:
        model = HostingOffer
        fields = services.OFFER_FIELDS
        widgets = {
            "country": SearchableSelect(empty_label=_("Choisissez un pays")),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reserved = self.instance.reserved_desks
        if reserved:
            self.fields["desks"].help_text = ngettext_lazy(
                "Dont %(count)s occupé par une PME accompagnée.",
                "Dont %(count)s occupés par des PME accompagnées.",
                "count",
            ) % {"count": reserved}

    def clean_desks(self):
        desks = self.cleaned_data["desks"]
        reserved = self.instance.reserved_desks
        if desks is not None and desks < reserved:
            raise forms.ValidationError(services.desks_below_reserved_message(reserved))
        return desks


class HostingOfferFormSetBase(BaseInlineFormSet):
    def clean(self):
        super().clean()
        deleted = [form.instance for form in self.deleted_forms if form.instance.pk]
        if not deleted:
            return
        used = set(
            HostingOffer.objects.filter(pk__in=[offer.pk for offer in deleted])
            .filter(Q(matches__isnull=False) | Q(reserved_desks__gt=0))
            .values_list("pk", flat=True)
        )
        for offer in deleted:
            if offer.pk in used:
                raise forms.ValidationError(services.offer_in_use_message(offer))


PresenceFormSet = inlineformset_factory(
    MemberCorporation, Presence, form=PresenceForm, extra=1, can_delete=True
)
HostingOfferFormSet = inlineformset_factory(
    MemberCorporation,
    HostingOffer,
    form=HostingOfferForm,
    formset=HostingOfferFormSetBase,
    extra=1,
    can_delete=True,
)


def presence_formset(data=None, *, corporation: MemberCorporation):
    formset = PresenceFormSet(
        data,
        instance=corporation,
        prefix="presences",
        queryset=corporation.presences.prefetch_related("sectors").order_by("country", "city"),
        form_kwargs={"sector_choices": division_choices()},
    )
    formset.helper = _table_helper()
    return formset


def offer_formset(data=None, *, corporation: MemberCorporation):
    formset = HostingOfferFormSet(
        data,
        instance=corporation,
        prefix="offers",
        queryset=corporation.hosting_offers.order_by("country", "city"),
    )
    formset.helper = _table_helper()
    return formset
