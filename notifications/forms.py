"""The form where a person chooses how they hear of each kind of notification."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import LOCKED, Delivery, Kind


class PreferencesForm(forms.Form):
    """One choice per kind; decisions are shown, fixed, so that nobody looks for them."""

    def __init__(self, *args, current: dict[Kind, Delivery], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            field = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=current[kind],
                widget=forms.RadioSelect,
            )
            if kind in LOCKED:
                field.disabled = True
                field.help_text = _(
                    "Les décisions sur vos propres demandes vous sont toujours envoyées tout "
                    "de suite."
                )
            self.fields[kind.value] = field
        self.helper = FormHelper()
        self.helper.form_tag = False

    def choices(self) -> dict[str, str]:
        return {kind: self.cleaned_data[kind] for kind in Kind.values if kind not in LOCKED}
