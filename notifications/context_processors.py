"""Template context: the bell's unread count, counted once, and only when a page shows it."""

from django.utils.functional import cached_property


class Bell:
    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        if not self.user.is_authenticated:
            return 0
        return self.user.notifications.unread().count()


def bell(request):
    return {"bell": Bell(request.user)}
