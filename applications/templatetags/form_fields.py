"""Template filters for form fields: `{{ field|as_field }}` writes what crispy-forms'
`as_crispy_field` writes, in Python for selects and checkboxes (`applications.widgets`)."""

from django import template

from applications.widgets import crispy_field

register = template.Library()


@register.filter
def as_field(field):
    return crispy_field(field)
