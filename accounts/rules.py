"""Permission predicates for the association's own role."""

import rules


@rules.predicate
def is_association_staff(user) -> bool:
    """A chargé(e) de mission of the association; administrators act as staff too."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return getattr(user, "staff_membership", None) is not None


rules.add_perm("accounts.invite_users", is_association_staff)
rules.add_perm("accounts.view_staff_queue", is_association_staff)
# Lift a login lockout (django-axes) before its cool-off ends: /comptes/verrouillages/.
rules.add_perm("accounts.unlock_logins", is_association_staff)
