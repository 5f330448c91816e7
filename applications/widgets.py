"""Form widgets shared by the apps' forms; this module imports no app (reference-layer material).

`Select` and `SelectMultiple` write exactly the HTML of Django's own widgets (same attributes,
selected options, optgroups, escaping, even whitespace), but in Python: Django renders every
option through two template includes (`select_option.html`, `attrs.html`), which costs a few
hundred microseconds per option, most of a filter form's time on a page that lists hundreds of
bodies, sectors or countries. What is in an option (its value, label, selected state, attributes)
still comes from Django's `get_context`/`optgroups`, so subclasses and forms behave as usual.

They are named as Django's widgets on purpose: crispy-forms adds the widget's class name as a CSS
class (`select`), which the page keeps. A project that overrides Django's widget templates
(`FORM_RENDERER` with its own `select.html`) must not use them.
"""

from django import forms
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
_CONTEXT = Context(autoescape=True)  # how a template writes `{{ value }}`: localised, escaped


def _text(value) -> str:
    """`{{ value }}` in a template."""
    if type(value) is str:  # the common case, without the template machinery
        return escape(value)
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}` in a template."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


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
    """The rendering of `django/forms/widgets/select.html`, for `Select` and its subclasses."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        widget = context["widget"]
        if self.template_name != _SELECT_TEMPLATE or self.option_template_name != _OPTION_TEMPLATE:
            return self._render(self.template_name, context, renderer)  # someone else's HTML
        parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{_formatted(option["value"])}"'
                    f"{_attrs(option['attrs'])}>{_text(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")  # the renderer strips the template's final newline
        # Every value above is escaped, as the template would.
        return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


class Select(_PythonRendered, forms.Select):
    pass


class SelectMultiple(_PythonRendered, forms.SelectMultiple):
    pass
