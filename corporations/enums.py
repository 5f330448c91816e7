"""Choices for corporations: the status of a proposal (match)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposée")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Déclinée")
    CANCELLED = "cancelled", _("Annulée")
    # Left unanswered past the deadline: the application went back to the association.
    EXPIRED = "expired", _("Expirée")
