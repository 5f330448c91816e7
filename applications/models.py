"""The portage applications of the SMEs (`companies`) and the events of their life."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from companies.models import Company
from core.labels import country_name, label_of
from core.rows import reverse_id

from . import audit, clock
from .enums import (
    STATE_BADGES,
    Action,
    DocumentKind,
    Maturity,
    Milestone,
    Outcome,
    State,
    SupportKind,
)

# A review clock that runs: started, neither paused nor stopped (the partial index below
# covers exactly these rows).
CLOCK_RUNNING = Q(review_due_at__isnull=False, review_stopped_at__isnull=True) & Q(
    review_paused_at__isnull=True
)


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=State.open())

    def running_clock(self):
        return self.filter(CLOCK_RUNNING)

    def overdue(self, now):
        """Running clocks past their due date (as `clock.Clock.overdue` says)."""
        return self.running_clock().filter(review_due_at__lt=now)

    def with_related(self):
        return self.select_related("company", "company__sector", "sponsor_body")


class Application(models.Model):
    """One SME's request for portage in one target country ("demande de portage")."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="applications", verbose_name=_("PME")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("créée par"),
    )
    state = models.CharField(
        _("état"), max_length=24, choices=State.choices, default=State.DRAFT, db_index=True
    )
    target_country = CountryField(_("pays cible"))
    target_city = models.CharField(_("ville (facultatif)"), max_length=100, blank=True)
    wants_advice = models.BooleanField(_("conseil et définition de stratégie"), default=False)
    wants_hosting = models.BooleanField(_("hébergement (portage abri)"), default=False)
    wants_commercial = models.BooleanField(_("mise en relation commerciale"), default=False)
    maturity = models.CharField(
        _("maturité du projet"), max_length=20, choices=Maturity.choices, blank=True
    )
    description = models.TextField(
        _("description du projet"),
        blank=True,
        help_text=_("Votre projet dans ce pays, ce que vous attendez d'un grand groupe."),
    )
    hosting_desks = models.PositiveSmallIntegerField(
        _("nombre de postes de travail"), null=True, blank=True
    )
    hosting_vie_count = models.PositiveSmallIntegerField(
        _("dont VIE"),
        null=True,
        blank=True,
        help_text=_("Volontaires internationaux en entreprise."),
    )
    hosting_start_date = models.DateField(_("date de début souhaitée"), null=True, blank=True)
    hosting_budget = models.PositiveIntegerField(_("budget mensuel (€)"), null=True, blank=True)
    sponsor_body = models.ForeignKey(
        "sponsors.SponsorBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("organisme parrain"),
    )
    outcome = models.CharField(_("résultat"), max_length=20, choices=Outcome.choices, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("note"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    state_changed_at = models.DateTimeField(_("dernier changement d'état"), default=timezone.now)
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    endorsed_at = models.DateTimeField(_("parrainée le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    # Set by the retention sweep (`privacy.retention`) once a closed application has been kept
    # for CLOSED_RETENTION_DAYS: its files and free text erased, hidden from the lists.
    archived_at = models.DateTimeField(_("archivée le"), null=True, blank=True)
    # The review clock, moved by `applications.clock` on the workflow's moves: the due date
    # (endorsement + target + time paused), when the current pause began, the time paused so
    # far, and when the clock stopped (accepted, rejected or withdrawn).
    review_due_at = models.DateTimeField(_("instruction attendue pour le"), null=True, blank=True)
    review_paused_at = models.DateTimeField(_("instruction en pause depuis"), null=True, blank=True)
    review_paused_for = models.DurationField(_("durée des pauses"), default=timedelta(0))
    review_stopped_at = models.DateTimeField(_("instruction terminée le"), null=True, blank=True)
    # The hash of the last event written (`applications.audit`): deleting events at the end
    # of the chain shows.
    audit_head = models.CharField(_("dernière empreinte"), max_length=64, blank=True)
    # The staff member who follows the review: assigned on endorsement, changeable by staff.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_applications",
        verbose_name=_("responsable de l'instruction"),
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande de portage")
        verbose_name_plural = _("demandes de portage")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="application_state_known"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="application_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(state=State.DRAFT)
                | Q(wants_advice=True)
                | Q(wants_hosting=True)
                | Q(wants_commercial=True),
                name="application_asks_some_support",
            ),
            models.CheckConstraint(
                condition=Q(state=State.DRAFT) | Q(sponsor_body__isnull=False),
                name="application_submitted_has_sponsor",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "endorsed_at"]),
            models.Index(fields=["state", "submitted_at"]),
            # The dashboards (`reports.figures`): the applications submitted in a period (the
            # funnel, the breakdowns) and the reviews finished in a period (SMEs accompanied,
            # review times), over every state.
            models.Index(fields=["submitted_at"], name="application_submitted_at"),
            models.Index(fields=["review_stopped_at"], name="application_review_stopped_at"),
            # The sweep finds the running clocks that reach a milestone by their due date.
            models.Index(
                fields=["review_due_at"],
                condition=Q(review_stopped_at__isnull=True, review_paused_at__isnull=True),
                name="application_review_running",  # CLOCK_RUNNING, where a due date is set
            ),
            # The lists leave archived applications out by "no archived application of that
            # id" (`selectors.not_archived`): PostgreSQL reads this small index rather than
            # every application, as a join on `archived_at IS NULL` would.
            models.Index(
                fields=["id"], condition=Q(archived_at__isnull=False), name="application_archived"
            ),
        ]

    def __str__(self):
        return f"{self.reference} – {self.company} ({self.target_country.name})"

    def get_absolute_url(self):
        return reverse_id("applications:detail", self.pk)

    @property
    def reference(self) -> str:
        if not self.pk:
            return "PPI-…"
        return f"PPI-{timezone.localtime(self.created_at):%Y}-{self.pk:05d}"

    @property
    def support_kinds(self) -> list[SupportKind]:
        wanted = {
            SupportKind.ADVICE: self.wants_advice,
            SupportKind.HOSTING: self.wants_hosting,
            SupportKind.COMMERCIAL: self.wants_commercial,
        }
        return [kind for kind, asked in wanted.items() if asked]

    def get_state_display(self) -> str:
        # Django's, without building the dict of every state on each row.
        return label_of(State, self.state)

    @property
    def state_badge(self) -> str:
        return STATE_BADGES[State(self.state)]

    @property
    def is_draft(self) -> bool:
        return self.state == State.DRAFT

    @cached_property
    def clock(self) -> "clock.Clock | None":
        """The review clock as it reads now; None before the endorsement."""
        return clock.clock_of(self, timezone.now())

    @property
    def days_since_endorsement(self) -> int | None:
        if self.endorsed_at is None:
            return None
        end = self.closed_at or timezone.now()
        return (end - self.endorsed_at).days

    @property
    def target_label(self) -> str:
        country = country_name(self.target_country.code)
        return f"{self.target_city}, {country}" if self.target_city else country


class ApplicationEvent(models.Model):
    """One recorded step in an application's life: who did what, when, from which state, and why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("demande")
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    from_state = models.CharField(
        _("état de départ"), max_length=24, choices=State.choices, blank=True
    )
    to_state = models.CharField(_("nouvel état"), max_length=24, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    note = models.TextField(_("motif ou commentaire"), blank=True)
    # The proposal this event is about (proposed, accepted, declined, cancelled), if any.
    match = models.ForeignKey(
        "corporations.Match",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("mise en relation"),
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    # The tamper-evident chain (`applications.audit`): the previous event's hash, and the
    # SHA-256 of this event's content after it. Set when the event is written.
    previous_hash = models.CharField(_("empreinte précédente"), max_length=64, blank=True)
    hash = models.CharField(_("empreinte"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.application.reference}: {self.get_action_display()}"

    def save(self, *args, **kwargs):
        adding = self._state.adding and not self.hash
        if adding:
            audit.chain(self)
        super().save(*args, **kwargs)
        if adding:  # the application records the head of its chain
            Application.objects.filter(pk=self.application_id).update(audit_head=self.hash)


class InformationRequest(models.Model):
    """A question from the association to the SME, and its answer."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="information_requests",
        verbose_name=_("demande"),
    )
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("réponse"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("demande de compléments")
        verbose_name_plural = _("demandes de compléments")
        ordering = ["asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(answered_at__isnull=True),
                name="one_open_information_request",
            )
        ]
        indexes = [
            # The sweep finds the questions left unanswered by their date.
            models.Index(
                fields=["asked_at"],
                condition=Q(answered_at__isnull=True),
                name="information_request_open",
            )
        ]

    def __str__(self):
        return self.question[:60]


class Message(models.Model):
    """A message of an application's conversation, between the SME, its sponsor advisor, the
    association and, once the application is proposed to them, the interlocutor; or, when
    `is_internal`, a note only the association's staff see."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="messages", verbose_name=_("demande")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    body = models.TextField(_("message"))
    is_internal = models.BooleanField(
        _("note interne"),
        default=False,
        help_text=_("Visible de l'équipe Pacte PME seulement."),
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["application", "created_at"], name="message_by_date")]

    def __str__(self):
        return self.body[:60]


class Visit(models.Model):
    """When a person last opened an application's page: what came after is new to them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "application"], name="one_visit_per_user")
        ]

    def __str__(self):
        return f"{self.user} → {self.application_id}, {self.seen_at:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """A reminder or an alert the sweep sent, or a proposal it let expire: one row per
    application, milestone and cycle, taken in the transaction that decides to act, so that
    two sweeps at once, a retried task or a redelivered message act once.

    A cycle is identified by the moment its countdown started: the submission for the sponsor,
    the endorsement for the review, the proposal for the interlocutor, the question for the
    SME. A new submission or a new question starts a new cycle."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("demande")
    )
    milestone = models.CharField(_("étape"), max_length=32, choices=Milestone.choices)
    cycle = models.DateTimeField(_("début du décompte"))
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)

    class Meta:
        verbose_name = _("relance")
        verbose_name_plural = _("relances")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "milestone", "cycle"], name="reminder_once_per_cycle"
            )
        ]

    def __str__(self):
        return f"{self.application.reference}: {self.get_milestone_display()}"


class ReminderSettings(models.Model):
    """The sweep's thresholds, in days, editable by administrators (one row)."""

    sponsor_reminder_days = models.PositiveSmallIntegerField(
        _("relance du parrain (jours après la soumission)"), default=7
    )
    sponsor_alert_days = models.PositiveSmallIntegerField(
        _("alerte à l'équipe si le parrain reste silencieux (jours)"), default=14
    )
    review_reminder_day = models.PositiveSmallIntegerField(
        _("relance du responsable de l'instruction (jour de l'instruction)"), default=21
    )
    interlocutor_reminder_days = models.PositiveSmallIntegerField(
        _("relance du correspondant (jours après la proposition)"), default=5
    )
    proposal_expiry_days = models.PositiveSmallIntegerField(
        _("expiration de la proposition (jours)"), default=10
    )
    sme_reminder_days = models.PositiveSmallIntegerField(
        _("relance de la PME (jours après la demande de compléments)"), default=14
    )
    sme_alert_days = models.PositiveSmallIntegerField(
        _("alerte à l'équipe si la PME reste silencieuse (jours)"), default=30
    )

    class Meta:
        verbose_name = _("délais de relance")
        verbose_name_plural = _("délais de relance")

    def __str__(self):
        return str(_("Délais de relance"))

    def clean(self):
        pairs = [
            ("sponsor_reminder_days", "sponsor_alert_days"),
            ("interlocutor_reminder_days", "proposal_expiry_days"),
            ("sme_reminder_days", "sme_alert_days"),
        ]
        errors = {}
        for first, then in pairs:
            if getattr(self, first) >= getattr(self, then):
                errors[then] = _("Ce délai doit être plus long que celui de la relance.")
        if self.review_reminder_day >= settings.REVIEW_TARGET_DAYS:
            errors["review_reminder_day"] = _(
                "La relance doit précéder l'échéance de l'instruction (jour %(day)s)."
            ) % {"day": settings.REVIEW_TARGET_DAYS}
        if errors:
            raise ValidationError(errors)

    @classmethod
    def current(cls) -> "ReminderSettings":
        return cls.objects.get_or_create(pk=1)[0]


def _document_storage():
    return storages["documents"]


def _document_path(document, filename: str) -> str:
    """A name nobody can guess or choose: the application's folder, a random name."""
    extension = filename.rsplit(".", 1)[-1]
    return f"applications/{document.application_id}/{uuid.uuid4().hex}.{extension}"


class Document(models.Model):
    """A document the SME attached to its application, stored privately."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("demande"),
    )
    kind = models.CharField(_("nature"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(
        _("fichier"), storage=_document_storage, upload_to=_document_path, max_length=200
    )
    # The name shown (cleaned of any folder and control character), the type read from the
    # bytes, the size.
    name = models.CharField(_("nom"), max_length=160)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("déposé par"),
    )
    created_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    # Where it was attached, if not to the application itself: a message (an internal note's
    # documents are the staff's only), or the answer to a request for information.
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("message"),
    )
    information_request = models.ForeignKey(
        InformationRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("demande de compléments"),
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("applications:document", args=[self.application_id, self.pk])


@receiver(post_delete, sender=Document)
def _delete_document_file(sender, instance: Document, **kwargs) -> None:
    """A document's row gone (its draft deleted, its application erased), its file goes too,
    once the deletion has committed."""
    storage, name = instance.file.storage, instance.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))
