"""The form where a person chooses how they hear of each kind of notification."""

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

    def groups(self) -> list[dict]:
        """Each kind as the page draws it, a group of radio buttons: written in the template
        from these values rather than through crispy-forms' and Django's templates of each
        field and each button (four fifths of the page's time)."""
        groups = []
        for bound in self:
            value = bound.value()
            value = "" if value is None else str(value)
            groups.append(
                {
                    "name": bound.html_name,
                    "id": bound.auto_id,
                    "label": bound.label,
                    "help_text": bound.help_text,
                    "errors": bound.errors,
                    "disabled": bound.field.disabled,
                    "options": [
                        {
                            "value": choice,
                            "label": label,
                            "id": f"{bound.auto_id}_{i}",
                            "checked": str(choice) == value,
                        }
                        for i, (choice, label) in enumerate(bound.field.choices)
                    ],
                }
            )
        return groups

    def choices(self) -> dict[str, str]:
        return {kind: self.cleaned_data[kind] for kind in Kind.values if kind not in LOCKED}
