"""The cheap labels of list rows (core/labels.py, the models' get_FOO_display, the bell's
excerpt) say what Django's and django-countries' own methods say, in each language."""

import pytest
from django.template.defaultfilters import truncatechars
from django.utils import translation
from django_countries import countries
from django_countries.fields import Country

from applications.enums import State
from applications.models import Application
from companies.models import Company
from core.labels import country_name, label_of
from notifications.enums import Kind
from notifications.models import Notification
from reference.geography import REGIONS


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_state_label_is_djangos(language):
    with translation.override(language):
        for state in State:
            application = Application(state=state)
            expected = Application._meta.get_field("state").flatchoices
            assert application.get_state_display() == str(dict(expected)[state])
            assert application.get_state_display() == str(state.label)


def test_an_unknown_choice_shows_as_itself():
    assert label_of(State, "lost") == "lost"
    assert Application(state="lost").get_state_display() == "lost"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_kind_label_is_djangos(language):
    with translation.override(language):
        for kind in Kind:
            assert Notification(kind=kind).get_kind_display() == str(kind.label)


def test_the_region_name_is_djangos():
    for code, name in REGIONS:
        assert Company(region=code).get_region_display() == name
    assert Company(region="99").get_region_display() == "99"


def test_country_names_are_django_countries_own_in_each_language():
    for language in ("fr", "en", "fr"):
        with translation.override(language):
            for code, _name in countries:
                assert country_name(code) == Country(code).name


def test_the_target_label_names_the_country_in_the_active_language():
    application = Application(target_country="DE", target_city="Berlin")

    with translation.override("fr"):
        assert application.target_label == "Berlin, Allemagne"
    with translation.override("en"):
        assert application.target_label == "Berlin, Germany"
    application.target_city = ""
    assert application.target_label == "Allemagne"


@pytest.mark.parametrize(
    "excerpt",
    [
        "",
        "Court.",
        "é" * 240,
        "e\u0301" * 240,  # decomposed: 480 code points, 240 characters
        "x" * 241,
        "Un long message. " * 40,
    ],
)
def test_the_excerpt_preview_is_truncatechars_240(excerpt):
    assert Notification(excerpt=excerpt).excerpt_preview == truncatechars(excerpt, 240)
