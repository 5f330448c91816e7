"""Reads for companies."""

from accounts.models import User

from .models import Company


def company_of(user: User) -> Company | None:
    membership = getattr(user, "company_membership", None)
    return membership.company if membership else None
