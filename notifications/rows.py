"""The bell's list as its page shows it: by day, then by application, each notification
written in Python, once: in the template, each of them cost a dozen variable lookups, a
`{% with %}`, two translations and a date filter, most of the page's time for thirty of them.

A notification's title says what happened, in words, in its person's language: it is written
per event when the notification is made (`applications.recipients`, `reports.services`),
so the list shows it as it is; its kind ("Étapes des dossiers que vous suivez") is what the
preferences choose by, and says nothing of what happened.
"""

import html
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.typography import day_heading

from .models import Notification


@dataclass
class Group:
    """The notifications of one day about one application (None: about none)."""

    day: date
    application: object | None
    items: list[SafeString] = field(default_factory=list)
    unread: int = 0

    @property
    def key(self) -> str:
        """What its "Tout marquer comme lu" posts (`views.mark_group_read`)."""
        return f"{self.day.isoformat()}:{self.application.pk if self.application else '-'}"


@dataclass
class Day:
    day: date
    label: str
    groups: list[Group] = field(default_factory=list)


def day_label(day: date, today: date) -> str:
    """ "Aujourd'hui", "Hier", then "lundi 30 novembre" ("Today", "Yesterday", "Monday,
    November 30"), with the year when it is not this year's."""
    if day == today:
        return gettext("Aujourd'hui")
    if day == today - timedelta(days=1):
        return gettext("Hier")
    return day_heading(day, today.year)


def days(notifications, today: date) -> list[Day]:
    """These notifications (newest first, with `application__company`) by day, newest first,
    and within a day by application, in the order of each one's newest notification."""
    unread_label = html.escape(gettext("non lue"))
    mark_read = html.escape(gettext("Marquer comme lue"))
    result: list[Day] = []
    groups: dict[tuple[date, int | None], Group] = {}
    for notification in notifications:
        moment = timezone.localtime(notification.created_at)
        day = moment.date()
        if not result or result[-1].day != day:
            result.append(Day(day, day_label(day, today)))
        group = groups.get((day, notification.application_id))
        if group is None:
            group = Group(day, notification.application)
            groups[(day, notification.application_id)] = group
            result[-1].groups.append(group)
        group.items.append(_item(notification, moment, unread_label, mark_read))
        group.unread += notification.is_unread
    return result


def items(notifications) -> list[SafeString]:
    """Each notification's `<li>`, as `tests/notifications/reference_items.html` writes it."""
    unread_label = html.escape(gettext("non lue"))
    mark_read = html.escape(gettext("Marquer comme lue"))
    return [
        _item(n, timezone.localtime(n.created_at), unread_label, mark_read) for n in notifications
    ]


def _item(notification: Notification, moment, unread_label: str, mark_read: str) -> SafeString:
    unread = notification.is_unread
    open_url = html.escape(notification.get_open_url())
    time = html.escape(date_format(moment, "TIME_FORMAT"))
    excerpt = ""
    if notification.excerpt:
        excerpt = (
            '<div class="small pre-line text-truncate-3 text-break" data-user-content>'
            f"{html.escape(notification.excerpt_preview)}</div>"
        )
    badge = button = ""
    if unread:
        badge = f' · <span class="badge text-bg-dark">{unread_label}</span>'
        button = (
            f'\n    <button type="submit" formaction="{open_url}" name="stay" value="1" '
            'class="btn btn-sm btn-outline-secondary text-nowrap align-self-start" '
            f'data-testid="mark-read">{mark_read}</button>'
        )
    # Unread: a badge that says so (not the colour alone), a thicker border and the tint. The
    # title and the excerpt are marked as content (`data-user-content`): written once, in the
    # person's language of that day.
    return mark_safe(  # noqa: S308  # nosec B308, B703  (every value is escaped)
        '\n  <li class="list-group-item d-flex flex-column flex-sm-row justify-content-between '
        "align-items-sm-start gap-2"
        f"{' list-group-item-primary notification-unread' if unread else ''}"
        '" data-testid="notification">'
        '\n    <div class="text-break">\n      <div class="small text-body-secondary">'
        f'<time datetime="{moment.isoformat()}">{time}</time>'
        f"{badge}</div>"
        f'\n      <button type="submit" formaction="{open_url}" class="btn btn-link p-0 '
        f'text-start text-break{" fw-semibold" if unread else ""}" '
        f'data-testid="open-notification" data-user-content>{html.escape(notification.title)}'
        "</button>"
        f"\n      {excerpt}\n    </div>{button}\n  </li>"
    )
