"""Choices for companies and applications: the workflow states and the actions that move them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    AWAITING_SPONSOR = "awaiting_sponsor", _("En attente de parrainage")
    IN_REVIEW = "in_review", _("En instruction")
    AWAITING_INFORMATION = "awaiting_information", _("En attente de compléments")
    PROPOSED = "proposed", _("Proposée à un grand groupe")
    ACCOMPANIED = "accompanied", _("Accompagnée")
    CLOSED = "closed", _("Clôturée")
    REJECTED = "rejected", _("Refusée")
    WITHDRAWN = "withdrawn", _("Retirée")

    @classmethod
    def terminal(cls) -> frozenset["State"]:
        return frozenset({cls.CLOSED, cls.REJECTED, cls.WITHDRAWN})

    @classmethod
    def open(cls) -> frozenset["State"]:
        return frozenset(cls) - cls.terminal()

    @classmethod
    def clock_running(cls) -> frozenset["State"]:
        """States in which the association's one-month review clock runs."""
        return frozenset({cls.IN_REVIEW, cls.PROPOSED})

    @classmethod
    def with_association(cls) -> frozenset["State"]:
        """States in which the application sits in the association's queue."""
        return frozenset({cls.IN_REVIEW, cls.AWAITING_INFORMATION, cls.PROPOSED})


STATE_BADGES = {
    State.DRAFT: "secondary",
    State.AWAITING_SPONSOR: "warning",
    State.IN_REVIEW: "info",
    State.AWAITING_INFORMATION: "warning",
    State.PROPOSED: "primary",
    State.ACCOMPANIED: "success",
    State.CLOSED: "dark",
    State.REJECTED: "danger",
    State.WITHDRAWN: "secondary",
}


class Action(models.TextChoices):
    CREATE = "create", pgettext_lazy("action", "Création")
    SUBMIT = "submit", pgettext_lazy("action", "Soumettre au parrain")
    ENDORSE = "endorse", pgettext_lazy("action", "Parrainer")
    DECLINE_ENDORSEMENT = "decline_endorsement", pgettext_lazy("action", "Refuser le parrainage")
    REQUEST_INFORMATION = "request_information", pgettext_lazy("action", "Demander des compléments")
    ANSWER_INFORMATION = "answer_information", pgettext_lazy("action", "Répondre")
    PROPOSE = "propose", pgettext_lazy("action", "Proposer à un correspondant")
    ACCEPT_MATCH = "accept_match", pgettext_lazy("action", "Accepter l'accompagnement")
    DECLINE_MATCH = "decline_match", pgettext_lazy("action", "Décliner la proposition")
    REJECT = "reject", pgettext_lazy("action", "Refuser la demande")
    WITHDRAW = "withdraw", pgettext_lazy("action", "Retirer la demande")
    CLOSE = "close", pgettext_lazy("action", "Clôturer l'accompagnement")
    RATE = "rate", pgettext_lazy("action", "Évaluer l'accompagnement")
    ASSIGN_OWNER = "assign_owner", pgettext_lazy("action", "Confier l'instruction")
    # The portal's own move: a proposal left unanswered goes back to the association.
    EXPIRE_MATCH = "expire_match", pgettext_lazy("action", "Proposition expirée")
    # Not a move: an administrator corrected what the SME wrote (`services.correct_by_admin`);
    # the event keeps the change in the chain and the history.
    ADMIN_CHANGE = "admin_change", pgettext_lazy("action", "Correction par un administrateur")


class Milestone(models.TextChoices):
    """The moments the sweep acts on, with the reminder or the alert it sends."""

    SPONSOR_REMINDER = "sponsor_reminder", _("Relance du parrain")
    SPONSOR_ALERT = "sponsor_alert", _("Alerte : parrain silencieux")
    REVIEW_REMINDER = "review_reminder", _("Relance du responsable de l'instruction")
    REVIEW_OVERDUE = "review_overdue", _("Instruction en retard")
    INTERLOCUTOR_REMINDER = "interlocutor_reminder", _("Relance du correspondant")
    PROPOSAL_EXPIRED = "proposal_expired", _("Proposition expirée")
    SME_REMINDER = "sme_reminder", _("Relance de la PME")
    SME_ALERT = "sme_alert", _("Alerte : PME silencieuse")


class SupportKind(models.TextChoices):
    ADVICE = "advice", _("Conseil et définition de stratégie")
    HOSTING = "hosting", _("Hébergement (portage abri)")
    COMMERCIAL = "commercial", _("Mise en relation commerciale (chasser en meute)")


class Maturity(models.TextChoices):
    EXPLORING = "exploring", _("Réflexion : premier regard sur le pays")
    PROSPECTING = "prospecting", _("Prospection engagée")
    FIRST_SALES = "first_sales", _("Premières ventes dans le pays")
    SETTLING = "settling", _("Implantation en cours ou à renforcer")


class Outcome(models.TextChoices):
    ESTABLISHED = "established", _("Implantation réalisée")
    BUSINESS = "business", _("Courant d'affaires engagé")
    POSTPONED = "postponed", _("Projet reporté")
    ABANDONED = "abandoned", _("Projet abandonné")


class DocumentKind(models.TextChoices):
    BUSINESS_PLAN = "business_plan", _("Business plan")
    KBIS = "kbis", _("Extrait Kbis")
    PRESENTATION = "presentation", _("Présentation de l'entreprise")
    OTHER = "other", _("Autre document")
