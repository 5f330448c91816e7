"""core.rows.reverse_id: the address Django's reverse() makes, for each row's id."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from applications.models import Application
from core.rows import reverse_id
from notifications.models import Notification

VIEWS = ["applications:detail", "notifications:open", "applications:submit"]


@pytest.mark.parametrize("viewname", VIEWS)
@pytest.mark.parametrize("pk", [1, 42, 19705, 10**12])
def test_the_address_is_reverses(viewname, pk):
    assert reverse_id(viewname, pk) == reverse(viewname, args=[pk])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_address_follows_the_script_prefix_and_the_language(language):
    try:
        set_script_prefix("/portail/")
        with translation.override(language):
            assert reverse_id("applications:detail", 7) == "/portail/demandes/7/"
            assert reverse_id("applications:detail", 7) == reverse("applications:detail", args=[7])
    finally:
        set_script_prefix("/")
    assert reverse_id("applications:detail", 7) == "/demandes/7/"


def test_the_rows_links_are_reverses():
    assert Application(pk=12).get_absolute_url() == reverse("applications:detail", args=[12])
    assert Notification(pk=5).get_open_url() == reverse("notifications:open", args=[5])


def test_a_view_without_an_id_is_refused():
    with pytest.raises(NoReverseMatch):
        reverse_id("home", 1)
