"""The workflow: the transition table over every state and action, and what each verb does."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from applications import services
from applications.enums import Action, Outcome, State
from applications.models import Application
from applications.services import WorkflowError
from applications.workflow import PORTAL_MOVES, TRANSITIONS
from companies import services as company_services
from corporations.enums import MatchStatus
from corporations.models import Match
from sponsors.enums import Decision
from sponsors.models import Endorsement
from tests.factories import (
    ENTITLED_PERSONA,
    ApplicationFactory,
    InterlocutorFactory,
    MemberCorporationFactory,
    PresenceFactory,
    SponsorBodyFactory,
    UserFactory,
    perform,
    sector,
    snapshot,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=PARIS)

SHORT_DESCRIPTION = "une description du projet (20 caractères au moins)"
NOT_ALLOWED = "Vous n'avez pas le droit de faire cette action sur ce dossier."


def no_longer_possible(state_label: str) -> str:
    return (
        f"Cette action n'est plus possible : le dossier est maintenant « {state_label} ». "
        "La page a été mise à jour, vérifiez son état avant de recommencer."
    )


# In the enum's order (a frozenset's order changes with each process's hash seed).
ALLOWED = [
    (state, action)
    for action, (sources, _) in TRANSITIONS.items()
    for state in State
    if state in sources
]
REFUSED = [
    (state, action) for action in TRANSITIONS for state in State if (state, action) not in ALLOWED
]

# The persona entitled to each move is ENTITLED_PERSONA (closing could also be the following
# interlocutor's move: see test_close_by_the_following_interlocutor).

# The note each event carries with the default texts of `tests.factories.perform`.
EVENT_NOTE = {
    Action.SUBMIT: "",
    Action.ENDORSE: "Entreprise connue de la CCI, projet sérieux.",
    Action.DECLINE_ENDORSEMENT: "Le projet doit d'abord être présenté en comité.",
    Action.REQUEST_INFORMATION: "Quel budget prévoyez-vous la première année ?",
    Action.ANSWER_INFORMATION: "Environ 150 000 € la première année.",
    Action.PROPOSE: (
        "Proposée à Thomas Lambert (Alstom).\nProjet cohérent avec vos activités dans le pays."
    ),
    Action.ACCEPT_MATCH: "Nous recevons la PME dans nos bureaux.",
    Action.DECLINE_MATCH: "Pas de bureau disponible cette année.",
    Action.REJECT: "Projet hors du champ du programme.",
    Action.WITHDRAW: "Projet suspendu par la direction.",
    Action.CLOSE: "Implantation réalisée. Bureau ouvert.",
}


def pair_id(pair) -> str:
    state, action = pair
    return f"{state.value}-{action.value}"


@pytest.fixture
def act(request, sponsor_body, interlocutor):
    """`act(action, application)`: the move made by its entitled persona, default texts."""

    def run(action, application, actor=None, **arguments):
        actor = actor or request.getfixturevalue(ENTITLED_PERSONA[action])
        if action == Action.SUBMIT:
            arguments.setdefault("sponsor_body", sponsor_body)
        if action == Action.PROPOSE:
            arguments.setdefault("interlocutor", interlocutor.interlocutor)
        return perform(action, application.pk, actor, **arguments)

    return run


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


# --- The transition table ------------------------------------------------------------------


@pytest.mark.parametrize(("state", "action"), ALLOWED, ids=[pair_id(p) for p in ALLOWED])
def test_transition_table_allowed_move_reaches_target_and_records_one_event(
    state, action, application_in, act, request, frozen
):
    application = application_in(state)
    actor = request.getfixturevalue(ENTITLED_PERSONA[action])
    events_before = set(application.events.values_list("pk", flat=True))

    act(action, application)

    application.refresh_from_db()
    assert application.state == TRANSITIONS[action][1]
    assert application.state_changed_at == frozen
    new_events = list(
        application.events.exclude(pk__in=events_before).values(
            "action", "from_state", "to_state", "actor", "note", "created_at"
        )
    )
    assert new_events == [
        {
            "action": action.value,
            "from_state": state.value,
            "to_state": TRANSITIONS[action][1].value,
            "actor": actor.pk,
            "note": EVENT_NOTE[action],
            "created_at": frozen,
        }
    ]


@pytest.mark.parametrize(("state", "action"), REFUSED, ids=[pair_id(p) for p in REFUSED])
def test_transition_table_refused_move_raises_and_changes_nothing(
    state, action, application_in, act
):
    # The table is checked before the actor's right: even the entitled persona is told the
    # move is no longer possible (a stale page, a double click).
    application = application_in(state)
    before = snapshot(application)

    with pytest.raises(WorkflowError) as error:
        act(action, application)

    assert error.value.message == no_longer_possible(state.label)
    assert snapshot(application) == before


@pytest.mark.parametrize(("state", "action"), REFUSED, ids=[pair_id(p) for p in REFUSED])
def test_transition_table_refuses_move_to_the_admin_user(
    state, action, application_in, act, admin_user
):
    application = application_in(state)
    before = snapshot(application)

    with pytest.raises(WorkflowError) as error:
        act(action, application, actor=admin_user)

    assert error.value.message == no_longer_possible(state.label)
    assert snapshot(application) == before


def test_portal_moves_are_nobodys_actions():
    assert set(PORTAL_MOVES) == {Action.EXPIRE_MATCH}
    assert set(PORTAL_MOVES).isdisjoint(TRANSITIONS)


@pytest.mark.parametrize("state", list(State), ids=[state.value for state in State])
def test_expire_proposal_follows_the_portal_moves_table(state, application_in, frozen):
    application = application_in(state)
    match = Match.objects.filter(application=application, status=MatchStatus.PROPOSED).first()
    proposed_at = match.created_at if match else frozen
    events_before = set(application.events.values_list("pk", flat=True))
    sources, target = PORTAL_MOVES[Action.EXPIRE_MATCH]

    if state not in sources:
        with pytest.raises(WorkflowError):
            services.expire_proposal(application.pk, proposed_at=proposed_at)
        application.refresh_from_db()
        assert application.state == state
        assert not application.events.exclude(pk__in=events_before).exists()
        return

    services.expire_proposal(application.pk, proposed_at=proposed_at)

    application.refresh_from_db()
    assert (application.state, application.state_changed_at) == (target, frozen)
    assert list(
        application.events.exclude(pk__in=events_before).values(
            "action", "from_state", "to_state", "actor", "note", "match", "created_at"
        )
    ) == [
        {
            "action": Action.EXPIRE_MATCH.value,
            "from_state": State.PROPOSED.value,
            "to_state": State.IN_REVIEW.value,
            "actor": None,
            "note": "Sans réponse du correspondant, la proposition a expiré.",
            "match": match.pk,
            "created_at": frozen,
        }
    ]


@pytest.mark.parametrize(("state", "action"), ALLOWED, ids=[pair_id(p) for p in ALLOWED])
def test_stale_expected_state_raises_and_changes_nothing(state, action, application_in, act):
    # The form was rendered when the application was in another state.
    application = application_in(state)
    stale = State.WITHDRAWN if state != State.WITHDRAWN else State.DRAFT
    before = snapshot(application)

    with pytest.raises(WorkflowError) as error:
        act(action, application, expected_state=stale)

    assert error.value.message == no_longer_possible(state.label)
    assert snapshot(application) == before


def test_expected_state_matching_lets_the_move_through(application_in, act):
    application = application_in(State.IN_REVIEW)

    act(Action.REQUEST_INFORMATION, application, expected_state=State.IN_REVIEW)

    application.refresh_from_db()
    assert application.state == State.AWAITING_INFORMATION


# --- Drafts --------------------------------------------------------------------------------


def test_create_draft_records_a_create_event(company, sme_user, frozen):
    application = services.create_draft(
        sme_user,
        company,
        target_country="VN",
        target_city="Hanoi",
        wants_advice=True,
        description="Conseil réglementaire pour une implantation au Vietnam.",
    )

    assert application.state == State.DRAFT
    assert application.created_by == sme_user
    assert list(application.events.values("action", "from_state", "to_state", "actor")) == [
        {"action": "create", "from_state": "", "to_state": "draft", "actor": sme_user.pk}
    ]


def test_update_draft_saves_the_fields_given(draft_application, sme_user, frozen):
    services.update_draft(
        draft_application.pk, sme_user, target_city="Hô Chi Minh-Ville", wants_hosting=True
    )

    draft_application.refresh_from_db()
    assert (
        draft_application.target_city,
        draft_application.wants_hosting,
        draft_application.updated_at,
    ) == ("Hô Chi Minh-Ville", True, frozen)


@pytest.mark.parametrize("verb", ["update_draft", "delete_draft"])
@pytest.mark.parametrize(
    ("state", "persona", "message"),
    [
        (
            State.AWAITING_SPONSOR,
            "sme_user",
            "Cette demande a été soumise : elle n'est plus modifiable.",
        ),
        (State.DRAFT, "other_sme_user", NOT_ALLOWED),
        (State.DRAFT, "staff_user", NOT_ALLOWED),
    ],
)
def test_only_the_company_changes_or_deletes_its_draft(
    application_in, request, verb, state, persona, message
):
    application = application_in(state)
    fields = {"target_city": "Ailleurs"} if verb == "update_draft" else {}
    before = snapshot(application)

    with pytest.raises(WorkflowError) as refused:
        getattr(services, verb)(application.pk, request.getfixturevalue(persona), **fields)

    assert refused.value.message == message
    assert snapshot(application) == before


def test_delete_draft_deletes_it(draft_application, sme_user):
    services.delete_draft(draft_application.pk, sme_user)

    assert not Application.objects.filter(pk=draft_application.pk).exists()


def test_create_company_makes_the_user_a_member():
    user = UserFactory()

    company = company_services.create_company(
        user,
        legal_name="Nouvelle PME",
        siren="732829320",
        sector=sector("71"),
        headcount="10-49",
        turnover="lt2m",
        region="84",
        department="69",
        export_experience="none",
    )

    assert list(company.memberships.values_list("user", flat=True)) == [user.pk]


# --- Submit --------------------------------------------------------------------------------


def test_submit_sets_sponsor_body_and_submitted_at(
    draft_application, sme_user, sponsor_body, frozen
):
    services.submit(draft_application.pk, sme_user, sponsor_body=sponsor_body)

    draft_application.refresh_from_db()
    assert draft_application.state == State.AWAITING_SPONSOR
    assert draft_application.sponsor_body == sponsor_body
    assert draft_application.submitted_at == frozen
    assert draft_application.endorsed_at is None


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        (
            {"wants_advice": False, "wants_hosting": False, "hosting_desks": None},
            "au moins un type d'appui",
        ),
        ({"description": ""}, SHORT_DESCRIPTION),
        ({"description": "  Trop court.       "}, SHORT_DESCRIPTION),
        ({"maturity": ""}, "la maturité du projet"),
        ({"hosting_desks": None}, "le nombre de postes de travail à héberger"),
        ({"hosting_desks": 0}, "le nombre de postes de travail à héberger"),
        (
            {"incomplete": True},
            f"au moins un type d'appui, {SHORT_DESCRIPTION}",
        ),
    ],
    ids=[
        "no-support-kind",
        "no-description",
        "short-description",
        "no-maturity",
        "hosting-without-desks",
        "hosting-zero-desks",
        "several-missing",
    ],
)
def test_submit_refuses_incomplete_draft(company, sme_user, sponsor_body, fields, missing):
    application = ApplicationFactory(company=company, created_by=sme_user, **fields)
    before = snapshot(application)

    with pytest.raises(WorkflowError) as error:
        services.submit(application.pk, sme_user, sponsor_body=sponsor_body)

    assert error.value.message == f"Avant de soumettre la demande, complétez : {missing}."
    assert snapshot(application) == before


def test_submit_refuses_an_inactive_sponsor_body(draft_application, sme_user):
    closed_body = SponsorBodyFactory(is_active=False)
    before = snapshot(draft_application)

    with pytest.raises(WorkflowError) as error:
        services.submit(draft_application.pk, sme_user, sponsor_body=closed_body)

    assert error.value.message == "Cet organisme parrain n'accepte plus de demandes."
    assert snapshot(draft_application) == before


def test_submit_without_hosting_needs_no_desks(company, sme_user, sponsor_body):
    application = ApplicationFactory(
        company=company, created_by=sme_user, wants_hosting=False, hosting_desks=None
    )

    services.submit(application.pk, sme_user, sponsor_body=sponsor_body)

    application.refresh_from_db()
    assert application.state == State.AWAITING_SPONSOR


# --- Sponsorship ---------------------------------------------------------------------------


def test_endorse_creates_endorsement_and_sets_endorsed_at(
    application_in, advisor, sponsor_body, frozen
):
    application = application_in(State.AWAITING_SPONSOR)

    services.endorse(application.pk, advisor, note="Adhérent de longue date.")

    application.refresh_from_db()
    assert application.state == State.IN_REVIEW
    assert application.endorsed_at == frozen
    assert list(
        Endorsement.objects.filter(application=application).values(
            "sponsor_body", "advisor", "decision", "reason", "created_at"
        )
    ) == [
        {
            "sponsor_body": sponsor_body.pk,
            "advisor": advisor.pk,
            "decision": Decision.ENDORSED.value,
            "reason": "Adhérent de longue date.",
            "created_at": frozen,
        }
    ]


@pytest.mark.parametrize("reason", ["", "   \n "], ids=["empty", "blank"])
def test_decline_endorsement_requires_a_reason(application_in, advisor, reason):
    application = application_in(State.AWAITING_SPONSOR)
    before = snapshot(application)

    with pytest.raises(WorkflowError) as error:
        services.decline_endorsement(application.pk, advisor, reason=reason)

    assert error.value.message == "Indiquez à la PME le motif du refus de parrainage."
    assert snapshot(application) == before


def test_decline_endorsement_returns_to_draft_with_the_reason(
    application_in, advisor, sponsor_body
):
    application = application_in(State.AWAITING_SPONSOR)

    services.decline_endorsement(application.pk, advisor, reason="Dossier trop succinct.")

    application.refresh_from_db()
    assert application.state == State.DRAFT
    assert application.endorsed_at is None
    assert list(
        Endorsement.objects.filter(application=application).values(
            "sponsor_body", "advisor", "decision", "reason"
        )
    ) == [
        {
            "sponsor_body": sponsor_body.pk,
            "advisor": advisor.pk,
            "decision": Decision.DECLINED.value,
            "reason": "Dossier trop succinct.",
        }
    ]
    assert application.events.last().note == "Dossier trop succinct."


def test_decline_endorsement_lets_the_sme_submit_again(
    application_in, sme_user, advisor, other_sponsor_body
):
    application = application_in(State.AWAITING_SPONSOR)
    services.decline_endorsement(application.pk, advisor, reason="Adressez-vous au CCE.")

    services.submit(application.pk, sme_user, sponsor_body=other_sponsor_body)

    application.refresh_from_db()
    assert application.state == State.AWAITING_SPONSOR
    assert application.sponsor_body == other_sponsor_body


# --- Information requests ------------------------------------------------------------------


def test_request_information_creates_an_information_request(application_in, staff_user, frozen):
    application = application_in(State.IN_REVIEW)

    services.request_information(application.pk, staff_user, question="Combien de VIE ?")

    application.refresh_from_db()
    assert application.state == State.AWAITING_INFORMATION
    assert list(
        application.information_requests.values(
            "question", "asked_by", "asked_at", "answer", "answered_by", "answered_at"
        )
    ) == [
        {
            "question": "Combien de VIE ?",
            "asked_by": staff_user.pk,
            "asked_at": frozen,
            "answer": "",
            "answered_by": None,
            "answered_at": None,
        }
    ]


@pytest.mark.parametrize("question", ["", "  "], ids=["empty", "blank"])
def test_request_information_requires_a_question(application_in, staff_user, question):
    application = application_in(State.IN_REVIEW)
    before = snapshot(application)

    with pytest.raises(WorkflowError) as error:
        services.request_information(application.pk, staff_user, question=question)

    assert error.value.message == "Écrivez la question à poser à la PME."
    assert snapshot(application) == before


def test_answer_information_answers_the_open_request(
    application_in, sme_user, staff_user, time_machine
):
    time_machine.move_to(NOW, tick=False)
    application = application_in(State.AWAITING_INFORMATION)
    time_machine.move_to(NOW + timedelta(days=2), tick=False)

    services.answer_information(application.pk, sme_user, answer="Deux VIE dès septembre.")

    application.refresh_from_db()
    assert application.state == State.IN_REVIEW
    assert list(
        application.information_requests.values(
            "question", "asked_by", "asked_at", "answer", "answered_by", "answered_at"
        )
    ) == [
        {
            "question": "Quel budget prévoyez-vous la première année ?",
            "asked_by": staff_user.pk,
            "asked_at": NOW,
            "answer": "Deux VIE dès septembre.",
            "answered_by": sme_user.pk,
            "answered_at": NOW + timedelta(days=2),
        }
    ]


@pytest.mark.parametrize("answer", ["", " \t"], ids=["empty", "blank"])
def test_answer_information_requires_an_answer(application_in, sme_user, answer):
    application = application_in(State.AWAITING_INFORMATION)
    before = snapshot(application)

    with pytest.raises(WorkflowError) as error:
        services.answer_information(application.pk, sme_user, answer=answer)

    assert error.value.message == "Écrivez votre réponse."
    assert snapshot(application) == before


def test_request_information_again_after_an_answer(application_in, sme_user, staff_user):
    application = application_in(State.AWAITING_INFORMATION)
    services.answer_information(application.pk, sme_user, answer="150 000 €.")

    services.request_information(application.pk, staff_user, question="Et pour les VIE ?")

    assert list(
        application.information_requests.order_by("pk").values_list("question", "answer")
    ) == [
        ("Quel budget prévoyez-vous la première année ?", "150 000 €."),
        ("Et pour les VIE ?", ""),
    ]


# --- Matching ------------------------------------------------------------------------------


def test_propose_creates_a_proposed_match(application_in, staff_user, interlocutor, frozen):
    application = application_in(State.IN_REVIEW)

    match = services.propose(
        application.pk, staff_user, interlocutor=interlocutor.interlocutor, note="À voir."
    )

    application.refresh_from_db()
    assert application.state == State.PROPOSED
    assert list(
        Match.objects.filter(application=application).values(
            "pk", "interlocutor", "status", "proposed_by", "note", "created_at", "decided_at"
        )
    ) == [
        {
            "pk": match.pk,
            "interlocutor": interlocutor.interlocutor.pk,
            "status": MatchStatus.PROPOSED.value,
            "proposed_by": staff_user.pk,
            "note": "À voir.",
            "created_at": frozen,
            "decided_at": None,
        }
    ]
    assert application.events.last().note == "Proposée à Thomas Lambert (Alstom).\nÀ voir."


def test_propose_refuses_an_interlocutor_already_tried(application_in, staff_user, interlocutor):
    application = application_in(State.PROPOSED)
    services.decline_match(application.pk, interlocutor, reason="Pas de capacité.")
    before = snapshot(application)

    with pytest.raises(WorkflowError) as error:
        services.propose(application.pk, staff_user, interlocutor=interlocutor.interlocutor)

    assert error.value.message == "Ce dossier a déjà été proposé à ce correspondant."
    assert snapshot(application) == before


def test_propose_accepts_another_interlocutor_after_a_decline(
    application_in, staff_user, interlocutor, alstom
):
    application = application_in(State.PROPOSED)
    services.decline_match(application.pk, interlocutor, reason="Pas de capacité.")
    colleague = InterlocutorFactory(corporation=alstom, countries=["VN"])

    services.propose(application.pk, staff_user, interlocutor=colleague)

    assert list(
        Match.objects.filter(application=application)
        .order_by("pk")
        .values_list("interlocutor", "status")
    ) == [
        (interlocutor.interlocutor.pk, MatchStatus.DECLINED.value),
        (colleague.pk, MatchStatus.PROPOSED.value),
    ]


@pytest.mark.parametrize("inactive", ["interlocutor", "corporation"])
def test_propose_refuses_an_inactive_interlocutor(application_in, staff_user, inactive):
    corporation = MemberCorporationFactory(is_active=inactive != "corporation")
    PresenceFactory(corporation=corporation, country="VN")
    candidate = InterlocutorFactory(corporation=corporation, is_active=inactive != "interlocutor")
    application = application_in(State.IN_REVIEW)
    before = snapshot(application)

    with pytest.raises(WorkflowError) as error:
        services.propose(application.pk, staff_user, interlocutor=candidate)

    assert error.value.message == "Ce correspondant n'accepte pas de dossiers en ce moment."
    assert snapshot(application) == before


def test_accept_match_accepts_the_match(application_in, interlocutor, frozen):
    application = application_in(State.PROPOSED)

    services.accept_match(application.pk, interlocutor, note="Bienvenue à Hanoi.")

    application.refresh_from_db()
    assert application.state == State.ACCOMPANIED
    assert list(
        application.matches.values("interlocutor", "status", "decision_reason", "decided_at")
    ) == [
        {
            "interlocutor": interlocutor.interlocutor.pk,
            "status": MatchStatus.ACCEPTED.value,
            "decision_reason": "Bienvenue à Hanoi.",
            "decided_at": frozen,
        }
    ]


def test_decline_match_declines_and_returns_to_review(application_in, interlocutor, frozen):
    application = application_in(State.PROPOSED)

    services.decline_match(application.pk, interlocutor, reason="Hors de nos métiers.")

    application.refresh_from_db()
    assert application.state == State.IN_REVIEW
    assert list(
        application.matches.values("interlocutor", "status", "decision_reason", "decided_at")
    ) == [
        {
            "interlocutor": interlocutor.interlocutor.pk,
            "status": MatchStatus.DECLINED.value,
            "decision_reason": "Hors de nos métiers.",
            "decided_at": frozen,
        }
    ]


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_decline_match_requires_a_reason(application_in, interlocutor, reason):
    application = application_in(State.PROPOSED)
    before = snapshot(application)

    with pytest.raises(WorkflowError) as error:
        services.decline_match(application.pk, interlocutor, reason=reason)

    assert error.value.message == "Indiquez pourquoi vous déclinez ce dossier."
    assert snapshot(application) == before


# --- Ends: reject, withdraw, close, rate ---------------------------------------------------


@pytest.mark.parametrize("state", [State.IN_REVIEW, State.AWAITING_INFORMATION])
def test_reject_sets_closed_at(application_in, staff_user, state, frozen):
    application = application_in(state)

    services.reject(application.pk, staff_user, reason="Pas de groupe présent dans ce pays.")

    application.refresh_from_db()
    assert application.state == State.REJECTED
    assert application.closed_at == frozen
    assert application.events.last().note == "Pas de groupe présent dans ce pays."


@pytest.mark.parametrize("reason", ["", "  "], ids=["empty", "blank"])
def test_reject_requires_a_reason(application_in, staff_user, reason):
    application = application_in(State.IN_REVIEW)
    before = snapshot(application)

    with pytest.raises(WorkflowError) as error:
        services.reject(application.pk, staff_user, reason=reason)

    assert error.value.message == "Indiquez à la PME le motif du refus."
    assert snapshot(application) == before


def test_withdraw_from_proposed_cancels_the_match(application_in, sme_user, frozen):
    application = application_in(State.PROPOSED)

    services.withdraw(application.pk, sme_user, reason="Nous reportons le projet.")

    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    assert application.closed_at == frozen
    assert list(application.matches.values_list("status", "decided_at")) == [
        (MatchStatus.CANCELLED.value, frozen)
    ]


def test_withdraw_without_a_reason(application_in, sme_user):
    application = application_in(State.AWAITING_SPONSOR)

    services.withdraw(application.pk, sme_user)

    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    assert application.events.last().note == ""


def test_close_sets_outcome_and_closed_at(application_in, staff_user, frozen):
    application = application_in(State.ACCOMPANIED)

    services.close(application.pk, staff_user, outcome=Outcome.BUSINESS)

    application.refresh_from_db()
    assert application.state == State.CLOSED
    assert application.outcome == Outcome.BUSINESS
    assert application.closed_at == frozen
    assert application.events.last().note == "Courant d'affaires engagé"


def test_close_by_the_following_interlocutor(application_in, interlocutor):
    application = application_in(State.ACCOMPANIED)

    services.close(application.pk, interlocutor, outcome=Outcome.ESTABLISHED, note="Fin.")

    application.refresh_from_db()
    assert application.state == State.CLOSED
    assert list(application.events.filter(action=Action.CLOSE).values("actor", "note")) == [
        {"actor": interlocutor.pk, "note": "Implantation réalisée. Fin."}
    ]


@pytest.mark.parametrize("rating", [1, 5])
def test_rate_records_the_rating_once_closed(application_in, sme_user, rating, frozen):
    application = application_in(State.CLOSED)

    services.rate(application.pk, sme_user, rating=rating, comment="Accueil remarquable.")

    application.refresh_from_db()
    assert application.state == State.CLOSED
    assert (application.rating, application.rating_comment) == (rating, "Accueil remarquable.")
    assert list(
        application.events.filter(action=Action.RATE).values(
            "from_state", "to_state", "actor", "note", "created_at"
        )
    ) == [
        {
            "from_state": "closed",
            "to_state": "closed",
            "actor": sme_user.pk,
            "note": "Accueil remarquable.",
            "created_at": frozen,
        }
    ]


def test_rate_only_once(application_in, sme_user):
    application = application_in(State.CLOSED)
    services.rate(application.pk, sme_user, rating=4)
    before = snapshot(application)

    with pytest.raises(WorkflowError) as error:
        services.rate(application.pk, sme_user, rating=5)

    assert error.value.message == "Cet accompagnement ne peut pas (ou plus) être évalué."
    assert snapshot(application) == before


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_rate_refuses_a_rating_outside_1_to_5(application_in, sme_user, rating):
    application = application_in(State.CLOSED)
    before = snapshot(application)

    with pytest.raises(WorkflowError) as error:
        services.rate(application.pk, sme_user, rating=rating)

    assert error.value.message == "La note va de 1 à 5."
    assert snapshot(application) == before


@pytest.mark.parametrize("state", [s for s in State if s != State.CLOSED])
def test_rate_refuses_before_the_application_is_closed(application_in, sme_user, state):
    application = application_in(state)
    before = snapshot(application)

    with pytest.raises(WorkflowError) as error:
        services.rate(application.pk, sme_user, rating=4)

    assert error.value.message == "Cet accompagnement ne peut pas (ou plus) être évalué."
    assert snapshot(application) == before


@pytest.mark.parametrize(
    "persona",
    [
        "advisor",
        "other_advisor",
        "staff_user",
        "admin_user",
        "interlocutor",
        "other_interlocutor",
        "other_sme_user",
    ],
)
def test_rate_only_by_the_company(application_in, request, persona):
    application = application_in(State.CLOSED)
    before = snapshot(application)

    with pytest.raises(WorkflowError) as error:
        services.rate(application.pk, request.getfixturevalue(persona), rating=4)

    assert error.value.message == NOT_ALLOWED
    assert snapshot(application) == before


def test_can_rate_only_the_company_once_closed(application_in, sme_user, staff_user):
    application = application_in(State.CLOSED)

    assert services.can_rate(sme_user, application) is True
    assert services.can_rate(staff_user, application) is False
    services.rate(application.pk, sme_user, rating=3)
    application.refresh_from_db()
    assert services.can_rate(sme_user, application) is False


# --- What each persona may do next ---------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "persona", "actions"),
    [
        (State.DRAFT, "sme_user", [Action.SUBMIT]),
        (State.DRAFT, "advisor", []),
        (State.AWAITING_SPONSOR, "sme_user", [Action.WITHDRAW]),
        (State.AWAITING_SPONSOR, "advisor", [Action.ENDORSE, Action.DECLINE_ENDORSEMENT]),
        (State.AWAITING_SPONSOR, "other_advisor", []),
        (State.AWAITING_SPONSOR, "staff_user", []),
        (
            State.IN_REVIEW,
            "staff_user",
            [Action.REQUEST_INFORMATION, Action.PROPOSE, Action.REJECT],
        ),
        (
            State.IN_REVIEW,
            "admin_user",
            [Action.REQUEST_INFORMATION, Action.PROPOSE, Action.REJECT],
        ),
        (State.AWAITING_SPONSOR, "admin_user", []),
        (State.CLOSED, "admin_user", []),
        (State.IN_REVIEW, "sme_user", [Action.WITHDRAW]),
        (State.AWAITING_INFORMATION, "sme_user", [Action.ANSWER_INFORMATION, Action.WITHDRAW]),
        (State.AWAITING_INFORMATION, "staff_user", [Action.REJECT]),
        (State.PROPOSED, "interlocutor", [Action.ACCEPT_MATCH, Action.DECLINE_MATCH]),
        (State.PROPOSED, "other_interlocutor", []),
        (State.PROPOSED, "staff_user", []),
        (State.PROPOSED, "sme_user", [Action.WITHDRAW]),
        (State.ACCOMPANIED, "interlocutor", [Action.CLOSE]),
        (State.ACCOMPANIED, "staff_user", [Action.CLOSE]),
        (State.ACCOMPANIED, "sme_user", []),
        (State.CLOSED, "sme_user", []),
        (State.CLOSED, "staff_user", []),
    ],
)
def test_available_actions_per_persona_and_state(application_in, request, state, persona, actions):
    application = application_in(state)

    assert services.available_actions(request.getfixturevalue(persona), application) == actions
