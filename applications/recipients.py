"""Who is told about an application's events, messages, documents and reminders, as what
kind of notification, and what the mails say."""

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.mail import build_mail
from accounts.models import User
from corporations.enums import MatchStatus
from notifications.enums import Kind

from . import delays
from .enums import Action, State
from .models import ApplicationEvent, Document, Message

COMPANY, SPONSOR, STAFF, INTERLOCUTOR = "company", "sponsor", "staff", "interlocutor"
OWNER = "owner"  # the staff member who follows the review

# For each action: who hears of it, and the sentence that opens the mail.
MESSAGES = {
    Action.SUBMIT: (
        {SPONSOR},
        _("%(company)s demande le parrainage de votre organisme pour son projet : %(target)s."),
    ),
    Action.ENDORSE: (
        {COMPANY, STAFF},
        _("La demande de %(company)s (%(target)s) est parrainée et entre en instruction."),
    ),
    Action.DECLINE_ENDORSEMENT: (
        {COMPANY},
        _("L'organisme parrain n'a pas parrainé la demande (%(target)s). Voici son motif."),
    ),
    Action.REQUEST_INFORMATION: (
        {COMPANY},
        _("L'équipe Pacte PME a besoin de compléments sur votre demande (%(target)s)."),
    ),
    Action.ANSWER_INFORMATION: (
        {STAFF},
        _("%(company)s a répondu à votre demande de compléments (%(target)s)."),
    ),
    Action.PROPOSE: (
        {INTERLOCUTOR},
        _("L'équipe Pacte PME vous propose d'accompagner %(company)s : %(target)s."),
    ),
    Action.ACCEPT_MATCH: (
        {COMPANY, STAFF, SPONSOR},
        _("Un grand groupe accompagne désormais %(company)s : %(target)s."),
    ),
    Action.DECLINE_MATCH: (
        {STAFF},
        _("Le correspondant a décliné la demande de %(company)s (%(target)s)."),
    ),
    Action.REJECT: (
        {COMPANY, SPONSOR},
        _("La demande de %(company)s (%(target)s) n'a pas été retenue."),
    ),
    Action.WITHDRAW: (
        {SPONSOR, STAFF, INTERLOCUTOR},
        _("%(company)s a retiré sa demande (%(target)s)."),
    ),
    Action.CLOSE: (
        {COMPANY, STAFF, INTERLOCUTOR},
        _(
            "L'accompagnement de %(company)s (%(target)s) est clôturé. Dites-nous ce que vous "
            "en avez pensé."
        ),
    ),
    Action.RATE: ({STAFF}, _("%(company)s a évalué son accompagnement (%(target)s).")),
    Action.EXPIRE_MATCH: (
        {STAFF, INTERLOCUTOR},
        _(
            "Faute de réponse du correspondant, la proposition de la demande de %(company)s "
            "(%(target)s) a expiré : le dossier revient à l'équipe Pacte PME."
        ),
    ),
    Action.ASSIGN_OWNER: (
        {OWNER},
        _("Vous êtes responsable de l'instruction de la demande de %(company)s (%(target)s)."),
    ),
}


def audience(kind: str, application) -> QuerySet[User]:
    """The users one audience of an application is made of (COMPANY, SPONSOR, STAFF or
    OWNER); the event mails and the sweep's reminders both address them."""
    if kind == COMPANY:
        return User.objects.filter(company_membership__company_id=application.company_id)
    if kind == SPONSOR and application.sponsor_body_id:
        return User.objects.filter(advisor_membership__sponsor_body_id=application.sponsor_body_id)
    if kind == STAFF:
        return User.objects.filter(staff_membership__isnull=False)
    if kind == OWNER and application.owner_id:
        return audience(STAFF, application).filter(pk=application.owner_id)
    return User.objects.none()


# The events that decide something about the SME's own application: their mails cannot be
# switched off by the SME's people. For anyone else, an event is a step of a file they follow.
DECISIONS = frozenset(
    {
        Action.ENDORSE,
        Action.DECLINE_ENDORSEMENT,
        Action.REQUEST_INFORMATION,
        Action.ACCEPT_MATCH,
        Action.REJECT,
        Action.CLOSE,
    }
)


def event_kind(event: ApplicationEvent, company_user_ids: set[int]):
    """The kind of notification an event is, as a function of the person told."""
    decision = event.action in DECISIONS

    def kind(user: User) -> Kind:
        return Kind.DECISION if decision and user.pk in company_user_ids else Kind.ACTIVITY

    return kind


def event_title(event: ApplicationEvent):
    _audiences, headline = MESSAGES[Action(event.action)]
    application = event.application
    return lambda: (
        headline
        % {
            "company": application.company.legal_name,
            "target": application.target_label,
        }
    )


def conversation_audience(application, *, internal: bool = False) -> QuerySet[User]:
    """Who follows the conversation: the SME's people, its sponsor's advisors, the staff member
    who owns the review (all staff while nobody does), and the interlocutor it is proposed to
    or who accompanies it. An internal note: the staff only."""
    staff = audience(OWNER if application.owner_id else STAFF, application)
    if internal:
        return staff.filter(is_active=True)
    if application.state == State.DRAFT:  # nobody else may open a draft
        return audience(COMPANY, application).filter(is_active=True)
    users = (
        audience(COMPANY, application)
        | staff
        | User.objects.filter(
            interlocutor__matches__application=application,
            interlocutor__matches__status__in=[MatchStatus.PROPOSED, MatchStatus.ACCEPTED],
        )
    )
    users |= audience(SPONSOR, application)
    return users.filter(is_active=True).distinct()


def message_recipients(message: Message) -> list[User]:
    users = conversation_audience(message.application, internal=message.is_internal)
    return list(users.exclude(pk=message.author_id).order_by("pk"))


def message_title(message: Message):
    application = message.application
    author = _name(message.author)
    values = {"author": author, "company": application.company.legal_name}
    if message.is_internal:
        return lambda: _("Note interne de %(author)s sur la demande de %(company)s") % values
    return lambda: _("Nouveau message de %(author)s sur la demande de %(company)s") % values


def document_recipients(document: Document) -> list[User]:
    users = conversation_audience(document.application)
    return list(users.exclude(pk=document.uploaded_by_id).order_by("pk"))


def document_title(document: Document):
    values = {
        "author": _name(document.uploaded_by),
        "name": document.name,
        "company": document.application.company.legal_name,
    }
    return lambda: _("%(author)s a joint « %(name)s » à la demande de %(company)s") % values


def _name(user: User | None):
    if user is None:
        return _("un ancien utilisateur")
    return user.get_full_name() or user.email


def recipients(event: ApplicationEvent) -> list[User]:
    """The active users concerned by the event, never its actor."""
    if event.action not in MESSAGES:
        return []
    audiences, _headline = MESSAGES[Action(event.action)]
    application = event.application
    users = User.objects.none()
    for kind in audiences - {INTERLOCUTOR}:
        users |= audience(kind, application)
    if INTERLOCUTOR in audiences and event.match_id:
        # The interlocutor of the proposal the event is about, recorded with the event.
        users |= User.objects.filter(interlocutor__matches=event.match_id)
    users = users.filter(is_active=True).distinct()
    if event.actor_id:
        users = users.exclude(pk=event.actor_id)
    return list(users.order_by("pk"))


def send_event_mail(event: ApplicationEvent, user: User) -> None:
    """One mail about one event to one person, in their language."""
    application = event.application
    with translation.override(user.language):
        text = event_title(event)()
    context = {
        "recipient": user,
        "event": event,
        "application": application,
        "headline": text,
        "url": application.get_absolute_url(),
    }
    build_mail("application_event", context, user.email, user.language).send()


def receipt_recipients(application) -> list[User]:
    """Who gets the receipt of a sending: every active member of the SME, the sender too."""
    return list(audience(COMPANY, application).filter(is_active=True).order_by("pk"))


def send_receipt_mail(event: ApplicationEvent, user: User, *, estimates, thresholds) -> None:
    """The receipt of a sending to one member of the SME, in their language: the reference,
    the sponsor body chosen, and what happens next with the delays to expect (`estimates`:
    `selectors.delay_estimates`, worded as on the pages; `thresholds`: the `ReminderSettings`
    that say when a silent sponsor is reminded, then handed over to the team)."""
    application = event.application
    with translation.override(user.language or settings.LANGUAGE_CODE):
        worded = delays.worded(estimates)
    context = {
        "recipient": user,
        "application": application,
        "sender": _name(event.actor),
        "delays": worded,
        "thresholds": thresholds,
        "url": application.get_absolute_url(),
    }
    build_mail("submission_receipt", context, user.email, user.language).send()
