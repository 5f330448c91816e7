"""Who is told about an application event, and what the mail says."""

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.mail import build_mail
from accounts.models import User

from .enums import Action
from .models import ApplicationEvent

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
    _audiences, headline = MESSAGES[Action(event.action)]
    with translation.override(user.language):
        text = headline % {
            "company": application.company.legal_name,
            "target": application.target_label,
        }
    context = {
        "recipient": user,
        "event": event,
        "application": application,
        "headline": text,
        "url": application.get_absolute_url(),
    }
    build_mail("application_event", context, user.email, user.language).send()


def send_reminder_mail(reminder, user: User) -> None:
    """One mail about one reminder or alert to one person, in their language."""
    from .reminders import NOTICES, days_for

    application = reminder.application
    notice = NOTICES[reminder.milestone]
    with translation.override(user.language):
        subject = str(notice.subject)
        headline = notice.headline % {
            "company": application.company.legal_name,
            "target": application.target_label,
            "days": days_for(reminder),
        }
    context = {
        "recipient": user,
        "application": application,
        "subject": subject,
        "headline": headline,
        "url": application.get_absolute_url(),
    }
    build_mail("reminder", context, user.email, user.language).send()
