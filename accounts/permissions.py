"""Permission checks that follow the portal's rules for everyone, administrators included.

Django's `user.has_perm` answers yes to any active superuser before asking the rules. An
administrator manages reference data and acts as association staff (`is_association_staff`),
but must not endorse for a sponsor body or accept a dossier for a corporation: these checks
ask the django-rules predicates directly.
"""

from functools import wraps

import rules
from django.core.exceptions import PermissionDenied


def can(user, permission: str, obj=None) -> bool:
    return rules.has_perm(permission, user, obj)


def rule_required(permission: str):
    """View decorator: a 403 unless the rule holds for the user (use after login_required)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not can(request.user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
