"""The programme's figures against a hand-built history whose answers are worked out by hand.

Every application below is walked through its life by the real services, each step at a
chosen moment (Paris time), so the review clocks, pauses and events are the ones the portal
writes. "Today" is 15 March 2026 at noon in Paris.

app  SME country submitted   endorsed          then                          review
A    a   VN      2025-12-01  2025-12-02 09:00  accepted 2025-12-31 23:30     29.6 d, Dec. 2025
A2   a2  VN      2025-12-09  2025-12-10 00:30  accepted 2026-01-01 00:30     22 d, Jan.
B    b   VN      2026-01-01  2026-01-02 09:00  asked 01-05, answered 01-15   13 d, Jan.
                                               (10 days paused), proposed
                                               01-16, accepted 01-25,
                                               closed 03-02, rated 5
C    c   VN      2026-01-04  2026-01-05 09:00  accepted 02-14, closed 03-01, 40 d, Feb.
                                               rated 4
D    d   MA      2026-01-09  2026-01-10 09:00  rejected 02-09                30 d, Feb.
F    b   BR      2026-01-31  2026-02-01 09:00  accepted 02-21 (Total)        20 d, Feb.
E    e   MA      2026-01-11  2026-01-12 09:00  withdrawn 01-20               not a review
G    g   VN      2026-01-19  2026-01-20 09:00  in review, due 02-19: overdue
H    h   VN      2026-01-19  2026-01-20 09:00  asked 01-25, unanswered: paused
I    i   MA      2026-03-01  —                 awaiting its sponsor
J    j   VN      2026-02-01  —                 sponsor declined 02-02: back with the SME

A2 is accepted at 00:30 on 1 January in Paris, still 31 December in UTC: it counts for 2026.
A is accepted at 23:30 on 31 December in Paris: it counts for 2025.
"""

from datetime import date, timedelta

import pytest

from applications.enums import State
from reports import figures
from reports.figures import Period, Scope
from reports.models import Goal

pytestmark = pytest.mark.django_db


def test_history_is_as_the_table_says(history):
    states = {name: app.state for name, app in history.applications.items()}
    assert states == {
        "A": State.ACCOMPANIED,
        "A2": State.ACCOMPANIED,
        "B": State.CLOSED,
        "C": State.CLOSED,
        "D": State.REJECTED,
        "F": State.ACCOMPANIED,
        "E": State.WITHDRAWN,
        "G": State.IN_REVIEW,
        "H": State.AWAITING_INFORMATION,
        "I": State.AWAITING_SPONSOR,
        "J": State.DRAFT,
    }
    b = history.applications["B"]
    assert b.review_paused_for == timedelta(days=10)


# --- SMEs accompanied and the goal -------------------------------------------------------------


def test_accompanied_counts_distinct_smes_by_paris_year(history, today):
    result = figures.accompanied(Scope(), Period(date(2026, 1, 1), date(2026, 3, 15)), today.date())

    # A2 (00:30 on 1 January in Paris), B and F (same SME, once), C.
    assert result.smes == 3
    assert result.goal == 100
    assert [(row.month, row.count) for row in result.by_month] == [
        (date(2026, 1, 1), 2),  # A2, B
        (date(2026, 2, 1), 1),  # C (F's SME was accompanied in January already)
        (date(2026, 3, 1), 0),
    ]
    assert result.cumulative == [2, 3, 3]
    # 74 days of 365 elapsed on 15 March: 100 × 74 / 365 = 20.3.
    assert result.expected_by_now == 20
    assert result.progress == 3.0


def test_accompanied_last_year_keeps_its_new_year_eve(history, today):
    result = figures.accompanied(Scope(), Period.year(2025), today.date())

    assert result.smes == 1  # A, accepted at 23:30 on 31 December in Paris
    assert result.goal == 65
    assert result.expected_by_now == 65  # a past year: the whole goal
    assert result.by_month[-1] == figures.MonthCount(date(2025, 12, 1), 1)


def test_accompanied_without_a_goal(history, today):
    Goal.objects.filter(year=2026).delete()

    result = figures.accompanied(Scope(), Period.year_to_date(today.date()), today.date())

    assert (result.goal, result.expected_by_now, result.progress) == (None, None, None)


# --- Review time ---------------------------------------------------------------------------------


def test_review_times_leave_pauses_and_withdrawals_out(history, today):
    result = figures.review_times(Scope(), Period(date(2026, 1, 1), date(2026, 3, 15)))

    january, february, march = (stats for _month, stats in result.by_month)
    # January: A2 (22 days) and B (23 days less 10 paused: 13).
    assert january == figures.ReviewStats(
        reviews=2, mean_days=17.5, median_days=17.5, p90_days=21.1, within_target=2
    )
    # February: F 20, D 30 (rejected), C 40; the 90th percentile between 30 and 40.
    assert february == figures.ReviewStats(
        reviews=3, mean_days=30.0, median_days=30.0, p90_days=38.0, within_target=2
    )
    assert march == figures.ReviewStats()
    # The period: 13, 20, 22, 30, 40.
    assert result.overall == figures.ReviewStats(
        reviews=5, mean_days=25.0, median_days=22.0, p90_days=36.0, within_target=4
    )
    assert result.overall.within_target_share == 80.0
    assert result.target_days == 30


def test_review_time_of_last_december(history, today):
    result = figures.review_times(Scope(), Period(date(2025, 12, 1), date(2025, 12, 31)))

    # A: 2 December 9:00 to 31 December 23:30 = 29 days 14.5 hours.
    assert result.overall.reviews == 1
    assert result.overall.median_days == 29.6


# --- The funnel -------------------------------------------------------------------------------


def test_funnel_of_the_applications_submitted_this_year(history, today):
    stages = figures.funnel(Scope(), Period(date(2026, 1, 1), date(2026, 3, 15)), today)

    assert [(s.key, s.reached, s.conversion, s.waiting, s.stalled, s.left) for s in stages] == [
        # B C D F E G H I J; J went back to its SME; I waits (since 1 March: stalled).
        ("submitted", 9, None, 1, 1, 1),
        # B C D F E G H; G and H wait (since January); D rejected, E withdrawn.
        ("endorsed", 7, 77.8, 2, 2, 2),
        ("proposed", 3, 42.9, 0, 0, 0),  # B C F
        ("accompanied", 3, 100.0, 1, 1, 0),  # F under way since 21 February
        ("closed", 2, 66.7, 0, 0, 0),  # B C
    ]


# --- Breakdowns, scope and filters --------------------------------------------------------------


def test_breakdowns_by_country_sector_sponsor_and_corporation(history, today):
    period = Period(date(2026, 1, 1), date(2026, 3, 15))

    countries = [
        (r.label, r.submitted, r.endorsed, r.accompanied)
        for r in figures.by_country(Scope(), period)
    ]
    assert countries == [("Viêt Nam", 5, 4, 2), ("Maroc", 3, 2, 0), ("Brésil", 1, 1, 1)]
    sectors = [
        (r.label[:1], r.submitted, r.accompanied) for r in figures.by_sector(Scope(), period)
    ]
    # Divisions 62 (section J: B F G J), 10 (C: D E I), 71 (M: C H).
    assert sectors == [("J", 4, 2), ("C", 3, 0), ("M", 2, 1)]
    bodies = [(r.label, r.submitted) for r in figures.by_sponsor_body(Scope(), period)]
    assert bodies == [("CCI Hauts-de-France", 6), ("Comité CCE Bretagne", 3)]
    corporations = [
        (r.name, r.proposed, r.accepted, r.declined)
        for r in figures.by_corporation(Scope(), period)
    ]
    # Proposals made in 2026: A2's was made in December.
    assert corporations == [("Schneider Electric", 2, 2, 0), ("Total", 1, 1, 0)]


def test_a_sponsor_body_counts_only_its_own(history, today):
    scope = Scope(sponsor_body=history.other_body)
    period = Period(date(2026, 1, 1), date(2026, 3, 15))

    assert figures.accompanied_smes(scope, period) == 1  # C
    assert figures.review_times(scope, period).overall.reviews == 1
    assert [s.reached for s in figures.funnel(scope, period, today)] == [3, 2, 1, 1, 1]  # C E I
    assert [r.label for r in figures.by_sponsor_body(scope, period)] == ["Comité CCE Bretagne"]
    assert figures.overdue(scope, today).count == 0
    assert figures.ratings(scope, period).count == 1


def test_country_filter(history, today):
    period = Period(date(2026, 1, 1), date(2026, 3, 15))

    scope = Scope(country="BR")

    assert figures.accompanied_smes(scope, period) == 1
    assert figures.review_times(scope, period).overall.median_days == 20.0


# --- Overdue, ratings, load -----------------------------------------------------------------------


def test_overdue_counts_running_clocks_only(history, today):
    result = figures.overdue(Scope(), today)

    # G is due 19 February; H's clock is paused while the SME is asked.
    assert result.count == 1
    assert [a.pk for a in result.oldest] == [history.applications["G"].pk]
    assert result.oldest[0].clock.days_overdue == 24


def test_ratings_of_accompaniments_closed_in_the_period(history, today):
    result = figures.ratings(Scope(), Period(date(2026, 1, 1), date(2026, 3, 15)))

    assert (result.count, result.mean) == (2, 4.5)
    assert result.by_score == [(5, 1), (4, 1), (3, 0), (2, 0), (1, 0)]


def test_interlocutor_load(history, today):
    load = figures.interlocutor_load()

    # Schneider Electric's interlocutor accompanies A and A2 (B and C are closed); Total's, F.
    assert (load.interlocutors, load.open_accompaniments, load.capacity) == (2, 3, 7)
    assert [
        (row["corporation__name"], row["open_accompaniments"], row["pending"])
        for row in load.busiest
    ] == [
        ("Schneider Electric", 2, 0),
        ("Total", 1, 0),
    ]


# --- A member corporation --------------------------------------------------------------------


def test_corporation_figures(history, today):
    result = figures.corporation_figures(
        history.schneider, Period(date(2026, 1, 1), date(2026, 3, 15))
    )

    assert (result.proposals, result.accepted, result.declined, result.pending) == (2, 2, 0, 0)
    # B's and C's proposals, made in January, both accepted since.
    assert result.by_month == [
        (date(2026, 1, 1), 2, 2),
        (date(2026, 2, 1), 0, 0),
        (date(2026, 3, 1), 0, 0),
    ]
    assert [m.application.company.legal_name for m in result.followed] == ["PME a", "PME a2"]
    assert (result.ratings.count, result.ratings.mean) == (2, 4.5)


# --- The public headline ------------------------------------------------------------------------


def test_headline(history, today):
    result = figures.headline(today.date())

    # A2, B, C and F (B again) this year so far: 3 SMEs; A, at 23:30 on 31 December in
    # Paris, last year.
    assert result == figures.Headline(
        year=2026,
        smes_accompanied=3,
        smes_accompanied_last_year=1,
        goal=100,
    )
