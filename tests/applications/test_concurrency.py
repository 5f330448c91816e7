"""Conflicting actions on one application at the same moment, through the real pages, on
PostgreSQL: exactly one wins, one event row is written, the other person is told why.

Each request runs in its own thread with its own test client and its own database connection
(Django's connections are per thread), and commits for real (`transaction=True`;
`serialized_rollback=True` puts back the NAF sectors the data migration loaded).

Left to chance, the second request would usually arrive after the first had committed, and the
test would pass with or without the row lock. So the race is arranged: both requests validate
their forms, the first takes the application's row lock (`services._lock`, wrapped here) and
keeps its transaction open until PostgreSQL shows the second one waiting on it
(`pg_blocking_pids`); only then does the first go on and commit. Without `select_for_update`,
the second never waits, both act on the same old state, and these tests fail.
"""

import threading
import time
from html import escape

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from applications import services
from applications.enums import Action, State
from applications.models import Application, ApplicationEvent
from corporations.enums import MatchStatus
from corporations.models import Match
from sponsors.enums import Decision
from sponsors.models import Endorsement
from tests.conftest import TwoFactorClient
from tests.factories import InterlocutorFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def no_longer_possible(state: State) -> str:
    """The workflow's message to the one who comes second (services._check)."""
    return (
        f"Cette action n'est plus possible : le dossier est maintenant « {state.label} ». "
        "La page a été mise à jour, vérifiez son état avant de recommencer."
    )


ENDORSED = "Demande parrainée : elle part en instruction chez Pacte PME."
WITHDRAWN = "Votre demande est retirée."
PROPOSED = "Dossier proposé au correspondant."

# How long the first request waits for the second to queue on the row lock. It is there in a
# few milliseconds when the lock exists; without the lock it never comes, and the test fails.
WAITER_TIMEOUT = 3.0


def someone_waits_on_me() -> bool:
    """Whether another backend is blocked by this connection's transaction (a row lock)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted "
            "AND pg_backend_pid() = ANY (pg_blocking_pids(pid)))"
        )
        return cursor.fetchone()[0]


class Race:
    """Two requests on one application's row lock, in a known order: the thread named
    "first" takes the lock, and holds it until the thread named "second" waits on it."""

    def __init__(self, monkeypatch):
        self.first_holds_the_lock = threading.Event()
        self.second_waited = False
        self.calls: list[str] = []
        real_lock = services._lock

        def lock(application_id: int) -> Application:
            name = threading.current_thread().name
            if name not in ("first", "second"):  # the test's own set-up
                return real_lock(application_id)
            self.calls.append(name)
            if name == "second":
                assert self.first_holds_the_lock.wait(timeout=10), "the first never locked"
                return real_lock(application_id)
            application = real_lock(application_id)
            self.first_holds_the_lock.set()
            deadline = time.monotonic() + WAITER_TIMEOUT
            while time.monotonic() < deadline:
                if someone_waits_on_me():
                    self.second_waited = True
                    break
                time.sleep(0.01)
            return application

        monkeypatch.setattr(services, "_lock", lock)

    def run(self, first, second) -> dict:
        """Run both calls, released together; what each returned (or raised), by name."""
        barrier = threading.Barrier(2)
        results: dict = {}

        def run(call):
            name = threading.current_thread().name
            try:
                barrier.wait(timeout=10)
                results[name] = call()
            except Exception as error:  # handed back to the test, which fails on it
                results[name] = error
            finally:
                connection.close()

        threads = [
            threading.Thread(target=run, args=(call,), name=name)
            for name, call in [("first", first), ("second", second)]
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in threads)
        for name in ("first", "second"):
            assert not isinstance(results[name], Exception), (name, results[name])
        # Both requests went as far as the service: the form of neither was refused.
        assert sorted(self.calls) == ["first", "second"]
        return results


@pytest.fixture
def race(monkeypatch):
    return Race(monkeypatch)


def logged_in(user) -> TwoFactorClient:
    """A browser of this person, logged in (and past the second factor staff must give)."""
    client = TwoFactorClient()
    client.force_login(user)
    return client


def post_action(client: TwoFactorClient, application: Application, action: Action, data: dict):
    """A call that posts one workflow action as its form on the page would."""
    url = reverse("applications:action", args=[application.pk, action])
    return lambda: client.post(url, {"expected_state": application.state, **data})


def messages_after(client: TwoFactorClient, response) -> list[str]:
    """Follow the redirect as the browser would: the messages the person reads on that page,
    which must be on the page itself too."""
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    messages = [str(message) for message in page.context["messages"]]
    for message in messages:
        assert escape(message) in page.content.decode()
    return messages


def new_events(application: Application, before: int) -> list[tuple]:
    events = ApplicationEvent.objects.filter(application=application).order_by("pk")[before:]
    return [(e.action, e.from_state, e.to_state, e.actor_id) for e in events]


# --- Two staff members propose the same application --------------------------------------


def test_two_staff_propose_at_the_same_moment_one_proposal_the_other_is_told(
    race, alstom, application_in, staff_user, staff_colleague, interlocutor
):
    application = application_in(State.IN_REVIEW)
    colleague_choice = InterlocutorFactory(corporation=alstom, countries=["VN"])
    before = application.events.count()
    julie, hugo = logged_in(staff_user), logged_in(staff_colleague)
    reason = {"off_list_reason": "Connaît bien le dossier.", "note": "Projet cohérent."}

    results = race.run(
        post_action(
            julie,
            application,
            Action.PROPOSE,
            {"interlocutor": interlocutor.interlocutor.pk, **reason},
        ),
        post_action(
            hugo, application, Action.PROPOSE, {"interlocutor": colleague_choice.pk, **reason}
        ),
    )

    assert messages_after(julie, results["first"]) == [PROPOSED]
    assert messages_after(hugo, results["second"]) == [no_longer_possible(State.PROPOSED)]
    assert list(
        Match.objects.filter(application=application).values_list("interlocutor", "status")
    ) == [(interlocutor.interlocutor.pk, MatchStatus.PROPOSED)]
    assert new_events(application, before) == [
        (Action.PROPOSE, State.IN_REVIEW, State.PROPOSED, staff_user.pk)
    ]
    assert Application.objects.get(pk=application.pk).state == State.PROPOSED
    # The race really happened: the second request queued on the first one's row lock.
    assert race.second_waited is True


# --- The SME withdraws while its advisor endorses --------------------------------------------

WITHDRAW = (Action.WITHDRAW, {"reason": "Projet suspendu par la direction."})
ENDORSE = (Action.ENDORSE, {"note": "Entreprise connue de la CCI."})


@pytest.mark.parametrize(
    ("first_action", "outcome", "winner_message", "loser_message"),
    [
        (Action.WITHDRAW, State.WITHDRAWN, WITHDRAWN, no_longer_possible(State.WITHDRAWN)),
        (Action.ENDORSE, State.IN_REVIEW, ENDORSED, no_longer_possible(State.IN_REVIEW)),
    ],
    ids=["withdraw-first", "endorse-first"],
)
def test_withdraw_while_the_advisor_endorses_exactly_one_wins(
    race, application_in, sme_user, advisor, first_action, outcome, winner_message, loser_message
):
    application = application_in(State.AWAITING_SPONSOR)
    before = application.events.count()
    claire, sophie = logged_in(sme_user), logged_in(advisor)
    withdraw = post_action(claire, application, *WITHDRAW)
    endorse = post_action(sophie, application, *ENDORSE)
    if first_action == Action.WITHDRAW:
        calls, winner, loser = (withdraw, endorse), (claire, sme_user), (sophie, advisor)
    else:
        calls, winner, loser = (endorse, withdraw), (sophie, advisor), (claire, sme_user)

    results = race.run(*calls)

    assert messages_after(winner[0], results["first"]) == [winner_message]
    assert messages_after(loser[0], results["second"]) == [loser_message]
    # The state is the one the single new event says, by the winner.
    assert new_events(application, before) == [
        (first_action, State.AWAITING_SPONSOR, outcome, winner[1].pk)
    ]
    assert Application.objects.get(pk=application.pk).state == outcome
    endorsements = list(
        Endorsement.objects.filter(application=application).values_list("decision", flat=True)
    )
    assert endorsements == ([Decision.ENDORSED] if outcome == State.IN_REVIEW else [])
    # The race really happened: the second request queued on the first one's row lock.
    assert race.second_waited is True


# --- One person sends the same action twice (a double click) -------------------------------


@pytest.mark.parametrize(
    ("state", "persona", "action", "data", "outcome", "success"),
    [
        (State.AWAITING_SPONSOR, "advisor", *ENDORSE, State.IN_REVIEW, ENDORSED),
        (State.IN_REVIEW, "sme_user", *WITHDRAW, State.WITHDRAWN, WITHDRAWN),
    ],
    ids=["endorse", "withdraw"],
)
def test_double_click_makes_one_move(
    race, request, application_in, state, persona, action, data, outcome, success
):
    application = application_in(state)
    before = application.events.count()
    user = request.getfixturevalue(persona)
    # Two requests of one browser: the same session.
    tab, same_tab = logged_in(user), TwoFactorClient()
    same_tab.cookies[settings.SESSION_COOKIE_NAME] = tab.cookies[settings.SESSION_COOKIE_NAME].value

    results = race.run(
        post_action(tab, application, action, data),
        post_action(same_tab, application, action, data),
    )

    assert messages_after(tab, results["first"]) == [success]
    assert messages_after(same_tab, results["second"]) == [no_longer_possible(outcome)]
    assert new_events(application, before) == [(action, state, outcome, user.pk)]
    assert Application.objects.get(pk=application.pk).state == outcome
    # The race really happened: the second request queued on the first one's row lock.
    assert race.second_waited is True
