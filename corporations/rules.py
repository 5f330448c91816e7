"""Permission predicates for corporate interlocutors and the coordinators of corporations."""

import rules

from accounts.rules import is_association_staff

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
    # A page that read all the application's matches (its detail page) lends them to its
    # permission checks: a dozen of them, a query each otherwise.
    known = getattr(application, "known_matches", None)
    if known is not None:
        return any(m.interlocutor_id == interlocutor.pk and m.status == status for m in known)
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


@rules.predicate
def is_coordinator_of(user, corporation) -> bool:
    """An active coordinator of this very corporation (keeps its presences and offers)."""
    interlocutor = interlocutor_of(user)
    return (
        corporation is not None
        and interlocutor is not None
        and interlocutor.is_active
        and interlocutor.is_coordinator
        and interlocutor.corporation_id == corporation.pk
    )


# Each interlocutor keeps their own profile (looked up from the user, never from the URL).
rules.add_perm("corporations.change_own_profile", is_interlocutor)
rules.add_perm("corporations.change_corporation", is_coordinator_of | is_association_staff)
rules.add_perm("corporations.view_corporation_list", is_association_staff)
