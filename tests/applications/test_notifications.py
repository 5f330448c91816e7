"""Who is mailed about each application event, and what the mail holds."""

import pytest
from django.conf import settings
from django.utils.html import escape

from applications import services
from applications.enums import Action, State
from applications.models import ApplicationEvent
from applications.tasks import send_event_notifications
from applications.workflow import TRANSITIONS
from tests.factories import (
    ENTITLED_PERSONA,
    InterlocutorFactory,
    perform,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone(
    sme_user,
    other_sme_user,
    advisor,
    advisor_colleague,
    other_advisor,
    staff_user,
    staff_colleague,
    interlocutor,
    other_interlocutor,
    admin_user,
):
    """Every persona exists, so that a mail to the wrong one would show."""
    return {
        "sme_user": sme_user,
        "other_sme_user": other_sme_user,
        "advisor": advisor,
        "advisor_colleague": advisor_colleague,
        "other_advisor": other_advisor,
        "staff_user": staff_user,
        "staff_colleague": staff_colleague,
        "interlocutor": interlocutor,
        "other_interlocutor": other_interlocutor,
        "admin_user": admin_user,
    }


def event_mails(mailoutbox) -> list:
    """The mails about the events: not the receipt the SME's people get of a sending (see
    test_filing.py)."""
    return [m for m in mailoutbox if not m.subject.endswith("accusé de réception de votre demande")]


def recipients(mailoutbox) -> list[list[str]]:
    return sorted(message.to for message in event_mails(mailoutbox))


def emails(everyone, names) -> list[list[str]]:
    return sorted([everyone[name].email] for name in names)


SPONSOR = {"advisor", "advisor_colleague"}
STAFF = {"staff_user", "staff_colleague"}

# Who hears of each move (its actor is `ENTITLED_PERSONA[action]`).
RECIPIENTS = {
    (State.DRAFT, Action.SUBMIT): SPONSOR,
    (State.AWAITING_SPONSOR, Action.ENDORSE): {"sme_user"} | STAFF,
    (State.AWAITING_SPONSOR, Action.DECLINE_ENDORSEMENT): {"sme_user"},
    (State.IN_REVIEW, Action.REQUEST_INFORMATION): {"sme_user"},
    (State.AWAITING_INFORMATION, Action.ANSWER_INFORMATION): STAFF,
    (State.IN_REVIEW, Action.PROPOSE): {"interlocutor"},
    (State.PROPOSED, Action.ACCEPT_MATCH): {"sme_user"} | STAFF | SPONSOR,
    (State.PROPOSED, Action.DECLINE_MATCH): STAFF,
    (State.IN_REVIEW, Action.REJECT): {"sme_user"} | SPONSOR,
    (State.AWAITING_INFORMATION, Action.REJECT): {"sme_user"} | SPONSOR,
    (State.AWAITING_SPONSOR, Action.WITHDRAW): SPONSOR | STAFF,
    (State.IN_REVIEW, Action.WITHDRAW): SPONSOR | STAFF,
    (State.AWAITING_INFORMATION, Action.WITHDRAW): SPONSOR | STAFF,
    (State.PROPOSED, Action.WITHDRAW): SPONSOR | STAFF | {"interlocutor"},
    # The staff member who closes is not mailed; their colleague and the interlocutor are.
    (State.ACCOMPANIED, Action.CLOSE): {"sme_user", "staff_colleague", "interlocutor"},
}


def test_recipients_table_covers_every_move():
    allowed = {(state, action) for action, (sources, _) in TRANSITIONS.items() for state in sources}

    assert set(RECIPIENTS) == allowed


@pytest.mark.parametrize(
    ("state", "action"),
    list(RECIPIENTS),
    ids=[f"{state.value}-{action.value}" for state, action in RECIPIENTS],
)
def test_each_move_mails_exactly_the_people_concerned(
    everyone,
    application_in,
    sponsor_body,
    django_capture_on_commit_callbacks,
    mailoutbox,
    state,
    action,
):
    application = application_in(state)
    actor = everyone[ENTITLED_PERSONA[action]]
    arguments = {}
    if action == Action.SUBMIT:
        arguments["sponsor_body"] = sponsor_body
    if action == Action.PROPOSE:
        arguments["interlocutor"] = everyone["interlocutor"].interlocutor

    with django_capture_on_commit_callbacks(execute=True):
        perform(action, application.pk, actor, **arguments)

    assert recipients(mailoutbox) == emails(everyone, RECIPIENTS[(state, action)])
    assert [actor.email] not in recipients(mailoutbox)
    for message in event_mails(mailoutbox):
        assert application.reference in message.subject
        assert [alternative.mimetype for alternative in message.alternatives] == ["text/html"]
        assert f"{settings.SITE_URL}{application.get_absolute_url()}" in message.body


def test_submit_mails_the_body_advisors_the_headline(
    everyone,
    draft_application,
    sme_user,
    sponsor_body,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(draft_application.pk, sme_user, sponsor_body=sponsor_body)

    headline = (
        "Asconit Consultants demande le parrainage de votre organisme pour son projet : "
        "Hanoi, Viêt Nam."
    )
    assert recipients(mailoutbox) == emails(everyone, SPONSOR)
    for message in event_mails(mailoutbox):
        assert headline in message.body.splitlines()
        assert escape(headline) in message.alternatives[0].content


def test_endorse_mails_the_company_and_staff(
    everyone, application_in, advisor, django_capture_on_commit_callbacks, mailoutbox
):
    application = application_in(State.AWAITING_SPONSOR)

    with django_capture_on_commit_callbacks(execute=True):
        services.endorse(application.pk, advisor)

    headline = (
        "La demande de Asconit Consultants (Hanoi, Viêt Nam) est parrainée et entre en instruction."
    )
    assert recipients(mailoutbox) == emails(everyone, {"sme_user"} | STAFF)
    for message in mailoutbox:
        assert headline in message.body.splitlines()


def test_decline_endorsement_mails_the_company_with_the_reason(
    everyone, application_in, advisor, sme_user, django_capture_on_commit_callbacks, mailoutbox
):
    application = application_in(State.AWAITING_SPONSOR)
    reason = "Le budget n'est pas précisé : complétez le dossier & revenez vers nous."

    with django_capture_on_commit_callbacks(execute=True):
        services.decline_endorsement(application.pk, advisor, reason=reason)

    assert recipients(mailoutbox) == [[sme_user.email]]
    message = mailoutbox[0]
    headline = "L'organisme parrain n'a pas parrainé la demande (Hanoi, Viêt Nam). Voici son motif."
    assert headline in message.body.splitlines()
    assert reason in message.body.splitlines()
    assert escape(reason) in message.alternatives[0].content


def test_propose_mails_the_interlocutor(
    everyone,
    application_in,
    staff_user,
    interlocutor,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    application = application_in(State.IN_REVIEW)

    with django_capture_on_commit_callbacks(execute=True):
        services.propose(application.pk, staff_user, interlocutor=interlocutor.interlocutor)

    assert recipients(mailoutbox) == [[interlocutor.email]]
    headline = (
        "L'équipe Pacte PME vous propose d'accompagner Asconit Consultants : Hanoi, Viêt Nam."
    )
    assert headline in mailoutbox[0].body.splitlines()
    assert escape(headline) in mailoutbox[0].alternatives[0].content


def test_propose_again_mails_only_the_new_interlocutor(
    everyone,
    application_in,
    staff_user,
    interlocutor,
    alstom,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    application = application_in(State.PROPOSED)
    services.decline_match(application.pk, interlocutor, reason="Pas de capacité.")
    colleague = InterlocutorFactory(corporation=alstom, user__email="nina.fabre@alstom.example")

    with django_capture_on_commit_callbacks(execute=True):
        services.propose(application.pk, staff_user, interlocutor=colleague)

    assert recipients(mailoutbox) == [["nina.fabre@alstom.example"]]


def test_close_by_the_interlocutor_mails_company_and_all_staff(
    everyone, application_in, interlocutor, django_capture_on_commit_callbacks, mailoutbox
):
    application = application_in(State.ACCOMPANIED)

    with django_capture_on_commit_callbacks(execute=True):
        perform(Action.CLOSE, application.pk, interlocutor)

    assert recipients(mailoutbox) == emails(everyone, {"sme_user"} | STAFF)


def test_rate_mails_the_staff(
    everyone, application_in, sme_user, django_capture_on_commit_callbacks, mailoutbox
):
    application = application_in(State.CLOSED)

    with django_capture_on_commit_callbacks(execute=True):
        services.rate(application.pk, sme_user, rating=5, comment="Merci !")

    assert recipients(mailoutbox) == emails(everyone, STAFF)


def test_inactive_users_are_not_mailed(
    everyone,
    draft_application,
    sme_user,
    sponsor_body,
    advisor_colleague,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    advisor_colleague.is_active = False
    advisor_colleague.save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=True):
        services.submit(draft_application.pk, sme_user, sponsor_body=sponsor_body)

    assert recipients(mailoutbox) == emails(everyone, {"advisor"})


def test_mails_leave_only_once_the_transaction_commits(
    everyone,
    draft_application,
    sme_user,
    sponsor_body,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit(draft_application.pk, sme_user, sponsor_body=sponsor_body)

    assert mailoutbox == []
    for callback in callbacks:  # the commit
        callback()
    assert recipients(mailoutbox) == emails(everyone, {"advisor", "advisor_colleague"})


def test_refused_move_mails_nobody(
    everyone, application_in, advisor, django_capture_on_commit_callbacks, mailoutbox
):
    application = application_in(State.IN_REVIEW)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.WorkflowError):
        services.endorse(application.pk, advisor)

    assert mailoutbox == []


def test_send_event_notifications_task_returns_the_number_of_mails(
    everyone, application_in, mailoutbox
):
    application = application_in(State.IN_REVIEW)  # endorsed: company and two staff to tell
    event = ApplicationEvent.objects.get(application=application, action=Action.ENDORSE)

    result = send_event_notifications.delay(event_id=event.pk)

    assert result.get() == 3
    assert recipients(mailoutbox) == emails(everyone, {"sme_user"} | STAFF)


def test_create_event_mails_nobody(everyone, application_in, mailoutbox):
    application = application_in(State.DRAFT)
    event = ApplicationEvent.objects.create(
        application=application, action=Action.CREATE, to_state=State.DRAFT
    )

    assert send_event_notifications(event_id=event.pk) == 0
    assert mailoutbox == []


def test_a_late_mail_about_a_proposal_goes_to_the_interlocutor_it_was_made_to(
    everyone, application_in, staff_user, interlocutor, alstom, mailoutbox
):
    # The first proposal's mail is (re)sent after a second proposal to someone else.
    application = application_in(State.PROPOSED)
    first = application.events.get(action=Action.PROPOSE)
    services.decline_match(application.pk, interlocutor, reason="Pas de capacité.")
    colleague = InterlocutorFactory(corporation=alstom, user__email="nina.fabre@alstom.example")
    services.propose(application.pk, staff_user, interlocutor=colleague)

    send_event_notifications(event_id=first.pk)

    assert recipients(mailoutbox) == [[interlocutor.email]]


def test_each_person_gets_a_task_of_their_own(everyone, application_in, mailoutbox):
    # A retry of one person's mail must not resend everyone else's: one task per person.
    application = application_in(State.IN_REVIEW)
    event = application.events.get(action=Action.ENDORSE)

    queued = send_event_notifications(event_id=event.pk)

    assert queued == len(mailoutbox) == 3
