"""Permission predicates for corporate interlocutors."""

import rules

from .enums import MatchStatus


def interlocutor_of(user):
    if not user.is_authenticated or not user.is_active:
        return None
    return getattr(user, "interlocutor", None)


@rules.predicate
def is_interlocutor(user) -> bool:
    return interlocutor_of(user) is not None


def _has_match(user, application, status: str) -> bool:
    interlocutor = interlocutor_of(user)
    if interlocutor is None:
        return False
    return application.matches.filter(interlocutor=interlocutor, status=status).exists()


@rules.predicate
def is_proposed_interlocutor(user, application) -> bool:
    """The application is currently proposed to this interlocutor."""
    return _has_match(user, application, MatchStatus.PROPOSED)


@rules.predicate
def is_following_interlocutor(user, application) -> bool:
    """This interlocutor accepted the application and accompanies the SME."""
    return _has_match(user, application, MatchStatus.ACCEPTED)


rules.add_perm("corporations.view_interlocutor_queue", is_interlocutor)
