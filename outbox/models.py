"""The outbox: the tasks a user's action causes, written in the action's transaction, and the
deliveries already made, so that a task run twice does its work once."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """A task to hand to the broker. Written in the same transaction as the action that causes
    it, so that it exists if and only if the action does; relayed after the commit, and again
    by the sweep if the broker was down then."""

    task = models.CharField(_("tâche"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    relayed_at = models.DateTimeField(_("transmis le"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("tentatives échouées"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        verbose_name = _("envoi en attente")
        verbose_name_plural = _("envois en attente")
        indexes = [
            # The sweep looks for what is still to relay, the oldest first.
            models.Index(
                fields=["created_at"],
                condition=Q(relayed_at__isnull=True),
                name="outbox_message_pending",
            )
        ]

    def __str__(self):
        return f"{self.task}({self.kwargs})"


class Delivery(models.Model):
    """Something done once and for all (a mail sent), by its key: a task redelivered or
    published twice finds it here and does not do it again."""

    key = models.CharField(_("clé"), max_length=200, unique=True)
    done_at = models.DateTimeField(_("fait le"), default=timezone.now)

    class Meta:
        verbose_name = _("envoi effectué")
        verbose_name_plural = _("envois effectués")

    def __str__(self):
        return self.key
