"""Every write that matters in an application's life, as verbs.

Each verb locks the application row, checks the transition table and the actor's permission,
saves the new state, records an event (who, when, from, to, why) and, once the transaction has
committed, queues the mails to the people concerned.
"""

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.permissions import can
from accounts.rules import is_association_staff
from companies.models import Company
from corporations.enums import MatchStatus
from corporations.models import HostingOffer, Interlocutor, Match
from notifications import services as inbox
from outbox import services as outbox
from sponsors.enums import Decision
from sponsors.models import Endorsement, SponsorBody

from . import clock, documents, workflow
from .enums import Action, DocumentKind, Outcome, State
from .models import Application, ApplicationEvent, Document, InformationRequest, Message, Visit
from .workflow import TRANSITIONS, permission_for


class WorkflowError(Exception):
    """A move the workflow refuses; its message is shown to the user as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DocumentRefused(WorkflowError):
    """A file refused (its type, its size, a zip bomb, too many): the page shows why on the
    file field and keeps what was typed."""


def available_actions(user: User, application: Application) -> list[Action]:
    """The moves this user may make on this application in its current state."""
    return [
        action
        for action, (sources, _target) in TRANSITIONS.items()
        if application.state in sources and can(user, permission_for(action), application)
    ]


def can_rate(user: User, application: Application) -> bool:
    return (
        application.state == State.CLOSED
        and application.rating is None
        and can(user, "applications.rate_application", application)
    )


def no_longer_possible(application: Application) -> str:
    """What a stale form (an older page, a double click) is told: the move is gone, and the
    state the application is in now."""
    return _(
        "Cette action n'est plus possible : le dossier est maintenant « %(state)s ». "
        "La page a été mise à jour, vérifiez son état avant de recommencer."
    ) % {"state": application.get_state_display()}


def _lock(application_id: int) -> Application:
    return Application.objects.select_for_update().get(pk=application_id)


def _check(
    application: Application, action: Action, actor: User, expected_state: str | None
) -> None:
    # The table first: a stale form or a double click gets "no longer possible" whoever sends it.
    sources, _target = TRANSITIONS[action]
    if (expected_state and application.state != expected_state) or application.state not in sources:
        raise WorkflowError(no_longer_possible(application))
    if not can(actor, permission_for(action), application):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action sur ce dossier."))


def _record(
    application: Application,
    action: Action,
    actor: User | None,
    *,
    from_state: str,
    note: str = "",
    match: Match | None = None,
) -> ApplicationEvent:
    event = ApplicationEvent.objects.create(
        application=application,
        action=action,
        from_state=from_state,
        to_state=application.state,
        actor=actor,
        note=note,
        match=match,
        created_at=timezone.now(),
    )
    outbox.enqueue("applications.tasks.send_event_notifications", event_id=event.pk)
    return event


def _move(
    application: Application,
    action: Action,
    actor: User | None,
    *,
    note: str = "",
    fields: tuple[str, ...] = (),
    match: Match | None = None,
) -> ApplicationEvent:
    """Apply the table's target state and save only what changed, then record the event
    (`actor` None: one of the portal's own moves)."""
    from_state = application.state
    _sources, target = workflow.move(action)
    now = timezone.now()
    application.state = target
    application.state_changed_at = now
    application.updated_at = now
    fields = (*fields, *clock.apply(application, action, now))
    application.save(update_fields=["state", "state_changed_at", "updated_at", *fields])
    return _record(application, action, actor, from_state=from_state, note=note, match=match)


# --- Drafts ------------------------------------------------------------------------------


@transaction.atomic
def create_draft(actor: User, company: Company, **fields) -> Application:
    application = Application.objects.create(company=company, created_by=actor, **fields)
    ApplicationEvent.objects.create(
        application=application,
        action=Action.CREATE,
        from_state="",
        to_state=State.DRAFT,
        actor=actor,
        created_at=application.created_at,
    )
    return application


def _draft_of(application_id: int, actor: User, permission: str) -> Application:
    """The draft, locked, if `actor` may still change it (a draft of their company's)."""
    application = _lock(application_id)
    if not can(actor, permission, application):
        if application.state != State.DRAFT:
            raise WorkflowError(_("Cette demande a été soumise : elle n'est plus modifiable."))
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action sur ce dossier."))
    return application


@transaction.atomic
def update_draft(application_id: int, actor: User, **fields) -> Application:
    """The SME changes its draft (`ApplicationForm.draft_values`); only a draft changes."""
    application = _draft_of(application_id, actor, "applications.change_application")
    for name, value in fields.items():
        setattr(application, name, value)
    application.save(update_fields=[*fields, "updated_at"])
    return application


@transaction.atomic
def delete_draft(application_id: int, actor: User) -> None:
    """The SME deletes its draft, with its documents; a submitted application stays."""
    application = _draft_of(application_id, actor, "applications.delete_application")
    application.delete()


def missing_for_submission(application: Application) -> list[str]:
    """What the SME still has to fill in before the application can go to its sponsor."""
    missing = []
    if not application.support_kinds:
        missing.append(_("au moins un type d'appui"))
    if not application.maturity:
        missing.append(_("la maturité du projet"))
    if len(application.description.strip()) < 20:
        missing.append(_("une description du projet (20 caractères au moins)"))
    if application.wants_hosting and not application.hosting_desks:
        missing.append(_("le nombre de postes de travail à héberger"))
    return missing


# --- The workflow's verbs ----------------------------------------------------------------


@transaction.atomic
def submit(
    application_id: int,
    actor: User,
    *,
    sponsor_body: SponsorBody,
    expected_state: str | None = None,
) -> Application:
    application = _lock(application_id)
    _check(application, Action.SUBMIT, actor, expected_state)
    missing = missing_for_submission(application)
    if missing:
        raise WorkflowError(
            _("Avant de soumettre la demande, complétez : %(missing)s.")
            % {"missing": ", ".join(str(item) for item in missing)}
        )
    if not sponsor_body.is_active:
        raise WorkflowError(_("Cet organisme parrain n'accepte plus de demandes."))
    application.sponsor_body = sponsor_body
    application.submitted_at = timezone.now()
    event = _move(application, Action.SUBMIT, actor, fields=("sponsor_body", "submitted_at"))
    # The sponsor hears of it through the event; the SME's people get their receipt.
    outbox.enqueue("applications.tasks.send_submission_receipts", event_id=event.pk)
    return application


@transaction.atomic
def endorse(
    application_id: int, actor: User, *, note: str = "", expected_state: str | None = None
) -> Application:
    application = _lock(application_id)
    _check(application, Action.ENDORSE, actor, expected_state)
    Endorsement.objects.create(
        application=application,
        sponsor_body_id=application.sponsor_body_id,
        advisor=actor,
        decision=Decision.ENDORSED,
        reason=note,
    )
    application.endorsed_at = timezone.now()
    application.owner = application.owner or least_busy_staff()
    _move(application, Action.ENDORSE, actor, note=note, fields=("endorsed_at", "owner"))
    return application


def least_busy_staff() -> User | None:
    """The active staff member who follows the fewest reviews under way (the longest in the
    team on a tie): the owner given to an application on its endorsement."""
    under_way = Q(
        owned_applications__review_due_at__isnull=False,
        owned_applications__review_stopped_at__isnull=True,
    )
    return (
        User.objects.filter(is_active=True, staff_membership__isnull=False)
        .annotate(load=Count("owned_applications", filter=under_way))
        .order_by("load", "staff_membership__created_at", "pk")
        .first()
    )


@transaction.atomic
def assign_owner(application_id: int, actor: User, *, owner: User) -> Application:
    """Staff hand the review over to another staff member (or take it)."""
    application = _lock(application_id)
    if not can(actor, "applications.assign_owner", application):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action sur ce dossier."))
    if not owner.is_active or not is_association_staff(owner):
        raise WorkflowError(_("Choisissez un membre actif de l'équipe Pacte PME."))
    if owner.pk == application.owner_id:
        return application
    application.owner = owner
    application.save(update_fields=["owner", "updated_at"])
    _record(
        application,
        Action.ASSIGN_OWNER,
        actor,
        from_state=application.state,
        note=owner.get_full_name() or owner.email,
    )
    return application


@transaction.atomic
def decline_endorsement(
    application_id: int, actor: User, *, reason: str, expected_state: str | None = None
) -> Application:
    application = _lock(application_id)
    _check(application, Action.DECLINE_ENDORSEMENT, actor, expected_state)
    _require(reason, _("Indiquez à la PME le motif du refus de parrainage."))
    Endorsement.objects.create(
        application=application,
        sponsor_body_id=application.sponsor_body_id,
        advisor=actor,
        decision=Decision.DECLINED,
        reason=reason,
    )
    _move(application, Action.DECLINE_ENDORSEMENT, actor, note=reason)
    return application


@transaction.atomic
def request_information(
    application_id: int, actor: User, *, question: str, expected_state: str | None = None
) -> Application:
    application = _lock(application_id)
    _check(application, Action.REQUEST_INFORMATION, actor, expected_state)
    _require(question, _("Écrivez la question à poser à la PME."))
    InformationRequest.objects.create(application=application, question=question, asked_by=actor)
    _move(application, Action.REQUEST_INFORMATION, actor, note=question)
    return application


@transaction.atomic
def answer_information(
    application_id: int,
    actor: User,
    *,
    answer: str,
    uploads=(),
    expected_state: str | None = None,
) -> Application:
    """The SME answers the open question, with documents if it likes."""
    application = _lock(application_id)
    _check(application, Action.ANSWER_INFORMATION, actor, expected_state)
    _require(answer, _("Écrivez votre réponse."))
    judged = _judge(application, uploads)
    question = application.information_requests.get(answered_at__isnull=True)
    question.answer, question.answered_by, question.answered_at = answer, actor, timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    _move(application, Action.ANSWER_INFORMATION, actor, note=answer)
    # Stored after the step is recorded: the history shows the answer, then its documents.
    _store(application, actor, judged, kind=DocumentKind.OTHER, information_request=question)
    return application


@transaction.atomic
def propose(
    application_id: int,
    actor: User,
    *,
    interlocutor: Interlocutor,
    note: str = "",
    hosting_offer: HostingOffer | None = None,
    off_list_reason: str = "",
    expected_state: str | None = None,
) -> Match:
    """Propose the application to an interlocutor, with the hosting offer that would take the
    SME's desks; `off_list_reason` says why staff chose someone the ranking did not list."""
    application = _lock(application_id)
    _check(application, Action.PROPOSE, actor, expected_state)
    if not (interlocutor.is_active and interlocutor.corporation.is_active):
        raise WorkflowError(_("Ce correspondant n'accepte pas de dossiers en ce moment."))
    if application.matches.filter(interlocutor=interlocutor).exists():
        raise WorkflowError(_("Ce dossier a déjà été proposé à ce correspondant."))
    if hosting_offer is not None and hosting_offer.corporation_id != interlocutor.corporation_id:
        raise WorkflowError(_("Cette offre d'hébergement n'est pas celle du groupe proposé."))
    match = Match.objects.create(
        application=application,
        interlocutor=interlocutor,
        proposed_by=actor,
        note=note,
        hosting_offer=hosting_offer if application.wants_hosting else None,
        off_list_reason=off_list_reason.strip(),
    )
    message = _("Proposée à %(person)s (%(corporation)s).") % {
        "person": interlocutor.user,
        "corporation": interlocutor.corporation,
    }
    if match.off_list_reason:
        message += "\n" + _("Choix hors de la liste : %(reason)s") % {
            "reason": match.off_list_reason
        }
    _move(application, Action.PROPOSE, actor, note=f"{message}\n{note}".strip(), match=match)
    return match


def _live_match(application: Application, status: str) -> Match:
    return application.matches.select_for_update().get(status=status)


# Capacity and desks: the row is locked (after the application's, always in this order, so
# two actors never wait on each other crosswise), checked, then updated with F(); the
# CheckConstraints on both tables refuse anything that would still overbook.


def _take_capacity(interlocutor_id: int) -> None:
    interlocutor = Interlocutor.objects.select_for_update().get(pk=interlocutor_id)
    if interlocutor.open_accompaniments >= interlocutor.capacity:
        raise WorkflowError(
            ngettext(
                "Vous accompagnez déjà %(count)s PME, le maximum que vous avez indiqué. "
                "Clôturez un accompagnement ou augmentez votre capacité dans votre profil "
                "avant d'accepter ce dossier.",
                "Vous accompagnez déjà %(count)s PME, le maximum que vous avez indiqué. "
                "Clôturez un accompagnement ou augmentez votre capacité dans votre profil "
                "avant d'accepter ce dossier.",
                interlocutor.open_accompaniments,
            )
            % {"count": interlocutor.open_accompaniments}
        )
    _update_or_refuse(
        Interlocutor.objects.filter(pk=interlocutor_id),
        open_accompaniments=F("open_accompaniments") + 1,
        proposals_decided=F("proposals_decided") + 1,
        proposals_accepted=F("proposals_accepted") + 1,
    )


def _reserve_desks(offer_id: int, desks: int) -> None:
    offer = HostingOffer.objects.select_for_update().get(pk=offer_id)
    if offer.free_desks < desks:
        raise WorkflowError(
            _(
                "L'offre d'hébergement de %(city)s n'a plus assez de postes libres (libres : "
                "%(free)s ; demandés : %(desks)s). L'équipe Pacte PME peut proposer une autre "
                "offre."
            )
            % {"city": offer.city, "free": offer.free_desks, "desks": desks}
        )
    _update_or_refuse(
        HostingOffer.objects.filter(pk=offer_id), reserved_desks=F("reserved_desks") + desks
    )


def _update_or_refuse(queryset, **changes) -> None:
    try:
        with transaction.atomic():
            queryset.update(**changes)
    except IntegrityError as error:
        raise WorkflowError(
            _("Quelqu'un vient d'agir sur ce dossier en même temps que vous : recommencez.")
        ) from error


def _release(match: Match) -> None:
    """Give back the interlocutor's capacity and the desks an accompaniment held."""
    Interlocutor.objects.filter(pk=match.interlocutor_id, open_accompaniments__gt=0).update(
        open_accompaniments=F("open_accompaniments") - 1
    )
    if match.hosting_offer_id and match.reserved_desks:
        HostingOffer.objects.filter(
            pk=match.hosting_offer_id, reserved_desks__gte=match.reserved_desks
        ).update(reserved_desks=F("reserved_desks") - match.reserved_desks)


@transaction.atomic
def accept_match(
    application_id: int, actor: User, *, note: str = "", expected_state: str | None = None
) -> Application:
    application = _lock(application_id)
    _check(application, Action.ACCEPT_MATCH, actor, expected_state)
    match = _live_match(application, MatchStatus.PROPOSED)
    _take_capacity(match.interlocutor_id)
    if match.hosting_offer_id and application.hosting_desks:
        _reserve_desks(match.hosting_offer_id, application.hosting_desks)
        match.reserved_desks = application.hosting_desks
    match.status = MatchStatus.ACCEPTED
    match.decision_reason = note
    match.decided_at = timezone.now()
    match.save(update_fields=["status", "decision_reason", "decided_at", "reserved_desks"])
    _move(application, Action.ACCEPT_MATCH, actor, note=note, match=match)
    return application


@transaction.atomic
def decline_match(
    application_id: int, actor: User, *, reason: str, expected_state: str | None = None
) -> Application:
    application = _lock(application_id)
    _check(application, Action.DECLINE_MATCH, actor, expected_state)
    _require(reason, _("Indiquez pourquoi vous déclinez ce dossier."))
    match = _live_match(application, MatchStatus.PROPOSED)
    match.status = MatchStatus.DECLINED
    match.decision_reason = reason
    match.decided_at = timezone.now()
    match.save(update_fields=["status", "decision_reason", "decided_at"])
    Interlocutor.objects.filter(pk=match.interlocutor_id).update(
        proposals_decided=F("proposals_decided") + 1
    )
    _move(application, Action.DECLINE_MATCH, actor, note=reason, match=match)
    return application


@transaction.atomic
def expire_proposal(application_id: int, *, proposed_at) -> Application:
    """The portal's move when an interlocutor leaves a proposal unanswered past the deadline
    (the sweep calls it): the proposal expires and the application goes back to the
    association, with an event saying so. One of the table's `PORTAL_MOVES`: nobody may make
    it by hand, and it is recorded without an actor."""
    application = _lock(application_id)
    sources, _target = workflow.move(Action.EXPIRE_MATCH)
    match = application.matches.select_for_update().filter(status=MatchStatus.PROPOSED).first()
    if application.state not in sources or match is None or match.created_at != proposed_at:
        raise WorkflowError(_("Cette proposition a reçu une réponse entre-temps."))
    match.status = MatchStatus.EXPIRED
    match.decided_at = timezone.now()
    match.save(update_fields=["status", "decided_at"])
    Interlocutor.objects.filter(pk=match.interlocutor_id).update(
        proposals_decided=F("proposals_decided") + 1
    )
    _move(
        application,
        Action.EXPIRE_MATCH,
        None,
        note=_("Sans réponse du correspondant, la proposition a expiré."),
        match=match,
    )
    return application


@transaction.atomic
def reject(
    application_id: int, actor: User, *, reason: str, expected_state: str | None = None
) -> Application:
    application = _lock(application_id)
    _check(application, Action.REJECT, actor, expected_state)
    _require(reason, _("Indiquez à la PME le motif du refus."))
    application.closed_at = timezone.now()
    _move(application, Action.REJECT, actor, note=reason, fields=("closed_at",))
    return application


@transaction.atomic
def withdraw(
    application_id: int, actor: User, *, reason: str = "", expected_state: str | None = None
) -> Application:
    application = _lock(application_id)
    _check(application, Action.WITHDRAW, actor, expected_state)
    # A live proposal is cancelled; its interlocutor is told.
    match = application.matches.select_for_update().filter(status=MatchStatus.PROPOSED).first()
    if match is not None:
        match.status = MatchStatus.CANCELLED
        match.decided_at = timezone.now()
        match.save(update_fields=["status", "decided_at"])
    application.closed_at = timezone.now()
    _move(application, Action.WITHDRAW, actor, note=reason, fields=("closed_at",), match=match)
    return application


@transaction.atomic
def close(
    application_id: int,
    actor: User,
    *,
    outcome: Outcome,
    note: str = "",
    expected_state: str | None = None,
) -> Application:
    application = _lock(application_id)
    _check(application, Action.CLOSE, actor, expected_state)
    match = application.matches.select_for_update().filter(status=MatchStatus.ACCEPTED).first()
    if match is not None:
        _release(match)
    application.outcome = outcome
    application.closed_at = timezone.now()
    label = Outcome(outcome).label
    _move(
        application,
        Action.CLOSE,
        actor,
        note=f"{label}. {note}".strip() if note else str(label),
        fields=("outcome", "closed_at"),
        match=match,
    )
    return application


@transaction.atomic
def rate(application_id: int, actor: User, *, rating: int, comment: str = "") -> Application:
    """The SME rates the support once the accompaniment is closed (once)."""
    application = _lock(application_id)
    if not can(actor, "applications.rate_application", application):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action sur ce dossier."))
    if application.state != State.CLOSED or application.rating is not None:
        raise WorkflowError(_("Cet accompagnement ne peut pas (ou plus) être évalué."))
    if not 1 <= rating <= 5:
        raise WorkflowError(_("La note va de 1 à 5."))
    application.rating = rating
    application.rating_comment = comment
    application.save(update_fields=["rating", "rating_comment", "updated_at"])
    # The rating goes to the record of the interlocutor who accompanied the SME.
    Interlocutor.objects.filter(
        matches__application=application, matches__status=MatchStatus.ACCEPTED
    ).update(ratings_sum=F("ratings_sum") + rating, ratings_count=F("ratings_count") + 1)
    _record(application, Action.RATE, actor, from_state=application.state, note=comment)
    return application


# --- Corrections by an administrator -----------------------------------------------------

# What an administrator may still correct on an application in Django's admin: what the SME
# wrote to describe its project, which no step of the workflow reads to decide anything (a
# typo in the city, a description pasted wrong, hosting details told by phone). Everything
# else is the workflow's and read-only there: the company and the sponsor body (who may see
# the application), the state, the dates and the review clock, the outcome and the rating,
# the owner (`assign_owner`), the archive date, the audit head; and also what was asked (the
# target country and the kinds of support: what the sponsor endorsed and staff matched on)
# and who created the draft (the actor of its first event). A field added to the model is
# read-only until it is listed here.
ADMIN_EDITABLE_FIELDS = (
    "target_city",
    "maturity",
    "description",
    "hosting_desks",
    "hosting_vie_count",
    "hosting_start_date",
    "hosting_budget",
)


def can_correct(user: User) -> bool:
    """Corrections are the administrators' (superusers'), not every admin user's."""
    return user.is_active and user.is_staff and user.is_superuser


@transaction.atomic
def correct_by_admin(
    application_id: int, actor: User, *, changes: dict[str, object]
) -> ApplicationEvent | None:
    """An administrator corrects some of `ADMIN_EDITABLE_FIELDS`: saved under the row's lock,
    with one event in the chain saying who changed what, from what, to what (the state does
    not move). Returns the event, or None when nothing actually changed."""
    application = _lock(application_id)
    if not can_correct(actor):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action sur ce dossier."))
    refused = sorted(set(changes) - set(ADMIN_EDITABLE_FIELDS))
    if refused:
        raise WorkflowError(
            _("Ces champs ne changent que par le parcours du dossier : %(fields)s.")
            % {"fields": ", ".join(refused)}
        )
    changed, lines = [], []
    for name in ADMIN_EDITABLE_FIELDS:  # always in the same order in the note
        if name not in changes or getattr(application, name) == changes[name]:
            continue
        field = Application._meta.get_field(name)
        old, new = getattr(application, name), changes[name]
        lines.append(
            _("%(field)s : %(old)s → %(new)s")
            % {
                "field": capfirst(field.verbose_name),
                "old": _shown(field, old),
                "new": _shown(field, new),
            }
        )
        setattr(application, name, new)
        changed.append(name)
    if not changed:
        return None
    application.updated_at = timezone.now()
    application.save(update_fields=[*changed, "updated_at"])
    return _record(
        application,
        Action.ADMIN_CHANGE,
        actor,
        from_state=application.state,
        note="\n".join(lines),
    )


def _shown(field, value) -> str:
    """A value as the application's page reads it: a choice by its label, a date localised,
    nothing as a dash."""
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _require(text: str, message: str) -> None:
    if not text or not text.strip():
        raise WorkflowError(message)


# The verbs the generic action page may call, by action name.
VERBS = {
    Action.ENDORSE: endorse,
    Action.DECLINE_ENDORSEMENT: decline_endorsement,
    Action.REQUEST_INFORMATION: request_information,
    Action.ANSWER_INFORMATION: answer_information,
    Action.PROPOSE: propose,
    Action.ACCEPT_MATCH: accept_match,
    Action.DECLINE_MATCH: decline_match,
    Action.REJECT: reject,
    Action.WITHDRAW: withdraw,
    Action.CLOSE: close,
    Action.RATE: rate,
}


# --- Documents ---------------------------------------------------------------------------


@transaction.atomic
def attach_document(application_id: int, actor: User, *, kind: str, upload) -> Document:
    """The SME attaches a document to its application; the conversation's people hear of it."""
    application = _lock(application_id)
    if not can(actor, "applications.attach_document", application):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cette action sur ce dossier."))
    [document] = _store(application, actor, _judge(application, [upload]), kind=kind)
    outbox.enqueue("applications.tasks.send_document_notifications", document_id=document.pk)
    return document


@transaction.atomic
def post_message(
    application_id: int, actor: User, *, body: str, internal: bool = False, uploads=()
) -> Message:
    """A message in the application's conversation, or a staff member's internal note, with
    its documents; the people of the conversation (staff only, for a note) hear of it."""
    application = _lock(application_id)
    permission = "applications.write_note" if internal else "applications.post_message"
    if not can(actor, permission, application):
        raise WorkflowError(_("Vous ne pouvez pas écrire dans la conversation de ce dossier."))
    _require(body, _("Écrivez votre message."))
    judged = _judge(application, uploads, internal=internal)
    message = Message.objects.create(
        application=application, author=actor, body=body.strip(), is_internal=internal
    )
    _store(application, actor, judged, kind=DocumentKind.OTHER, message=message)
    outbox.enqueue("applications.tasks.send_message_notifications", message_id=message.pk)
    return message


def _judge(application: Application, uploads, *, internal: bool = False) -> list:
    """Read each upload's type from its bytes, before anything is stored: one refused file
    refuses them all, with the reason. Returns (upload, detected type) pairs.

    The limit counts the documents the conversation shares; the staff's notes have as many
    of their own, so that they never use up what the SME may attach."""
    uploads = list(uploads)
    limit = settings.DOCUMENT_MAX_PER_APPLICATION
    counted = application.documents.filter(message__is_internal=True)
    if not internal:
        counted = application.documents.exclude(message__is_internal=True)
    count = counted.count() if uploads else 0
    if count >= limit and uploads:
        raise DocumentRefused(
            _(
                "Cette demande compte déjà %(limit)s documents, le maximum : regroupez les "
                "suivants dans un seul PDF."
            )
            % {"limit": limit}
        )
    if count + len(uploads) > limit:
        raise DocumentRefused(
            ngettext(
                "Cette demande ne peut plus recevoir qu'un document (%(limit)s au plus).",
                "Cette demande ne peut plus recevoir que %(left)s documents (%(limit)s au plus).",
                limit - count,
            )
            % {"left": limit - count, "limit": limit}
        )
    judged = []
    for upload in uploads:
        try:
            judged.append((upload, documents.identify(upload)))
        except ValidationError as error:
            raise DocumentRefused(
                _("« %(name)s » : %(reason)s")
                % {"name": documents.clean_name(upload.name), "reason": error.messages[0]}
                if len(uploads) > 1
                else error.messages[0]
            ) from error
    return judged


def _store(
    application: Application,
    actor: User,
    judged: list,
    *,
    kind: str,
    message: Message | None = None,
    information_request: InformationRequest | None = None,
) -> list[Document]:
    """Store judged uploads privately, under random names, their names cleaned."""
    stored = []
    for upload, detected in judged:
        document = Document(
            application=application,
            kind=kind,
            name=documents.clean_name(upload.name, detected),
            content_type=detected.content_type,
            size=upload.size,
            uploaded_by=actor,
            message=message,
            information_request=information_request,
        )
        # Written once everything was judged: a refusal stores nothing. (A commit failing
        # after it would leave an orphan under a random name, never linked to anything.)
        document.file.save(f"document.{detected.extension}", upload, save=False)
        document.save()
        stored.append(document)
    return stored


# --- Visits ------------------------------------------------------------------------------


_UNREAD = object()


def record_visit(
    user: User,
    application: Application,
    *,
    previous=_UNREAD,
    at: datetime | None = None,
    unread: bool = True,
    latest: datetime | None = None,
) -> datetime | None:
    """Note that this person opens the application now; returns their previous visit, from
    which what others did is new to them (`previous`: the one the page read with the
    application, `selectors.with_last_visit`). Their notifications about it are read.

    What a page that knows more may spare (a reload then writes nothing): `unread=False`, it
    read that none of their notifications about it is unread (`selectors.with_news`);
    `latest`, when the newest entry it shows happened: a visit in the same minute as the
    previous one, with nothing shown after that one, is not written again. It would change
    nothing the pages show: no entry is new either way, and "since your last visit" shows
    the time to the minute. `at`: when the page began reading (defaults to now)."""
    at = at or timezone.now()
    if previous is _UNREAD:
        visits = Visit.objects.filter(user=user, application=application)
        previous = visits.values_list("seen_at", flat=True).first()
    if not (
        previous is not None
        and latest is not None
        and latest <= previous
        and previous.replace(second=0, microsecond=0) == at.replace(second=0, microsecond=0)
    ):
        Visit.objects.bulk_create(  # one upsert: two tabs at once are fine
            [Visit(user=user, application=application, seen_at=at)],
            update_conflicts=True,
            unique_fields=["user", "application"],
            update_fields=["seen_at"],
        )
    if unread:
        inbox.mark_read(user, application_id=application.pk)
    return previous
