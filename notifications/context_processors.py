"""Template context: the bell's unread count, counted once, and only when a page shows it."""

from django.utils.functional import cached_property


class Bell:
    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        if not self.user.is_authenticated:
            return 0
        # Counted with the request's user (`accounts.backends.request_users`), unless this
        # request has read some since (`services.mark_read` forgets it).
        known = getattr(self.user, "unread_notifications", None)
        if known is not None:
            return known
        return self.user.notifications.unread().count()


def bell(request):
    return {"bell": Bell(request.user)}
