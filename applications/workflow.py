"""The transition table: for each action, the states it may start from and the state it leads to.

This is the one place that says which moves an application's life allows. Who may make a move
is in `rules.py` (the permission named `applications.<action>_application`). `TRANSITIONS` are
the moves people make; `PORTAL_MOVES` are the portal's own (a proposal left unanswered past its
deadline expires), which nobody may make by hand: they carry no permission, are never offered
as an action, and are recorded without an actor.
"""

from .enums import Action, State

TRANSITIONS: dict[Action, tuple[frozenset[State], State]] = {
    Action.SUBMIT: (frozenset({State.DRAFT}), State.AWAITING_SPONSOR),
    Action.ENDORSE: (frozenset({State.AWAITING_SPONSOR}), State.IN_REVIEW),
    # A declined sponsorship goes back to the SME, with the reason, to amend or re-address.
    Action.DECLINE_ENDORSEMENT: (frozenset({State.AWAITING_SPONSOR}), State.DRAFT),
    Action.REQUEST_INFORMATION: (frozenset({State.IN_REVIEW}), State.AWAITING_INFORMATION),
    Action.ANSWER_INFORMATION: (frozenset({State.AWAITING_INFORMATION}), State.IN_REVIEW),
    Action.PROPOSE: (frozenset({State.IN_REVIEW}), State.PROPOSED),
    Action.ACCEPT_MATCH: (frozenset({State.PROPOSED}), State.ACCOMPANIED),
    # A declined proposal goes back to the association for another match.
    Action.DECLINE_MATCH: (frozenset({State.PROPOSED}), State.IN_REVIEW),
    Action.REJECT: (frozenset({State.IN_REVIEW, State.AWAITING_INFORMATION}), State.REJECTED),
    Action.WITHDRAW: (
        frozenset(
            {
                State.AWAITING_SPONSOR,
                State.IN_REVIEW,
                State.AWAITING_INFORMATION,
                State.PROPOSED,
            }
        ),
        State.WITHDRAWN,
    ),
    Action.CLOSE: (frozenset({State.ACCOMPANIED}), State.CLOSED),
}

PORTAL_MOVES: dict[Action, tuple[frozenset[State], State]] = {
    # A proposal unanswered past its deadline goes back to the association, as a declined one.
    Action.EXPIRE_MATCH: (frozenset({State.PROPOSED}), State.IN_REVIEW),
}


def move(action: Action) -> tuple[frozenset[State], State]:
    """The table entry of `action`, a person's move or the portal's own."""
    return TRANSITIONS[action] if action in TRANSITIONS else PORTAL_MOVES[action]


def permission_for(action: Action) -> str:
    return f"applications.{action.value}_application"


def allowed_from(state: str) -> list[Action]:
    """The actions whose table entry starts from `state`."""
    return [action for action, (sources, _target) in TRANSITIONS.items() if state in sources]
