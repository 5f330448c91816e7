"""Form widgets shared by the apps' forms; this module imports no app (reference-layer material).

`Select` and `SelectMultiple` write exactly the HTML of Django's own widgets (same attributes,
selected options, optgroups, escaping, even whitespace), but in Python: Django builds a
dictionary per option and renders it through two template includes (`select_option.html`,
`attrs.html`), tens of microseconds per option, most of a filter form's time on a page that
lists hundreds of bodies, sectors or countries. A subclass that changes the templates or how
options are made (`get_context`, `optgroups`, `create_option`) is rendered by Django as usual.

They are named as Django's widgets on purpose: crispy-forms adds the widget's class name as a CSS
class (`select`), which the page keeps. A project that overrides Django's widget templates
(`FORM_RENDERER` with its own `select.html`) must not use them.
"""

import html

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext, ngettext

_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
_CONTEXT = Context(autoescape=True)  # how a template writes `{{ value }}`: localised, escaped


def _text(value) -> str:
    """`{{ value }}` in a template."""
    if type(value) is str:  # the common case, without the template machinery
        return html.escape(value)  # what django.utils.html.escape does, minus its wrappers
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}` in a template."""
    if type(value) is int:  # a primary key: nothing to escape
        return str(value)
    text = str(value)
    return text if isinstance(value, SafeData) else html.escape(text)


def _attrs(attrs: dict) -> str:
    """`django/forms/widgets/attrs.html`: False leaves the attribute out, True writes its name."""
    return "".join(
        ""
        if value is False
        else f" {_text(name)}"
        if value is True
        else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
    )


class _PythonRendered:
    """The rendering of `django/forms/widgets/select.html`, for `Select` and its subclasses.

    `empty_label`: what the empty choice (value "") says in place of the field's own label
    (Django's "---------"), something a person understands ("Choisissez un pays"); None keeps
    the field's. Only the HTML written here uses it (not a subclass rendered by Django)."""

    def __init__(self, attrs=None, choices=(), *, empty_label=None):
        super().__init__(attrs, choices)
        self.empty_label = empty_label

    def render(self, name, value, attrs=None, renderer=None):
        if not self._renders_in_python():
            return super().render(name, value, attrs, renderer)  # someone else's HTML
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        parts = [f'<select name="{_text(name)}"{_attrs(final_attrs)}>']
        # Django's `ChoiceWidget.optgroups`, without its dictionary per option.
        values = self.format_value(value)
        multiple = self.allow_multiple_selected
        has_selected = False
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, (list, tuple)):
                group_name, choices = option_value, option_label
            else:
                group_name, choices = None, ((option_value, option_label),)
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            if group_name is None and option_value == "" and self.empty_label is not None:
                choices = (("", self.empty_label),)
            for subvalue, sublabel in choices:
                selected = (not has_selected or multiple) and str(subvalue) in values
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{_formatted(subvalue)}"'
                    f"{' selected' if selected else ''}>{_text(sublabel)}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")  # the renderer strips the template's final newline
        # Every value above is escaped, as the template would.
        return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703

    def _renders_in_python(self) -> bool:
        """Whether this widget writes what Django's `Select` writes: not when a subclass
        changes the templates or how options are made."""
        cls = type(self)
        return (
            self.template_name == _SELECT_TEMPLATE
            and self.option_template_name == _OPTION_TEMPLATE
            and not self.option_inherits_attrs
            and self.checked_attribute == {"selected": True}
            and cls.get_context is forms.Select.get_context
            and cls.optgroups is forms.Select.optgroups
            and cls.create_option is forms.Select.create_option
        )


class Select(_PythonRendered, forms.Select):
    pass


class SelectMultiple(_PythonRendered, forms.SelectMultiple):
    pass


def crispy_field(field) -> str:
    """`{{ field|as_crispy_field }}` (crispy-forms' bootstrap5 pack) for a select or a
    checkbox, written in Python: crispy renders each field through a dozen nested templates,
    more than the select itself costs. Other fields, and forms with a crispy helper, go to
    crispy. The same markup, checked against crispy's by tests."""
    widget = field.field.widget
    checkbox = isinstance(widget, forms.CheckboxInput)
    if getattr(field.form, "helper", None) is not None or not (
        checkbox or isinstance(widget, forms.Select)
    ):
        return as_crispy_field(field)
    # What crispy's {% crispy_field %} does to the widget: its class name, then Bootstrap's.
    name = type(widget).__name__.lower()
    css = widget.attrs.get("class", "")
    if not css:
        css = name
    elif name not in css:
        css += f" {name}"
    for extra in ("form-check-input" if checkbox else "form-select", "is-invalid"):
        if extra == "is-invalid" and not field.errors:
            continue
        if extra not in css.split():
            css += f" {extra}"
    widget.attrs["class"] = css
    required = field.field.required
    asterisk = format_html('<span class="asteriskField">{}</span>', "*") if required else ""
    required_class = " requiredField" if required else ""
    css_classes = field.css_classes()
    css_classes = f" {css_classes}" if css_classes else ""
    errors = ""
    if field.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.errors.field_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((n, field.auto_id, error) for n, error in enumerate(field.errors, 1)),
            ),
        )
    help_text = ""
    if field.help_text:
        help_text = format_html(
            '<div {}class="form-text">{}</div>',
            format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else "",
            # The form's own help text, trusted as crispy trusts it (|safe).
            mark_safe(field.help_text),  # noqa: S308  # nosec B308, B703
        )
    label = ""
    if field.label and not checkbox:
        label = format_html(
            '<label {}class="form-label{}">{}{}</label>',
            format_html('for="{}" ', field.id_for_label) if field.id_for_label else "",
            required_class,
            field.label,
            asterisk,
        )
    if checkbox:
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check{}">{}'
            '<label for="{}" class="form-check-label{}">{}{}</label>{}{}</div></div>',
            field.auto_id,
            css_classes,
            str(field),
            field.id_for_label,
            required_class,
            field.label,
            asterisk,
            errors,
            help_text,
        )
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}{}{}</div>',
        field.auto_id,
        css_classes,
        label,
        str(field),
        errors,
        help_text,
    )


class _Searchable:
    """A select that `static/js/picker.js` turns into a searchable combobox (ARIA 1.2): the
    select stays in the form, hidden once the script has run, and is what the form sends, so
    the page works without the script and the server's validation is the same. The script has
    no gettext: its words come in `data-picker-*` attributes, in the page's language. The
    script and its stylesheet are loaded by base.html on every page (a few kilobytes, cached):
    the templates do not render `form.media`."""

    picker = "single"

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.update(picker_attrs(self.picker))
        return attrs


def picker_attrs(kind: str) -> dict[str, str]:
    """The `data-picker-*` attributes of a searchable select, in the active language."""

    results = "%(count)s résultat", "%(count)s résultats"
    return {
        "data-picker": kind,
        "data-picker-no-results": gettext("Aucun résultat"),
        # Both forms: the script picks one with the page language's plural rules.
        "data-picker-results-one": ngettext(*results, 1),
        "data-picker-results-other": ngettext(*results, 2),
        **(
            {
                "data-picker-search": gettext("Tapez pour chercher"),
                "data-picker-chosen": gettext("Vos choix : %(label)s"),
                "data-picker-remove": gettext("Retirer %(item)s"),
                "data-picker-added": gettext("Ajouté : %(item)s"),
                "data-picker-removed": gettext("Retiré : %(item)s"),
            }
            if kind == "multiple"
            else {}
        ),
    }


class SearchableSelect(_Searchable, Select):
    """A long single-choice list (a country, a sector): a combobox that filters as one types."""


class SearchableSelectMultiple(_Searchable, SelectMultiple):
    """A long multiple-choice list: the same combobox, the chosen items shown as removable
    chips, rather than a select asking for Ctrl+click."""

    picker = "multiple"


class DateInput(forms.DateInput):
    """A date picked with the browser's own calendar (`<input type="date">`, ISO value)."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
