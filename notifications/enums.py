"""The kinds of notification a person can tune, and how each reaches them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DECISION = "decision", _("Décisions sur vos demandes")
    ACTIVITY = "activity", _("Étapes des dossiers que vous suivez")
    MESSAGE = "message", _("Nouveaux messages")
    DOCUMENT = "document", _("Nouveaux documents")
    REMINDER = "reminder", _("Relances et alertes")
    EXPORT = "export", _("Exports prêts à télécharger")


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Un e-mail tout de suite")
    DIGEST = "digest", _("Un résumé quotidien (8 h, jours ouvrés)")
    NONE = "none", _("Pas d'e-mail (dans le portail seulement)")


# What each kind does until the person chooses; decisions about their own application always
# go out at once and cannot be changed (nor can account mails, which are not notifications).
DEFAULTS = {
    Kind.DECISION: Delivery.IMMEDIATE,
    Kind.ACTIVITY: Delivery.IMMEDIATE,
    Kind.MESSAGE: Delivery.IMMEDIATE,
    Kind.DOCUMENT: Delivery.DIGEST,
    Kind.REMINDER: Delivery.IMMEDIATE,
    # The person asked for it and is usually still on "Mes exports", which updates itself.
    Kind.EXPORT: Delivery.NONE,
}
LOCKED = frozenset({Kind.DECISION})
