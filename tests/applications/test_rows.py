"""The queues' rows, worked out in Python: they say what the templates they replace said."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import translation

from applications import rows, selectors
from applications.clock import Clock
from applications.enums import State
from applications.models import Application
from notifications.enums import Kind
from notifications.models import Notification
from tests.factories import make_application_in

# The templates the rows replaced, kept here as what the rows must keep saying.
REFERENCE = Engine(
    dirs=[Path(__file__).parent / "reference", *settings.TEMPLATES[0]["DIRS"]],
    libraries={"i18n": "django.templatetags.i18n"},
)


def render_reference(name: str, context: dict) -> str:
    return REFERENCE.get_template(name).render(Context(context))


DAY = timedelta(days=1)
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def same_text(html: str) -> str:
    """The HTML as a browser lays it out: runs of white space as one, none at the edges of a
    block or a table cell."""
    html = re.sub(r"\s+", " ", html)
    return re.sub(r" ?(</?(?:div|td|tr)\b[^>]*>) ?", r"\1", html).strip()


def clock(*, elapsed, left, paused=0, paused_since=None, stopped=False) -> Clock:
    return Clock(
        started_at=START,
        due_at=START + 30 * DAY,
        elapsed=elapsed * DAY + timedelta(hours=3),
        left=left * DAY - timedelta(hours=3) if left < 0 else left * DAY + timedelta(hours=3),
        paused_since=paused_since,
        stopped_at=START + (elapsed + paused) * DAY if stopped else None,
        paused=paused * DAY,
    )


CLOCKS = {
    "running": clock(elapsed=3, left=26),
    "last day left": clock(elapsed=29, left=0),
    "one day left, one paused": clock(elapsed=28, left=1, paused=1),
    "overdue by a day": clock(elapsed=31, left=-1),
    "overdue, paused before": clock(elapsed=40, left=-10, paused=3),
    "paused now": clock(elapsed=5, left=24, paused=2, paused_since=START + 6 * DAY),
    "stopped": clock(elapsed=12, left=18, stopped=True),
    "stopped in a day, paused": clock(elapsed=1, left=29, paused=2, stopped=True),
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", CLOCKS)
def test_clock_badge_says_what_the_clock_badge_template_says(name, language):
    with translation.override(language):
        expected = render_reference(
            "applications/_clock_badge.html", {"application": SimpleNamespace(clock=CLOCKS[name])}
        )
        badge = rows.ClockBadge.of(CLOCKS[name])

        assert same_text(str(badge)) == same_text(expected)
        assert same_text(render_to_string_of(badge)) == same_text(expected)


def render_to_string_of(badge) -> str:
    from django.template import engines

    return engines["django"].from_string("{{ badge }}").render({"badge": badge})


def test_no_clock_no_badge():
    assert rows.ClockBadge.of(None) is None


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_queue_rows_show_what_the_application_rows_showed(language, staff_user):
    applications = [
        make_application_in(State.IN_REVIEW, target_city=""),
        make_application_in(State.AWAITING_INFORMATION, target_country="BR", target_city="Rio"),
        make_application_in(State.PROPOSED),
        make_application_in(State.ACCOMPANIED),
        make_application_in(State.AWAITING_SPONSOR),
    ]
    Notification.objects.create(
        user=staff_user,
        kind=Kind.MESSAGE,
        source="message:1",
        title="Nouveau message",
        url="/",
        application=applications[2],
    )
    listed = list(
        selectors.with_news(
            Application.objects.filter(pk__in=[a.pk for a in applications]).with_related(),
            staff_user,
        ).order_by("pk")
    )

    with translation.override(language):
        before = render_reference(
            "applications/_application_rows.html",
            {"applications": listed, "date_field": "endorsed", "empty_message": "-"},
        )
        after = render_to_string(
            "applications/_queue_rows.html",
            {"rows": rows.rows(listed, date="endorsed_at"), "empty_message": "-"},
        )

    assert "has-news" in after
    assert same_text(after) == same_text(before)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_interlocutor_rows_show_what_their_template_showed(language, staff_user):
    applications = [
        make_application_in(State.PROPOSED, wants_hosting=True, wants_commercial=True),
        make_application_in(State.ACCOMPANIED, target_country="BR", target_city="Rio"),
        make_application_in(State.IN_REVIEW),
    ]
    Notification.objects.create(
        user=staff_user,
        kind=Kind.MESSAGE,
        source="message:1",
        title="Nouveau message",
        url="/",
        application=applications[0],
    )
    listed = list(
        selectors.with_news(
            Application.objects.filter(pk__in=[a.pk for a in applications]).with_related(),
            staff_user,
        ).order_by("pk")
    )

    with translation.override(language):
        shown = rows.rows(listed, date="submitted_at")
        for table in ("proposal", "followed"):
            before = render_reference(f"applications/_{table}_rows.html", {f"{table}_rows": shown})
            after = "".join(getattr(row, f"{table}_html") for row in shown)

            assert "has-news" in after
            assert same_text(after) == same_text(before)
