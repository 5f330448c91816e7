"""Template context: the current user's role, for the navigation bar."""

from django.utils.functional import SimpleLazyObject

from .roles import role_of


def roles(request):
    return {"user_role": SimpleLazyObject(lambda: role_of(request.user) or "")}
