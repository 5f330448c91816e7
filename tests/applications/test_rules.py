"""Permissions on applications: every persona against every permission, and verbs refused.

Permissions are checked with `accounts.permissions.can` (the rules themselves), as the views and
services do: Django's `user.has_perm` would grant a superuser everything. The administrator
acts as association staff, and only as that.
"""

import pytest

from accounts.permissions import can
from applications import services
from applications.enums import Action, State
from applications.services import WorkflowError
from applications.workflow import TRANSITIONS, permission_for
from tests.factories import perform, snapshot
from tests.personas import EVERYONE

pytestmark = pytest.mark.django_db

PERSONAS = EVERYONE
ACTION_PERMISSIONS = [permission_for(action) for action in TRANSITIONS] + [
    "applications.rate_application"
]
VIEW = "applications.view_application"

# Who holds each permission on company A's application while it is proposed to `interlocutor`.
GRANTED_WHILE_PROPOSED = {
    VIEW: {"sme_user", "advisor", "staff_user", "admin_user", "interlocutor"},
    "applications.submit_application": {"sme_user"},
    "applications.endorse_application": {"advisor"},
    "applications.decline_endorsement_application": {"advisor"},
    "applications.request_information_application": {"staff_user", "admin_user"},
    "applications.answer_information_application": {"sme_user"},
    "applications.propose_application": {"staff_user", "admin_user"},
    "applications.accept_match_application": {"interlocutor"},
    "applications.decline_match_application": {"interlocutor"},
    "applications.reject_application": {"staff_user", "admin_user"},
    "applications.withdraw_application": {"sme_user"},
    "applications.close_application": {"staff_user", "admin_user"},
    "applications.rate_application": {"sme_user"},
}

# Once the interlocutor accepted: they follow the SME and may close, no longer accept/decline.
GRANTED_WHILE_ACCOMPANIED = {
    **GRANTED_WHILE_PROPOSED,
    "applications.accept_match_application": set(),
    "applications.decline_match_application": set(),
    "applications.close_application": {"staff_user", "admin_user", "interlocutor"},
}


def test_every_action_of_the_table_has_a_permission():
    assert sorted(GRANTED_WHILE_PROPOSED) == sorted([VIEW, *ACTION_PERMISSIONS])


@pytest.mark.parametrize("permission", [VIEW, *ACTION_PERMISSIONS])
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_while_proposed(application_in, request, persona, permission):
    application = application_in(State.PROPOSED)
    user = request.getfixturevalue(persona)

    assert can(user, permission, application) is (persona in GRANTED_WHILE_PROPOSED[permission])


@pytest.mark.parametrize("permission", [VIEW, *ACTION_PERMISSIONS])
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_while_accompanied(application_in, request, persona, permission):
    application = application_in(State.ACCOMPANIED)
    user = request.getfixturevalue(persona)

    assert can(user, permission, application) is (persona in GRANTED_WHILE_ACCOMPANIED[permission])


@pytest.mark.parametrize(
    ("persona", "granted"),
    [
        ("sme_user", True),
        ("other_sme_user", False),
        ("advisor", False),
        ("other_advisor", False),
        ("staff_user", False),
        ("admin_user", False),
        ("interlocutor", False),
        ("other_interlocutor", False),
        ("anonymous_user", False),
    ],
)
def test_view_draft_only_by_the_company(draft_application, request, persona, granted):
    assert can(request.getfixturevalue(persona), VIEW, draft_application) is granted


def test_view_draft_declined_by_the_sponsor_not_by_its_advisor(application_in, advisor):
    # Back to draft after a declined sponsorship: the body is still on the row.
    application = application_in(State.AWAITING_SPONSOR)
    services.decline_endorsement(application.pk, advisor, reason="Dossier incomplet.")
    application.refresh_from_db()

    assert application.sponsor_body_id == advisor.advisor_membership.sponsor_body_id
    assert can(advisor, VIEW, application) is False


@pytest.mark.parametrize("state", [s for s in State if s != State.DRAFT])
@pytest.mark.parametrize(
    ("persona", "granted"),
    [("advisor", True), ("other_advisor", False), ("staff_user", True), ("admin_user", True)],
)
def test_view_by_advisor_and_staff_from_submission_on(
    application_in, request, state, persona, granted
):
    application = application_in(state)

    assert can(request.getfixturevalue(persona), VIEW, application) is granted


@pytest.mark.parametrize(
    ("state", "granted"),
    [
        (State.DRAFT, False),
        (State.AWAITING_SPONSOR, False),
        (State.IN_REVIEW, False),
        (State.PROPOSED, True),
        (State.ACCOMPANIED, True),
        (State.CLOSED, True),
    ],
)
def test_view_by_the_interlocutor_from_proposal_on(application_in, interlocutor, state, granted):
    application = application_in(state)

    assert can(interlocutor, VIEW, application) is granted


def test_view_by_the_interlocutor_ends_when_they_decline(application_in, interlocutor):
    application = application_in(State.PROPOSED)

    services.decline_match(application.pk, interlocutor, reason="Pas de capacité.")

    assert can(interlocutor, VIEW, application) is False
    assert can(interlocutor, "applications.accept_match_application", application) is False


def test_view_by_the_interlocutor_ends_when_the_sme_withdraws(
    application_in, interlocutor, sme_user
):
    application = application_in(State.PROPOSED)

    services.withdraw(application.pk, sme_user)

    assert can(interlocutor, VIEW, application) is False


@pytest.mark.parametrize(
    ("permission", "state", "granted"),
    [
        ("applications.change_application", State.DRAFT, True),
        ("applications.delete_application", State.DRAFT, True),
        ("applications.change_application", State.AWAITING_SPONSOR, False),
        ("applications.delete_application", State.AWAITING_SPONSOR, False),
    ],
)
def test_change_and_delete_only_drafts(application_in, sme_user, permission, state, granted):
    application = application_in(state)

    assert can(sme_user, permission, application) is granted


@pytest.mark.parametrize(
    "persona",
    ["other_sme_user", "advisor", "staff_user", "admin_user", "interlocutor", "anonymous_user"],
)
@pytest.mark.parametrize(
    "permission", ["applications.change_application", "applications.delete_application"]
)
def test_change_and_delete_draft_never_by_others(draft_application, request, persona, permission):
    assert can(request.getfixturevalue(persona), permission, draft_application) is False


@pytest.mark.parametrize(
    ("persona", "granted"),
    [
        ("sme_user", True),
        ("other_sme_user", True),
        ("advisor", False),
        ("staff_user", False),
        ("admin_user", False),
        ("interlocutor", False),
        ("anonymous_user", False),
    ],
)
def test_add_application_only_with_a_company(request, persona, granted):
    assert can(request.getfixturevalue(persona), "applications.add_application") is granted


@pytest.mark.parametrize("permission", [VIEW, *ACTION_PERMISSIONS])
def test_inactive_user_holds_no_permission(application_in, sme_user, permission):
    application = application_in(State.PROPOSED)
    sme_user.is_active = False
    sme_user.save(update_fields=["is_active"])

    assert can(sme_user, permission, application) is False


# --- Verbs called without the right --------------------------------------------------------

NOT_ALLOWED = "Vous n'avez pas le droit de faire cette action sur ce dossier."

# The personas entitled to make each move, in the states the table allows it from.
ENTITLED = {
    Action.SUBMIT: {"sme_user"},
    Action.ENDORSE: {"advisor"},
    Action.DECLINE_ENDORSEMENT: {"advisor"},
    Action.REQUEST_INFORMATION: {"staff_user", "admin_user"},
    Action.ANSWER_INFORMATION: {"sme_user"},
    Action.PROPOSE: {"staff_user", "admin_user"},
    Action.ACCEPT_MATCH: {"interlocutor"},
    Action.DECLINE_MATCH: {"interlocutor"},
    Action.REJECT: {"staff_user", "admin_user"},
    Action.WITHDRAW: {"sme_user"},
    Action.CLOSE: {"staff_user", "admin_user", "interlocutor"},  # the interlocutor follows
}

WRONG_ACTORS = [
    (state, action, persona)
    for action, (sources, _target) in TRANSITIONS.items()
    for state in State
    if state in sources
    for persona in PERSONAS
    if persona not in ENTITLED[action]
]


@pytest.mark.parametrize(
    ("state", "action", "persona"),
    WRONG_ACTORS,
    ids=[f"{s.value}-{a.value}-{p}" for s, a, p in WRONG_ACTORS],
)
def test_verb_by_a_user_without_the_right_raises_and_changes_nothing(
    application_in, request, sponsor_body, other_interlocutor, state, action, persona
):
    application = application_in(state)
    arguments = {}
    if action == Action.SUBMIT:
        arguments["sponsor_body"] = sponsor_body
    if action == Action.PROPOSE:
        arguments["interlocutor"] = other_interlocutor.interlocutor
    before = snapshot(application)

    with pytest.raises(WorkflowError) as error:
        perform(action, application.pk, request.getfixturevalue(persona), **arguments)

    assert error.value.message == NOT_ALLOWED
    assert snapshot(application) == before


# --- The superuser -------------------------------------------------------------------------


def test_admin_user_acts_as_association_staff(application_in, admin_user):
    application = application_in(State.IN_REVIEW)

    services.request_information(application.pk, admin_user, question="Quel calendrier ?")

    application.refresh_from_db()
    assert application.state == State.AWAITING_INFORMATION
