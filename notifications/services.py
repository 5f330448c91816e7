"""Making notifications, honouring each person's choices, and the daily digest.

A notification is made for every person concerned, whatever their choice: the bell lists them
all. Their choice for its kind says whether a mail goes out at once (the caller sends it), waits
for the next digest, or never goes out.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.mail import build_mail
from accounts.models import User

from . import news
from .enums import DEFAULTS, LOCKED, Delivery, Kind
from .models import Notification, Preference

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


# --- Choices -------------------------------------------------------------------------------


def choices_of(user: User) -> dict[Kind, Delivery]:
    """This person's delivery for every kind: their choice, or the default."""
    chosen = dict(user.notification_preferences.values_list("kind", "delivery"))
    return {
        kind: DEFAULTS[kind] if kind in LOCKED else Delivery(chosen.get(kind, DEFAULTS[kind]))
        for kind in Kind
    }


@transaction.atomic
def choose(user: User, choices: dict[str, str]) -> None:
    """Record this person's choices (locked kinds are ignored). What waited for a digest of a
    kind now switched off is not sent."""
    for kind, delivery in choices.items():
        if kind in LOCKED:
            continue
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
        if delivery == Delivery.NONE:
            Notification.objects.awaiting_digest().filter(user=user, kind=kind).update(
                delivery=Delivery.NONE
            )


def unsubscribe_from_digest(user: User) -> list[Kind]:
    """The digest's one-click unsubscribe: every kind on the digest goes to no mail at all.
    Returns the kinds that changed."""
    kinds = [kind for kind, delivery in choices_of(user).items() if delivery == Delivery.DIGEST]
    choose(user, {kind: Delivery.NONE for kind in kinds})
    return kinds


def unsubscribe_token(user: User) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def user_for_token(token: str) -> User | None:
    """The person an unsubscribe link was made for; None when the link was altered."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


# --- Making them ---------------------------------------------------------------------------


def notify(
    users: Iterable[User],
    *,
    kind: Kind | Callable[[User], Kind],
    source: str,
    title: Callable[[], str],
    url: str,
    application=None,
    excerpt: str = "",
) -> list[Notification]:
    """One notification per person about `source`, made once however often this runs.

    `kind` is one kind, or a function of the person (a decision for the SME, a step for the
    others); `title` is called in each person's language. Returns the notifications of
    `source` for these people, each with the delivery their choice gave it."""
    users = list(users)
    if not users:
        return []
    chosen = _choices_of_many(users)
    now = timezone.now()
    rows = []
    for user in users:
        user_kind = kind(user) if callable(kind) else kind
        delivery = (
            DEFAULTS[user_kind]
            if user_kind in LOCKED
            else chosen.get((user.pk, user_kind), DEFAULTS[user_kind])
        )
        with translation.override(user.language):
            text = str(title())
        rows.append(
            Notification(
                user=user,
                kind=user_kind,
                application=application,
                source=source,
                title=text[:300],
                excerpt=excerpt,
                url=url,
                delivery=delivery,
                created_at=now,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)  # no signal sent
    news.changed(*(user.pk for user in users))
    return list(Notification.objects.filter(source=source, user__in=users).select_related("user"))


def _choices_of_many(users: list[User]) -> dict[tuple[int, str], str]:
    return {
        (user_id, kind): delivery
        for user_id, kind, delivery in Preference.objects.filter(user__in=users).values_list(
            "user_id", "kind", "delivery"
        )
    }


def to_mail_now(notifications: Iterable[Notification]) -> list[Notification]:
    """Those whose person wants a mail at once."""
    return [n for n in notifications if n.delivery == Delivery.IMMEDIATE and n.mailed_at is None]


def mark_mailed(*, user_id: int, source: str) -> None:
    Notification.objects.filter(user_id=user_id, source=source, mailed_at__isnull=True).update(
        mailed_at=timezone.now()
    )


def send_mail(notification: Notification) -> None:
    """The mail of a notification that has no mail of its own (a message, a document)."""
    user = notification.user
    context = {"recipient": user, "notification": notification, "url": notification.url}
    build_mail("notification", context, user.email, user.language).send()
    mark_mailed(user_id=user.pk, source=notification.source)


# --- Reading them --------------------------------------------------------------------------


def mark_read(user: User, *, pk: int | None = None, application_id: int | None = None) -> int:
    """Mark as read one of this person's notifications, those of one application, or all."""
    unread = Notification.objects.unread().filter(user=user)
    if pk is not None:
        unread = unread.filter(pk=pk)
    if application_id is not None:
        unread = unread.filter(application_id=application_id)
    return _mark(user, unread)


def mark_group_read(user: User, *, day: date, application_id: int | None) -> int:
    """Mark as read this person's notifications of one group of their list: those made on
    `day` (in the portal's time zone) about one application, or about none."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    unread = Notification.objects.unread().filter(
        user=user, created_at__gte=start, created_at__lt=end, application_id=application_id
    )
    return _mark(user, unread)


def _mark(user: User, unread) -> int:
    count = unread.update(read_at=timezone.now())
    if count:
        news.changed(user.pk)
    if count and hasattr(user, "unread_notifications"):
        # The count the request's user was loaded with is no longer right: the bell asks.
        del user.unread_notifications
    return count


# --- The daily digest ----------------------------------------------------------------------


def digest_recipients(until: datetime) -> list[int]:
    """The people with something waiting for a digest, made before `until`."""
    return list(
        Notification.objects.awaiting_digest()
        .filter(created_at__lte=until, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )


def send_digest(user: User, until: datetime) -> int:
    """One mail with everything waiting for this person's digest, by application; returns how
    many notifications it held (0: nothing to send, no mail)."""
    with transaction.atomic():
        waiting = list(
            Notification.objects.awaiting_digest()
            .select_for_update(of=("self",))
            .filter(user=user, created_at__lte=until)
            .select_related("application__company")
            .order_by("application_id", "created_at", "pk")
        )
        if not waiting:
            return 0
        groups: dict[object, list[Notification]] = {}
        for notification in waiting:
            groups.setdefault(notification.application, []).append(notification)
        unsubscribe = settings.SITE_URL + reverse(
            "notifications:unsubscribe", args=[unsubscribe_token(user)]
        )
        context = {
            "recipient": user,
            "groups": list(groups.items()),
            "count": len(waiting),
            "unsubscribe_url": unsubscribe,
            "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
        }
        mail = build_mail("digest", context, user.email, user.language)
        # RFC 8058: the mail client offers "unsubscribe" and posts to the link itself.
        mail.extra_headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        mail.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        mail.send()
        Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(mailed_at=timezone.now())
    return len(waiting)
