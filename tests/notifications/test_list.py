"""The bell's list: by day, then by application, each saying what happened and when; a group
or a notification marked read; as many queries for one notification as for a page of them."""

from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from applications.enums import State
from notifications import rows
from notifications import services as inbox
from notifications.enums import Kind
from notifications.models import Notification

pytestmark = pytest.mark.django_db

# Thursday 3 December 2026, 10:00 in Paris.
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
LEVELS = {
    "notification-day-heading": "# ",
    "notification-group-heading": "## ",
    "notification": "- ",
}


class _Outline(HTMLParser):
    """The list as its reader meets it: the days, the groups, each notification's text."""

    VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self):
        super().__init__()
        self.lines: list[str] = []
        self.open: list[tuple[int, str, list[str]]] = []  # (depth, prefix, text)
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self.depth += 1
        testid = dict(attrs).get("data-testid")
        if testid in LEVELS:
            self.open.append((self.depth, LEVELS[testid], []))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.open and self.open[-1][0] == self.depth:
            _depth, prefix, text = self.open.pop()
            self.lines.append(prefix + " ".join("".join(text).split()))
        self.depth -= 1

    def handle_data(self, data):
        for _depth, _prefix, text in self.open:
            text.append(data)


def outline(page: str) -> list[str]:
    parser = _Outline()
    parser.feed(page)
    return parser.lines


def _make(user, title, at, *, application=None, read=False, kind=Kind.ACTIVITY):
    return Notification.objects.create(
        user=user,
        kind=kind,
        application=application,
        source=f"test:{title}",
        title=title,
        url="/",
        created_at=at,
        read_at=at if read else None,
    )


@pytest.fixture
def two_applications(application_in, sme_user):
    """Two applications of the SME, and its notifications over three days."""
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=UTC), tick=False):
        hanoi = application_in(State.IN_REVIEW)
        saigon = application_in(State.IN_REVIEW, target_city="Hô Chi Minh-Ville")
    Notification.objects.all().delete()
    at = datetime
    _make(
        sme_user,
        "Le parrain a parrainé la demande.",
        at(2026, 12, 3, 8, 30, tzinfo=UTC),
        application=hanoi,
    )
    _make(
        sme_user,
        "Nouveau message de Julie Petit.",
        at(2026, 12, 3, 7, 5, tzinfo=UTC),
        application=saigon,
        read=True,
    )
    _make(
        sme_user,
        "Nouveau document : devis.pdf.",
        at(2026, 12, 3, 6, 0, tzinfo=UTC),
        application=hanoi,
    )
    # 23:30 in Paris on 2 December, though already the 3rd in UTC: yesterday.
    _make(
        sme_user,
        "Compléments demandés.",
        at(2026, 12, 2, 22, 30, tzinfo=UTC),
        application=hanoi,
        kind=Kind.DECISION,
    )
    _make(sme_user, "Votre export est prêt.", at(2026, 12, 2, 15, 0, tzinfo=UTC), kind=Kind.EXPORT)
    _make(
        sme_user,
        "La demande est en instruction.",
        at(2026, 11, 30, 10, 0, tzinfo=UTC),
        application=saigon,
        read=True,
    )
    _make(
        sme_user,
        "Un an plus tôt.",
        at(2025, 12, 1, 10, 0, tzinfo=UTC),
        application=saigon,
        read=True,
    )
    return hanoi, saigon


def _heading(application) -> str:
    return f"## {application.reference} · Asconit Consultants · {application.target_label}"


@time_machine.travel(NOW, tick=False)
def test_the_list_is_grouped_by_day_then_by_application(client, sme_user, two_applications):
    hanoi, saigon = two_applications
    client.force_login(sme_user)

    page = client.get(reverse("notifications:list")).content.decode()

    assert outline(page) == [
        "# Aujourd'hui",
        _heading(hanoi),
        "- 09:30 · non lue Le parrain a parrainé la demande. Marquer comme lue",
        "- 07:00 · non lue Nouveau document : devis.pdf. Marquer comme lue",
        _heading(saigon),
        "- 08:05 Nouveau message de Julie Petit.",
        "# Hier",
        _heading(hanoi),
        "- 23:30 · non lue Compléments demandés. Marquer comme lue",
        "## Autres notifications",
        "- 16:00 · non lue Votre export est prêt. Marquer comme lue",
        "# lundi 30 novembre",
        _heading(saigon),
        "- 11:00 La demande est en instruction.",
        "# lundi 1er décembre 2025",
        _heading(saigon),
        "- 11:00 Un an plus tôt.",
    ]
    assert hanoi.target_label == "Hanoi, Viêt Nam"
    assert f'<a href="{hanoi.get_absolute_url()}">{hanoi.reference} · ' in page
    # Today's Hanoi group has two unread: it is marked read at once; no other group has two.
    assert page.count('data-testid="mark-group-read"') == 1
    assert f'name="group" value="2026-12-03:{hanoi.pk}"' in page
    assert "Étapes des dossiers que vous suivez" not in page


@time_machine.travel(NOW, tick=False)
def test_the_list_in_english(client, sme_user, two_applications):
    hanoi, saigon = two_applications
    sme_user.language = "en"
    sme_user.save(update_fields=["language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(sme_user)

    page = client.get(reverse("notifications:list")).content.decode()

    english = (
        _heading(hanoi).replace("Viêt Nam", "Vietnam"),
        _heading(saigon).replace("Viêt Nam", "Vietnam"),
    )
    assert [line for line in outline(page) if line.startswith("#")] == [
        "# Today",
        english[0],
        english[1],
        "# Yesterday",
        english[0],
        "## Other notifications",
        "# Monday, November 30",
        english[1],
        "# Monday, December 1, 2025",
        english[1],
    ]
    assert outline(page)[2] == (
        "- 9:30 a.m. · unread Le parrain a parrainé la demande. Mark as read"
    )
    assert 'Mark all as read<span class="visually-hidden">' in page


@time_machine.travel(NOW, tick=False)
def test_a_group_is_marked_read_at_once(client, sme_user, other_sme_user, two_applications):
    hanoi, _saigon = two_applications
    elsewhere = _make(other_sme_user, "Pas à elle.", datetime(2026, 12, 3, 8, 0, tzinfo=UTC))
    client.force_login(sme_user)

    response = client.post(
        reverse("notifications:mark_group_read"), {"group": f"2026-12-03:{hanoi.pk}"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list")
    assert sorted(Notification.objects.unread().values_list("title", flat=True)) == [
        "Compléments demandés.",  # the same application, yesterday: another group
        "Pas à elle.",
        "Votre export est prêt.",
    ]
    page = client.get(response["Location"]).content.decode()
    assert "2 notifications marquées comme lues." in page
    assert 'data-testid="mark-group-read"' not in page
    elsewhere.refresh_from_db()
    assert elsewhere.read_at is None


@time_machine.travel(NOW, tick=False)
def test_the_group_without_an_application_is_marked_read(client, sme_user, two_applications):
    client.force_login(sme_user)

    client.post(reverse("notifications:mark_group_read"), {"group": "2026-12-02:-"})
    page = client.get(reverse("notifications:list")).content.decode()

    assert Notification.objects.get(title="Votre export est prêt.").read_at == NOW
    assert "1 notification marquée comme lue." in page
    assert Notification.objects.unread().count() == 3


@pytest.mark.parametrize("group", ["", "hier:-", "2026-12-03:x", "9999-12-31:-", "2026-13-01:1"])
def test_a_group_that_means_nothing_marks_nothing(client, sme_user, group):
    _make(sme_user, "Reste non lue.", NOW)
    client.force_login(sme_user)

    response = client.post(reverse("notifications:mark_group_read"), {"group": group})

    assert response["Location"] == reverse("notifications:list")
    assert Notification.objects.unread().count() == 1


def test_marking_a_group_needs_a_post(client, sme_user):
    client.force_login(sme_user)

    assert client.get(reverse("notifications:mark_group_read")).status_code == 405


def test_marking_read_goes_back_to_the_page_it_was_on(client, sme_user):
    [notification] = inbox.notify(
        [sme_user], kind=Kind.MESSAGE, source="m", title=lambda: "t", url="/"
    )
    client.force_login(sme_user)

    one = client.post(
        reverse("notifications:open", args=[notification.pk]), {"stay": "1", "page": "2"}
    )
    group = client.post(
        reverse("notifications:mark_group_read"), {"group": "2026-12-03:-", "page": "3"}
    )

    assert one["Location"] == reverse("notifications:list") + "?page=2"
    assert group["Location"] == reverse("notifications:list") + "?page=3"


def test_a_page_holds_thirty_notifications_grouped_within_it(client, sme_user, application_in):
    application = application_in(State.IN_REVIEW)
    Notification.objects.all().delete()
    for n in range(31):
        _make(
            sme_user, f"N{n:02d}", datetime(2026, 12, 3, 8, n, tzinfo=UTC), application=application
        )
    client.force_login(sme_user)

    with time_machine.travel(NOW, tick=False):
        first = outline(client.get(reverse("notifications:list")).content.decode())
        second = client.get(reverse("notifications:list") + "?page=2").content.decode()

    assert first[:3] == [
        "# Aujourd'hui",
        _heading(application),
        "- 09:30 · non lue N30 Marquer comme lue",
    ]
    assert len(first) == 2 + 30
    assert outline(second) == [
        "# Aujourd'hui",
        _heading(application),
        "- 09:00 · non lue N00 Marquer comme lue",
    ]
    assert '<input type="hidden" name="page" value="2">' in second


def test_the_list_makes_as_many_queries_for_one_as_for_many(
    client, sme_user, application_in, django_assert_max_num_queries
):
    from tests.applications.test_views import _queries_for  # noqa: PLC0415

    first = application_in(State.IN_REVIEW)
    second = application_in(State.IN_REVIEW, target_city="Hô Chi Minh-Ville")
    Notification.objects.all().delete()
    client.force_login(sme_user)
    url = reverse("notifications:list")
    _make(sme_user, "Une.", datetime(2026, 12, 3, 8, 0, tzinfo=UTC), application=first)
    with time_machine.travel(NOW, tick=False):
        one = _queries_for(client, url, django_assert_max_num_queries)
    for n in range(40):
        _make(
            sme_user,
            f"Plus {n}.",
            datetime(2026, 11, 20 + n % 10, 8, n, tzinfo=UTC),
            application=(first, second, None)[n % 3],
            read=bool(n % 2),
        )
    with time_machine.travel(NOW, tick=False):
        many = _queries_for(client, url, django_assert_max_num_queries)
        page = client.get(url).content.decode()

    assert many == one
    assert page.count('data-testid="notification"') == 30
    assert page.count('data-testid="notification-day-heading"') == 9


def test_the_days_are_today_yesterday_then_the_date():
    today = date(2026, 12, 3)

    assert rows.day_label(today, today) == "Aujourd'hui"
    assert rows.day_label(date(2026, 12, 2), today) == "Hier"
    assert rows.day_label(date(2026, 12, 1), today) == "mardi 1er décembre"
    assert rows.day_label(date(2025, 12, 31), today) == "mercredi 31 décembre 2025"
