"""The dashboards' pages: who sees which figures, the filters, the charts' data beside their
tables, and a query count that does not grow with the data."""

import json
import re

import pytest
import time_machine
from django import forms
from django.urls import reverse
from django.utils.html import escape

from applications import services
from applications.enums import Action
from core import generations
from corporations.models import Interlocutor
from reference.widgets import picker_attrs
from reports import caching
from reports.forms import FiguresFilterForm
from reports.models import Goal
from tests.conftest import TwoFactorClient
from tests.factories import HostingOfferFactory, SponsorBodyFactory, sector
from tests.reports.conftest import accepted, at

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reports:dashboard")
THIS_YEAR = {"start": "2026-01-01", "end": "2026-03-15"}


def logged_in(user) -> TwoFactorClient:
    client = TwoFactorClient()
    client.force_login(user)
    return client


def chart(response, name: str) -> dict:
    """The JSON a chart is drawn from, as the page carries it."""
    match = re.search(
        rf'<script id="chart-data-{name}" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, f"no data for the chart {name}"
    return json.loads(match.group(1))


def row(response, testid: str, header: str) -> list[str]:
    """The cells of the row of table `testid` whose header cell is `header`."""
    html = response.content.decode()
    table = re.search(rf'data-testid="{testid}".*?</table>', html, re.S).group(0)
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        ]
        if cells and cells[0] == header:
            return cells[1:]
    raise AssertionError(f"no row {header!r} in {testid}")


# --- Staff ---------------------------------------------------------------------------------------


def test_staff_dashboard_shows_the_programme_figures(history, today):
    response = logged_in(history.staff).get(DASHBOARD, THIS_YEAR)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Chiffres du programme" in page
    # 3 SMEs of a goal of 100; the table beside the chart holds the same months.
    assert re.search(r'data-testid="card-accompanied".*?3 <span[^>]*>/ 100</span>', page, re.S)
    assert row(response, "table-accompanied", "janvier 2026") == ["2", "2"]
    assert row(response, "table-accompanied", "février 2026") == ["1", "3"]
    assert chart(response, "accompanied")["datasets"][0]["data"] == [2, 1, 0]
    assert chart(response, "accompanied")["datasets"][2]["data"] == [100, 100, 100]
    # Review times (days, French decimals), by month and over the period.
    january = row(response, "table-reviews", "janvier 2026")
    assert january == ["2", "17,5", "17,5", "21,1", "100\xa0%"]
    assert row(response, "table-reviews", "Période") == ["5", "25", "22", "36", "80\xa0%"]
    assert chart(response, "reviews")["datasets"][1]["data"] == [17.5, 30.0, None]
    # The funnel, where applications wait and where they left.
    assert row(response, "table-funnel", "Parrainées") == ["7", "77,8\xa0%", "2", "2", "2"]
    assert chart(response, "funnel")["datasets"][0]["data"] == [9, 7, 3, 3, 2]
    assert row(response, "table-countries", "Viêt Nam") == ["5", "4", "2", "40\xa0%"]
    assert chart(response, "countries")["labels"] == ["Viêt Nam", "Maroc", "Brésil"]
    assert chart(response, "countries")["datasets"][1]["data"] == [2, 0, 1]
    assert chart(response, "corporations")["datasets"][0] == {
        "label": "Proposées",
        "data": [2, 1],
    }
    hauts_de_france = row(response, "table-sponsor_bodies", "CCI Hauts-de-France")
    assert hauts_de_france == ["6", "5", "2", "33\xa0%"]
    assert row(response, "table-corporations", "Schneider Electric") == ["2", "2", "0", "100\xa0%"]
    assert row(response, "table-ratings", "Moyenne") == ["4,5"]
    assert row(response, "table-overdue", history.applications["G"].reference)[-1] == "24"
    assert 'data-testid="table-load"' in page  # other corporations' people: staff only


def test_staff_filters_by_country_sector_and_sponsor_body(history, today):
    client = logged_in(history.staff)

    by_country = client.get(DASHBOARD, {**THIS_YEAR, "country": "BR"})
    by_body = client.get(DASHBOARD, {**THIS_YEAR, "sponsor_body": history.other_body.pk})

    assert row(by_country, "table-reviews", "Période") == ["1", "20", "20", "20", "100\xa0%"]
    assert row(by_country, "table-countries", "Brésil") == ["1", "1", "1", "100\xa0%"]
    assert "Viêt Nam" not in re.search(
        r'data-testid="table-countries".*?</table>', by_country.content.decode(), re.S
    ).group(0)
    assert row(by_body, "table-funnel", "Soumises au parrain")[0] == "3"  # C, E, I


def test_bad_filters_are_refused_on_the_page_with_what_was_typed(history, today):
    response = logged_in(history.staff).get(
        DASHBOARD, {"start": "2026-03-01", "end": "2026-02-01", "country": "VN"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "La fin de la période doit suivre son début." in page
    assert 'value="2026-03-01"' in page and 'value="2026-02-01"' in page
    assert '<option value="VN" selected>' in page
    assert "chart-data-" not in page  # no figures for a period that does not exist


def test_a_date_that_is_not_one_is_refused(history, today):
    response = logged_in(history.staff).get(DASHBOARD, {"start": "32/13/2026"})

    assert response.status_code == 400
    assert "Saisissez une date valide." in response.content.decode()


# Worked out (the cold path): the user with their roles, OTP device and unread count (the
# session read from the cache); the goal, SMEs accompanied (the year, the months), review times
# (by month, the ranks of the quantiles), the funnel (3), the breakdowns (4), ratings, overdue,
# the interlocutors' load (2); the filters' sectors and sponsor bodies.
QUERIES = 19
# From the cache (reports.caching): the same less the figures' 16 and the filters' 2.
CACHED_QUERIES = 1


def test_the_query_count_does_not_grow_with_the_data(history, today, django_assert_num_queries):
    client = logged_in(history.staff)
    client.get(DASHBOARD, THIS_YEAR)
    generations.bump(caching.FIGURES)
    with django_assert_num_queries(QUERIES):
        client.get(DASHBOARD, THIS_YEAR)
    with django_assert_num_queries(CACHED_QUERIES):
        client.get(DASHBOARD, THIS_YEAR)
    for day in range(2, 12):  # ten more reviews, in another country
        history.walk(
            history.company(f"k{day}", "62"),
            "SN",
            history.body,
            (Action.SUBMIT, at(f"2026-02-{day:02}")),
            (Action.ENDORSE, at(f"2026-02-{day + 1:02}")),
            (Action.REJECT, at("2026-03-10")),
        )

    with django_assert_num_queries(QUERIES):  # the transitions made the figures stale
        client.get(DASHBOARD, THIS_YEAR)
    with django_assert_num_queries(CACHED_QUERIES):
        client.get(DASHBOARD, THIS_YEAR)


def test_with_no_review_to_rank_one_query_less(staff_user, django_assert_num_queries):
    client = logged_in(staff_user)
    client.get(DASHBOARD, THIS_YEAR)
    generations.bump(caching.FIGURES)
    with django_assert_num_queries(QUERIES - 1):
        client.get(DASHBOARD, THIS_YEAR)


# --- The figures kept in the cache ---------------------------------------------------------------


def test_the_page_says_as_of_when_its_figures_are(history, today):
    client = logged_in(history.staff)
    client.get(DASHBOARD, THIS_YEAR)

    with time_machine.travel(at("2026-03-15", 12, 5), tick=False):
        response = client.get(DASHBOARD, THIS_YEAR)  # from the cache

    page = response.content.decode()
    assert '<p class="small text-body-secondary" data-testid="as-of">' in page
    assert "Chiffres à jour au 15 mars 2026 à 12:00" in page


def test_a_transition_shows_at_once(history, today):
    client = logged_in(history.staff)
    before = client.get(DASHBOARD, THIS_YEAR)
    assert row(before, "table-funnel", "Soumises au parrain")[0] == "9"
    assert row(before, "table-countries", "Maroc")[0] == "3"

    history.walk(
        history.company("new", "62"), "MA", history.body, (Action.SUBMIT, at("2026-03-14"))
    )

    response = client.get(DASHBOARD, THIS_YEAR)
    assert row(response, "table-funnel", "Soumises au parrain")[0] == "10"
    assert row(response, "table-countries", "Maroc")[0] == "4"


def test_the_figures_go_stale_again_once_a_transition_commits(
    history, today, django_capture_on_commit_callbacks
):
    application = history.walk(history.company("new", "62"), "MA", history.body)
    owner = application.company.memberships.first().user
    before = generations.current(caching.FIGURES)

    with django_capture_on_commit_callbacks(execute=True):
        services.submit(application.pk, owner, sponsor_body=history.body)
        # What another request would cache now, from the data before the commit...
        during = generations.current(caching.FIGURES)

    # ...is stale once it commits.
    assert len({before, during, generations.current(caching.FIGURES)}) == 3


def test_a_rating_shows_at_once(history, today):
    client = logged_in(history.staff)
    assert row(client.get(DASHBOARD, THIS_YEAR), "table-ratings", "Moyenne") == ["4,5"]
    closed = history.walk(
        history.company("rated", "62"),
        "VN",
        history.body,
        *accepted(at("2026-01-06"), at("2026-01-07"), at("2026-01-20")),
        (Action.CLOSE, at("2026-03-05")),
    )

    services.rate(closed.pk, closed.company.memberships.first().user, rating=1)

    assert row(client.get(DASHBOARD, THIS_YEAR), "table-ratings", "Moyenne") == ["3,3"]


def test_a_new_goal_shows_at_once(history, today):
    client = logged_in(history.staff)
    client.get(DASHBOARD, THIS_YEAR)

    Goal.objects.filter(year=2026).update(smes_accompanied=50)  # a bulk update: no signal
    Goal.objects.get(year=2026).save()  # as the admin does

    page = client.get(DASHBOARD, THIS_YEAR).content.decode()
    assert re.search(r'data-testid="card-accompanied".*?3 <span[^>]*>/ 50</span>', page, re.S)


def test_each_scope_sees_its_own_figures_from_the_cache(history, today):
    staff = logged_in(history.staff)
    staff_filtered = staff.get(DASHBOARD, {**THIS_YEAR, "sponsor_body": history.other_body.pk})
    advisor = logged_in(history.advisors[history.other_body.pk])
    other_advisor = logged_in(history.advisors[history.body.pk])

    # The same body as staff just looked at: still the advisor's own page, without what staff see.
    page = advisor.get(DASHBOARD, THIS_YEAR).content.decode()
    other_page = other_advisor.get(DASHBOARD, THIS_YEAR)

    assert 'data-testid="table-load"' in staff_filtered.content.decode()
    assert 'data-testid="table-load"' not in page
    assert "table-sponsor_bodies" not in page
    assert row(other_page, "table-funnel", "Soumises au parrain")[0] == "6"
    assert row(staff_filtered, "table-funnel", "Soumises au parrain")[0] == "3"


def test_english_figures_are_not_the_french_ones(history, today):
    client = logged_in(history.staff)
    client.get(DASHBOARD, THIS_YEAR)
    client.cookies["django_language"] = "en"

    response = client.get(DASHBOARD, THIS_YEAR)

    assert row(response, "table-accompanied", "January 2026") == ["2", "2"]
    assert "Figures as of March 15, 2026, noon" in response.content.decode()


def test_english(history, today):
    client = logged_in(history.staff)
    client.cookies["django_language"] = "en"

    response = client.get(DASHBOARD, THIS_YEAR)

    page = response.content.decode()
    assert '<h1 class="h3">Programme figures</h1>' in page
    assert row(response, "table-accompanied", "January 2026") == ["2", "2"]
    assert row(response, "table-reviews", "January 2026")[1] == "17.5"
    assert row(response, "table-countries", "Vietnam")[0] == "5"


@pytest.mark.parametrize(
    "data",
    [{}, {"country": "VN", "sector": "section", "sponsor_body": "body"}, {"start": "x"}],
)
def test_the_filters_selects_are_written_as_django_writes_them(data):
    body = SponsorBodyFactory(name="CCI <Nord> & 'Pas-de-Calais'")
    section = sector("62").section
    data = {**data, "sector": section.pk, "sponsor_body": body.pk} if data.get("sector") else data
    form = FiguresFilterForm(data, with_sponsor_body=True)
    form.is_valid()
    attrs = {"class": "form-select", "aria-describedby": "help", "required": False}

    for name in ("country", "sector", "sponsor_body"):
        widget = form.fields[name].widget
        ours = form[name].as_widget(attrs=dict(attrs))
        # The searchable picker's attributes come last in the opening tag.
        picker = getattr(widget, "picker", None)
        extra = "".join(
            f' {key}="{escape(value)}"'
            for key, value in (picker_attrs(picker) if picker else {}).items()
        )
        widget.__class__ = forms.Select
        djangos = form[name].as_widget(attrs=dict(attrs)).replace(">", f"{extra}>", 1)

        assert ours == djangos
    assert "CCI &lt;Nord&gt; &amp; &#x27;Pas-de-Calais&#x27;</option>" in ours


# --- A sponsor body ----------------------------------------------------------------------------


def test_an_advisor_sees_only_their_body(history, today):
    advisor = history.advisors[history.other_body.pk]

    response = logged_in(advisor).get(
        DASHBOARD,
        {**THIS_YEAR, "sponsor_body": history.body.pk},  # asking for another's
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Chiffres de Comité CCE Bretagne" in page
    # C, E and I only, whatever the query string asked.
    assert row(response, "table-funnel", "Soumises au parrain")[0] == "3"
    assert row(response, "table-reviews", "Période")[0] == "1"
    assert 'name="sponsor_body"' not in page
    assert "table-sponsor_bodies" not in page
    assert 'data-testid="table-load"' not in page  # no interlocutor's name
    # The full name, not the last name alone (a random "Pierre" is in "Saint-Pierre-et-Miquelon",
    # a choice of the country filter).
    interlocutor = history.interlocutors["schneider"].user
    assert interlocutor.get_full_name() not in page
    assert interlocutor.email not in page
    assert history.applications["G"].reference not in page  # another body's overdue review


@pytest.mark.parametrize("persona", ["sme_user", "interlocutor"])
def test_others_may_not_see_the_figures(persona, request):
    user = request.getfixturevalue(persona)

    assert logged_in(user).get(DASHBOARD).status_code == 403


# --- A member corporation ------------------------------------------------------------------------


def test_a_coordinator_is_sent_to_their_corporation(history, today):
    interlocutor = history.interlocutors["schneider"]
    Interlocutor.objects.filter(pk=interlocutor.pk).update(is_coordinator=True)

    response = logged_in(interlocutor.user).get(DASHBOARD)

    assert response.status_code == 302
    assert response.url == reverse("reports:corporation", args=[history.schneider.slug])


def test_corporation_dashboard(history, today):
    interlocutor = history.interlocutors["schneider"]
    Interlocutor.objects.filter(pk=interlocutor.pk).update(is_coordinator=True)
    HostingOfferFactory(corporation=history.schneider, country="VN", city="Hanoi", desks=4)
    url = reverse("reports:corporation", args=[history.schneider.slug])

    response = logged_in(interlocutor.user).get(url, THIS_YEAR)

    assert response.status_code == 200
    page = response.content.decode()
    assert row(response, "table-proposals", "janvier 2026") == ["2", "2"]
    assert row(response, "table-followed", "PME a")[:2] == [
        "Hanoi, Viêt Nam",
        interlocutor.user.get_full_name(),
    ]
    assert row(response, "table-offers", "Hanoi, Viêt Nam") == ["4", "0", "4"]
    assert "PME c" not in page  # closed: no longer followed
    assert chart(response, "occupancy")["datasets"][1]["data"] == [4]


def test_a_corporation_is_hidden_from_others(history, today, other_interlocutor):
    Interlocutor.objects.filter(user=other_interlocutor).update(is_coordinator=True)
    url = reverse("reports:corporation", args=[history.schneider.slug])

    assert logged_in(other_interlocutor).get(url).status_code == 404
    assert logged_in(history.advisors[history.body.pk]).get(url).status_code == 404
    assert logged_in(history.staff).get(url).status_code == 200
