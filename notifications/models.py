"""What the portal tells a person (the bell's list, the mails) and how they want to hear it."""

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.labels import label_of
from core.rows import reverse_id

from .enums import Delivery, Kind

# The longest excerpt the bell's list shows whole.
EXCERPT_PREVIEW_CHARS = 240


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def awaiting_digest(self):
        return self.filter(delivery=Delivery.DIGEST, mailed_at__isnull=True)


def unread_count_of_outer_user():
    """A subquery: the number of unread notifications of the user of the outer query (its
    `pk`), counted on the bell's partial index. Loaded with every request's
    user (`accounts.backends.annotate_request_users`, from `NotificationsConfig.ready`)."""
    counted = (
        Notification.objects.unread()
        .filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


class Notification(models.Model):
    """One thing one person is told about. The title is written in the person's language when
    the notification is made, so the bell and the digest read it as it is."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("destinataire"),
    )
    kind = models.CharField(_("nature"), max_length=16, choices=Kind.choices)
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demande"),
    )
    # What it is about, as "event:12", "message:3", "reminder:8", "document:5": one
    # notification per person and source, however often the task that makes it runs.
    source = models.CharField(_("origine"), max_length=40)
    title = models.CharField(_("titre"), max_length=300)
    excerpt = models.TextField(_("extrait"), blank=True)
    url = models.CharField(_("lien"), max_length=200)
    delivery = models.CharField(
        _("envoi par e-mail"), max_length=16, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("envoyée par e-mail le"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "source"], name="notification_once"),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="notification_kind_known"
            ),
        ]
        indexes = [
            # The bell: a person's unread count, on every page.
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            # The digest: what waits for it.
            models.Index(
                fields=["user", "created_at"],
                condition=Q(delivery=Delivery.DIGEST, mailed_at__isnull=True),
                name="notification_digest",
            ),
        ]

    def __str__(self):
        return self.title

    def get_kind_display(self) -> str:
        # Django's, without building the dict of every kind on each row.
        return label_of(Kind, self.kind)

    def get_open_url(self) -> str:
        """Where its buttons post: mark it read (and go to what it is about)."""
        return reverse_id("notifications:open", self.pk)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def excerpt_preview(self) -> str:
        """The excerpt as the bell's list shows it: `truncatechars:240`, without its walk
        through every character when the excerpt is short enough (it then returns it whole,
        in Unicode's composed form)."""
        text = unicodedata.normalize("NFC", self.excerpt)
        if len(text) <= EXCERPT_PREVIEW_CHARS:
            return text
        return Truncator(self.excerpt).chars(EXCERPT_PREVIEW_CHARS)


class Preference(models.Model):
    """How one person wants to hear of one kind of notification; no row: the default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("utilisateur"),
    )
    kind = models.CharField(_("nature"), max_length=16, choices=Kind.choices)
    delivery = models.CharField(_("envoi par e-mail"), max_length=16, choices=Delivery.choices)

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()} → {self.get_delivery_display()}"
