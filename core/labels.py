"""Labels shown on every row of a list, read cheaply: the same text as Django's and
django-countries' own, without their per-call work."""

import functools

from django.db import models
from django.utils import translation
from django_countries import countries


def label_of(choices: type[models.Choices], value):
    """What `get_FOO_display()` shows for a field with these choices. Django's builds a dict of
    every choice on each call, translating each lazy label to hash it: on a list, that is
    most of a row's cost. An unknown value shows as itself, as with Django's."""
    return labels_of(choices).get(value, value)


def labels_of(choices: type[models.Choices]) -> dict:
    """Every choice's label by value, in the active language: worked out once per language."""
    return _labels(choices, translation.get_language())


@functools.cache
def _labels(choices: type[models.Choices], language: str | None) -> dict:
    with translation.override(language):
        return {value: str(label) for value, label in choices.choices}


def country_name(code: str) -> str:
    """The country's name in the active language, as `Country(code).name` says it: looked up
    once per language and code (django-countries translates and searches on each call)."""
    return _country_name(translation.get_language(), str(code))


@functools.lru_cache(maxsize=1024)
def _country_name(language: str | None, code: str) -> str:
    with translation.override(language):
        return str(countries.name(code))
