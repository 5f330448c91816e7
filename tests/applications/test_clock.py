"""The review clock: started by the endorsement, paused while the SME owes an answer, stopped
by an acceptance, a rejection or a withdrawal; its owner among the staff; what each page shows
of it; the expected review time told to the SME."""

import importlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse

from applications import services
from applications.enums import Action, State
from applications.models import Application, ApplicationEvent
from applications.selectors import expected_review
from tests.factories import (
    ApplicationFactory,
    SponsorBodyFactory,
    StaffMembershipFactory,
    make_application_in,
    perform,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
DAY_ONE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Paris; days are 24 hours
DAY = timedelta(days=1)


@pytest.fixture
def on_day(time_machine):
    def move(number: float):
        time_machine.move_to(DAY_ONE + number * DAY, tick=False)

    move(0)
    return move


def fresh(application) -> Application:
    return Application.objects.get(pk=application.pk)


# --- The clock through the workflow ----------------------------------------------------------


def test_the_endorsement_starts_the_clock_for_the_target(on_day, application_in):
    application = fresh(application_in(State.IN_REVIEW))

    assert application.endorsed_at == DAY_ONE
    assert application.review_due_at == DAY_ONE + 30 * DAY
    assert application.review_paused_at is None
    assert application.review_paused_for == timedelta(0)
    assert application.review_stopped_at is None
    on_day(12)
    clock = fresh(application).clock
    assert (clock.days_elapsed, clock.days_left, clock.overdue) == (12, 18, False)


def test_no_clock_before_the_endorsement(application_in):
    assert fresh(application_in(State.AWAITING_SPONSOR)).clock is None


def test_a_request_for_information_pauses_the_clock_and_the_answer_resumes_it(
    on_day, application_in, staff_user, sme_user
):
    application = application_in(State.IN_REVIEW)
    on_day(3)
    perform(Action.REQUEST_INFORMATION, application.pk, staff_user)
    on_day(5)
    paused = fresh(application)
    assert paused.review_paused_at == DAY_ONE + 3 * DAY
    clock = paused.clock
    # Frozen while paused: three days under review, 27 left, two days of pause so far.
    assert (clock.days_elapsed, clock.days_left, clock.paused_days) == (3, 27, 2)
    assert clock.paused_since == DAY_ONE + 3 * DAY
    assert clock.due_at == DAY_ONE + 32 * DAY  # were the SME to answer now

    on_day(7)
    perform(Action.ANSWER_INFORMATION, application.pk, sme_user)
    resumed = fresh(application)
    assert resumed.review_paused_at is None
    assert resumed.review_paused_for == 4 * DAY
    assert resumed.review_due_at == DAY_ONE + 34 * DAY  # the due date moves by the pause
    on_day(10)
    clock = fresh(application).clock
    assert (clock.days_elapsed, clock.days_left, clock.paused_days) == (6, 24, 4)


@pytest.mark.parametrize("state", [State.ACCOMPANIED, State.REJECTED])
def test_an_acceptance_or_a_rejection_stops_the_clock(on_day, application_in, state):
    on_day(0)
    application = application_in(state)  # endorsed and decided on day 0
    on_day(45)

    clock = fresh(application).clock
    assert clock.stopped_at == DAY_ONE
    assert (clock.days_elapsed, clock.overdue) == (0, False)


def test_a_withdrawal_while_waiting_for_the_sme_ends_the_pause_and_stops_the_clock(
    on_day, application_in, staff_user, sme_user
):
    application = application_in(State.IN_REVIEW)
    on_day(2)
    perform(Action.REQUEST_INFORMATION, application.pk, staff_user)
    on_day(9)
    perform(Action.WITHDRAW, application.pk, sme_user)

    stopped = fresh(application)
    assert stopped.review_stopped_at == DAY_ONE + 9 * DAY
    assert stopped.review_paused_at is None
    assert stopped.review_paused_for == 7 * DAY
    assert stopped.clock.days_elapsed == 2


def test_withdrawing_before_the_endorsement_leaves_no_clock(application_in, sme_user):
    application = application_in(State.AWAITING_SPONSOR)
    perform(Action.WITHDRAW, application.pk, sme_user)

    assert fresh(application).review_stopped_at is None
    assert fresh(application).clock is None


def test_past_the_due_date_the_clock_is_overdue(on_day, application_in):
    application = application_in(State.IN_REVIEW)
    on_day(30)
    on_time = fresh(application).clock
    assert (on_time.overdue, on_time.days_left) == (False, 0)

    on_day(30.5)
    late = fresh(application).clock
    assert (late.overdue, late.days_overdue) == (True, 1)
    on_day(33)
    assert fresh(application).clock.days_overdue == 3


# --- The owner -------------------------------------------------------------------------------


def test_the_endorsement_gives_the_review_to_the_least_busy_staff_member(
    on_day, staff_user, advisor, sponsor_body
):
    newcomer = StaffMembershipFactory().user  # joined after staff_user
    first = make_application_in(State.IN_REVIEW, sponsor_body=sponsor_body, advisor=advisor)
    second = make_application_in(State.IN_REVIEW, sponsor_body=sponsor_body, advisor=advisor)
    third = make_application_in(State.IN_REVIEW, sponsor_body=sponsor_body, advisor=advisor)

    # A tie goes to the longest in the team; then to whoever follows fewer reviews.
    assert [fresh(a).owner for a in (first, second, third)] == [staff_user, newcomer, staff_user]


def test_a_finished_review_no_longer_counts_in_the_load(staff_user, advisor, sponsor_body):
    newcomer = StaffMembershipFactory().user
    make_application_in(State.ACCOMPANIED, sponsor_body=sponsor_body, advisor=advisor)
    application = make_application_in(State.IN_REVIEW, sponsor_body=sponsor_body, advisor=advisor)

    assert fresh(application).owner == staff_user
    assert newcomer.owned_applications.count() == 0


def test_staff_hand_a_review_over_and_the_new_owner_is_told(
    application_in, staff_user, django_capture_on_commit_callbacks
):
    application = application_in(State.IN_REVIEW)
    colleague = StaffMembershipFactory().user

    with django_capture_on_commit_callbacks(execute=True):
        services.assign_owner(application.pk, staff_user, owner=colleague)

    assert fresh(application).owner == colleague
    event = ApplicationEvent.objects.filter(application=application).last()
    assert (event.action, event.actor) == (Action.ASSIGN_OWNER, staff_user)
    assert [message.to for message in mail.outbox] == [[colleague.email]]


@pytest.mark.parametrize("persona", ["sme_user", "advisor", "interlocutor"])
def test_only_staff_hand_a_review_over(request, application_in, persona):
    application = application_in(State.PROPOSED)
    owner = fresh(application).owner

    with pytest.raises(services.WorkflowError):
        services.assign_owner(
            application.pk, request.getfixturevalue(persona), owner=StaffMembershipFactory().user
        )
    assert fresh(application).owner == owner


def test_a_review_goes_only_to_an_active_staff_member(application_in, staff_user, advisor):
    application = application_in(State.IN_REVIEW)
    with pytest.raises(services.WorkflowError) as refused:
        services.assign_owner(application.pk, staff_user, owner=advisor)
    assert refused.value.message == "Choisissez un membre actif de l'équipe Pacte PME."


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["sme_user", "advisor", "staff_user", "interlocutor"])
def test_every_role_sees_the_clock_on_the_application(
    on_day, client, request, application_in, staff_user, persona
):
    application = application_in(State.PROPOSED)
    on_day(12)
    client.force_login(request.getfixturevalue(persona))

    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()

    assert "Instruction : jour 12 sur 30." in page
    assert "18 jours restants (échéance le 1er avril 2026)." in page
    assert "Responsable de l'instruction : " in page
    assert ('data-testid="owner-form"' in page) == (persona == "staff_user")


def test_an_overdue_application_says_so_in_red(on_day, client, application_in, staff_user):
    application = application_in(State.IN_REVIEW)
    on_day(33)
    client.force_login(staff_user)

    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'class="text-danger" data-testid="clock-overdue"' in page
    assert "En retard de 3 jours (échéance le 1er avril 2026)." in page

    queue = client.get(reverse("applications:staff_queue")).content.decode()
    assert "en retard de 3 jours" in queue
    assert "1 instruction en retard" in queue  # the flag at the top of the queue


def test_the_pauses_are_listed_on_the_application(
    on_day, client, application_in, staff_user, sme_user
):
    application = application_in(State.IN_REVIEW)
    on_day(3)
    perform(Action.REQUEST_INFORMATION, application.pk, staff_user)
    on_day(7)
    perform(Action.ANSWER_INFORMATION, application.pk, sme_user)
    on_day(9)
    perform(Action.REQUEST_INFORMATION, application.pk, staff_user)
    on_day(10)
    client.force_login(sme_user)

    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()

    assert "du 5 mars 2026 au 9 mars 2026 (4 jours)" in page
    assert "depuis le 11 mars 2026" in page
    assert 'data-testid="clock-paused"' in page

    dashboard = client.get(reverse("applications:dashboard")).content.decode()
    assert "en pause depuis le 11/03/2026" in dashboard
    assert "(5 jours de pause)" in dashboard


def test_staff_hand_a_review_over_from_the_page(client, application_in, staff_user):
    application = application_in(State.IN_REVIEW)
    colleague = StaffMembershipFactory(user__first_name="Inès", user__last_name="Garcia").user
    client.force_login(staff_user)

    response = client.post(
        reverse("applications:assign_owner", args=[application.pk]), {"owner": colleague.pk}
    )

    assert response.status_code == 302
    assert fresh(application).owner == colleague
    page = client.get(response.url).content.decode()
    assert "L&#x27;instruction est confiée à Inès Garcia." in page


def test_handing_over_to_someone_outside_the_team_is_refused_on_the_page(
    client, application_in, staff_user, advisor
):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)

    response = client.post(
        reverse("applications:assign_owner", args=[application.pk]), {"owner": advisor.pk}
    )

    assert response.status_code == 400
    assert "Choisissez un membre actif de l&#x27;équipe Pacte PME." in response.content.decode()
    assert fresh(application).owner == staff_user


@pytest.mark.parametrize(
    ("persona", "status"),
    [("sme_user", 403), ("advisor", 403), ("other_sme_user", 404), ("other_advisor", 404)],
)
def test_only_staff_may_post_a_new_owner(client, request, application_in, persona, status):
    application = application_in(State.IN_REVIEW)
    owner = fresh(application).owner
    client.force_login(request.getfixturevalue(persona))

    response = client.post(
        reverse("applications:assign_owner", args=[application.pk]),
        {"owner": StaffMembershipFactory().user.pk},
    )

    assert response.status_code == status
    assert fresh(application).owner == owner


def test_the_staff_queue_can_show_only_my_reviews(client, application_in, staff_user):
    mine = application_in(State.IN_REVIEW)
    theirs = application_in(State.IN_REVIEW)
    services.assign_owner(theirs.pk, staff_user, owner=StaffMembershipFactory().user)
    client.force_login(staff_user)

    response = client.get(reverse("applications:staff_queue"), {"mine": "on"})

    assert [a.pk for a in response.context["applications"]] == [mine.pk]


# --- The expected review time ------------------------------------------------------------------


def finished_review(days: float, *, ended: datetime, paused: float = 0, state=State.ACCOMPANIED):
    return ApplicationFactory(
        state=state,
        sponsor_body=SponsorBodyFactory(),
        endorsed_at=ended - (days + paused) * DAY,
        review_due_at=ended,
        review_paused_for=paused * DAY,
        review_stopped_at=ended,
    )


def test_until_there_are_enough_reviews_the_sme_is_promised_one_month(on_day, settings):
    settings.REVIEW_ESTIMATE_MIN_REVIEWS = 10
    for days in range(9):
        finished_review(days + 1, ended=DAY_ONE - DAY)

    estimate = expected_review(DAY_ONE)

    assert (estimate.median_days, estimate.p90_days, estimate.measures) == (30, 30, 0)


def test_the_expected_review_comes_from_the_reviews_of_the_last_90_days(on_day, settings):
    settings.REVIEW_ESTIMATE_MIN_REVIEWS = 10
    # Ten reviews of 10 to 28 days (pauses excluded), finished in the last 90 days.
    for n, days in enumerate([10, 12, 14, 16, 18, 20, 22, 24, 26, 28]):
        finished_review(days, ended=DAY_ONE - (n + 1) * DAY, paused=n % 3)
    # Not counted: too old, withdrawn, still under way.
    finished_review(200, ended=DAY_ONE - 91 * DAY)
    finished_review(200, ended=DAY_ONE - DAY, state=State.WITHDRAWN)
    ApplicationFactory(
        state=State.IN_REVIEW, sponsor_body=SponsorBodyFactory(), endorsed_at=DAY_ONE - 80 * DAY
    )

    estimate = expected_review(DAY_ONE)

    # The 90th percentile interpolates between the 9th and 10th reviews (26 and 28 days), as
    # the dashboards (and PostgreSQL's percentile_cont) do: 26.2, told as 27 days.
    assert (estimate.median_days, estimate.p90_days, estimate.measures) == (19, 27, 10)


def test_the_sme_sees_the_expected_review_time_when_it_submits(client, sme_user, settings):
    settings.REVIEW_ESTIMATE_MIN_REVIEWS = 1
    application = ApplicationFactory(company=sme_user.company_membership.company)
    finished_review(21.5, ended=datetime.now(PARIS) - DAY)
    client.force_login(sme_user)

    page = client.get(reverse("applications:submit", args=[application.pk])).content.decode()

    assert (
        "Instruction par l&#x27;équipe Pacte PME, une fois la demande parrainée : en général "
        "22 jours (9 demandes sur 10 en 22 jours au plus)." in page
    )


# --- The migration that started the clocks of the applications already endorsed --------------


def test_the_migration_starts_the_clocks_from_the_history(
    on_day, application_in, staff_user, sme_user
):
    under_way = application_in(State.IN_REVIEW)
    on_day(2)
    perform(Action.REQUEST_INFORMATION, under_way.pk, staff_user)
    on_day(6)
    perform(Action.ANSWER_INFORMATION, under_way.pk, sme_user)
    waiting = application_in(State.AWAITING_INFORMATION)
    on_day(8)
    accepted = application_in(State.ACCOMPANIED)
    fields = ["review_due_at", "review_paused_at", "review_paused_for", "review_stopped_at"]
    kept = {a.pk: [getattr(fresh(a), f) for f in fields] for a in (under_way, waiting, accepted)}
    Application.objects.update(
        review_due_at=None, review_paused_at=None, review_paused_for=timedelta(0)
    )
    Application.objects.update(review_stopped_at=None)
    migration = importlib.import_module("applications.migrations.0004_review_clock")

    migration.start_clocks(apps, schema_editor=None)

    assert {
        pk: [getattr(fresh(a), f) for f in fields]
        for pk, a in ((a.pk, a) for a in (under_way, waiting, accepted))
    } == kept


def test_the_owner_form_lists_the_team_as_it_is_now(client, application_in, staff_user):
    """Its choices are kept in the cache: who joins, is renamed or leaves shows at once."""
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)
    url = reverse("applications:detail", args=[application.pk])

    def owners() -> str:
        page = client.get(url).content.decode()
        return page.split('data-testid="owner-form"')[1].split("</form>")[0]

    assert "Zoé Nouvelle" not in owners()
    newcomer = StaffMembershipFactory(user__first_name="Zoé", user__last_name="Nouvelle").user
    assert "Zoé Nouvelle" in owners()
    newcomer.last_name = "Mariée"
    newcomer.save()
    assert "Zoé Mariée" in owners() and "Zoé Nouvelle" not in owners()
    newcomer.is_active = False
    newcomer.save(update_fields=["is_active"])
    assert "Zoé Mariée" not in owners()
    newcomer.is_active = True
    newcomer.save()
    assert "Zoé Mariée" in owners()
    newcomer.staff_membership.delete()
    assert "Zoé Mariée" not in owners()
