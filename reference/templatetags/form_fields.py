"""Template filters and tags for forms: `{{ field|as_field }}` writes what crispy-forms'
`as_crispy_field` writes, in Python for selects and checkboxes (`reference.widgets`);
`{% error_summary form %}` writes the summary of a form's errors that every form of the
portal shows at its top after a failed submit (through crispy's `bootstrap5/errors.html`)."""

from dataclasses import dataclass

from django import template
from django.forms.formsets import BaseFormSet
from django.utils.translation import gettext, ngettext

from reference.widgets import crispy_field

register = template.Library()


@register.filter
def as_field(field):
    return crispy_field(field)


@dataclass(frozen=True)
class ErrorItem:
    text: str
    target: str = ""  # the id of the control the link leads to; none for a form's own error


def _target(bound_field) -> str:
    """The control a summary's link focuses: the field's own, or the first box of a group of
    checkboxes or radio buttons (whose label is a legend, for no single control)."""
    if not bound_field.auto_id:
        return ""
    if bound_field.use_fieldset:
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id


def error_items(form, *, number: int | None = None) -> list[ErrorItem]:
    """Each error of a bound form, in the order of its fields, the form's own errors first
    (they concern the whole form, and have no field to lead to). `number`: the form's place
    in a formset, said after each field's label."""
    items = [ErrorItem(str(error)) for error in form.non_field_errors()]
    for bound_field in form:
        for error in bound_field.errors:
            if bound_field.is_hidden:  # nothing to lead to: say it as the form's own
                items.append(ErrorItem(str(error)))
                continue
            if number is None:
                text = gettext("%(label)s : %(value)s") % {
                    "label": bound_field.label,
                    "value": error,
                }
            else:
                text = gettext("%(label)s (n° %(number)s) : %(value)s") % {
                    "label": bound_field.label,
                    "number": number,
                    "value": error,
                }
            items.append(ErrorItem(text, _target(bound_field)))
    return items


def _items_of(form_or_formset) -> list[ErrorItem]:
    if form_or_formset is None or not getattr(form_or_formset, "is_bound", False):
        return []
    if isinstance(form_or_formset, BaseFormSet):
        items = [ErrorItem(str(error)) for error in form_or_formset.non_form_errors()]
        for number, form in enumerate(form_or_formset.forms, 1):
            items += error_items(form, number=number)
        return items
    return error_items(form_or_formset) if form_or_formset.errors else []


@register.inclusion_tag("_partials/error_summary.html")
def error_summary(*forms):
    """The summary at the top of a form sent with errors: how many, and a link to each field
    in error. Several forms or formsets sent together (one <form> on the page) share one
    summary: `{% error_summary form absences %}`. The first form's `error_summary_note`, if
    it has one, says more (what was kept)."""
    items = [item for form in forms for item in _items_of(form)]
    if not items:
        return {"items": []}
    count = len(items)
    return {
        "items": items,
        "title": ngettext(
            "Le formulaire contient %(count)s erreur",
            "Le formulaire contient %(count)s erreurs",
            count,
        )
        % {"count": count},
        "note": getattr(forms[0], "error_summary_note", ""),
    }
