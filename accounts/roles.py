"""Which of the portal's roles a user holds, for navigation and the home page."""

from .enums import Role
from .rules import is_association_staff


def role_of(user) -> Role | None:
    """The user's main role; a person is expected to hold one, staff wins if several."""
    if not user.is_authenticated:
        return None
    if is_association_staff(user):
        return Role.STAFF
    if getattr(user, "advisor_membership", None) is not None:
        return Role.ADVISOR
    if getattr(user, "interlocutor", None) is not None:
        return Role.INTERLOCUTOR
    if getattr(user, "company_membership", None) is not None:
        return Role.COMPANY
    return None
