"""The panel "Et maintenant ?" of an application's page (`applications.next_step`): whom the
application waits for, since when, how long that step usually takes and the reader's main
action, for every state and every role; and the one wording of the delays
(`applications.delays`), measured or promised, on every page that states them."""

import html
import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from accounts.enums import Role
from applications import selectors, services
from applications.delays import DelayEstimate, DelayEstimates, describe, worded
from applications.enums import Action, State
from applications.models import ApplicationEvent
from applications.next_step import MainAction, named_matches, next_step
from corporations.enums import MatchStatus
from sponsors.enums import Decision
from sponsors.models import Endorsement
from tests.factories import ApplicationFactory, SponsorBodyFactory

DAY = timedelta(days=1)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ESTIMATES = DelayEstimates(
    sponsor=DelayEstimate(median_days=5, p90_days=9, measures=12),
    review=DelayEstimate(median_days=19, p90_days=27, measures=10),
)
SPONSOR = "en général 5 jours (9 demandes sur 10 en 9 jours au plus)"
REVIEW = "en général 19 jours (9 demandes sur 10 en 27 jours au plus)"
INTERLOCUTOR_PK = 7

# --- The pure function, every state for every role --------------------------------------------

# The moves each role may make in each state, as the rules give them to the personas (checked
# against the rules by `test_the_moves_assumed_are_the_rules_own` below).
MOVES = {
    Role.COMPANY: {
        State.DRAFT: [Action.SUBMIT],
        State.AWAITING_SPONSOR: [Action.WITHDRAW],
        State.IN_REVIEW: [Action.WITHDRAW],
        State.AWAITING_INFORMATION: [Action.ANSWER_INFORMATION, Action.WITHDRAW],
        State.PROPOSED: [Action.WITHDRAW],
        State.CLOSED: [Action.RATE],
    },
    Role.ADVISOR: {State.AWAITING_SPONSOR: [Action.ENDORSE, Action.DECLINE_ENDORSEMENT]},
    Role.STAFF: {
        State.IN_REVIEW: [Action.REQUEST_INFORMATION, Action.PROPOSE, Action.REJECT],
        State.AWAITING_INFORMATION: [Action.REJECT],
        State.ACCOMPANIED: [Action.CLOSE],
    },
    Role.INTERLOCUTOR: {
        State.PROPOSED: [Action.ACCEPT_MATCH, Action.DECLINE_MATCH],
        State.ACCOMPANIED: [Action.CLOSE],
    },
}

PME = "Asconit Consultants (la PME)"
BODY = "CCI Lyon (organisme parrain)"
TEAM = "l'équipe Pacte PME"
DRAFT_NOTE = "Brouillon : la PME ne l'a pas encore soumise à un parrain."
SPONSOR_WAIT = "L'instruction par l'équipe Pacte PME commencera une fois la demande parrainée."
REVIEWING = "L'équipe Pacte PME instruit la demande."
PAUSED = "Le délai d'instruction est en pause jusqu'à la réponse de la PME."
PENDING = "S'il décline la proposition ou ne répond pas, le dossier revient à l'équipe Pacte PME."
SOME_INTERLOCUTOR = "le correspondant d'un grand groupe"
ACCOMPANYING = "Accompagnement en cours avec le grand groupe Alstom."
CLOSE = MainAction("Clôturer l'accompagnement", "#action-close", unfolds=True)
SUBMIT = "submit"  # the submit page's address, worked out in the test

# (state, role): (waiting for, usual delay, main action, note)
EXPECTED = {
    (State.DRAFT, Role.COMPANY): (
        "vous",
        None,
        MainAction("Choisir le parrain et soumettre", SUBMIT),
        "Complétez votre demande si besoin, puis choisissez l'organisme qui la parrainera : "
        "elle ne part qu'une fois soumise.",
    ),
    (State.DRAFT, Role.ADVISOR): (PME, None, None, DRAFT_NOTE),
    (State.DRAFT, Role.STAFF): (PME, None, None, DRAFT_NOTE),
    (State.DRAFT, Role.INTERLOCUTOR): (PME, None, None, DRAFT_NOTE),
    (State.AWAITING_SPONSOR, Role.COMPANY): (
        BODY,
        SPONSOR,
        None,
        "Rien à faire de votre part pour l'instant : vous serez prévenu par e-mail de la "
        "décision du parrain.",
    ),
    (State.AWAITING_SPONSOR, Role.ADVISOR): (
        "vous, pour CCI Lyon",
        SPONSOR,
        MainAction("Parrainer", "#action-endorse", unfolds=True),
        "Parrainez la demande, ou refusez-la en donnant votre motif : la PME est prévenue "
        "par e-mail.",
    ),
    (State.AWAITING_SPONSOR, Role.STAFF): (BODY, SPONSOR, None, SPONSOR_WAIT),
    (State.AWAITING_SPONSOR, Role.INTERLOCUTOR): (BODY, SPONSOR, None, SPONSOR_WAIT),
    (State.IN_REVIEW, Role.COMPANY): (
        TEAM,
        REVIEW,
        None,
        "Rien à faire de votre part pour l'instant : l'équipe vous écrira si elle a besoin "
        "de compléments.",
    ),
    (State.IN_REVIEW, Role.ADVISOR): (TEAM, REVIEW, None, REVIEWING),
    (State.IN_REVIEW, Role.STAFF): (
        "vous, l'équipe Pacte PME",
        REVIEW,
        MainAction("Proposer à un correspondant", "#ranking-title"),
        "Proposez le dossier au correspondant d'un grand groupe, demandez des compléments à "
        "la PME ou refusez la demande.",
    ),
    (State.IN_REVIEW, Role.INTERLOCUTOR): (TEAM, REVIEW, None, REVIEWING),
    (State.AWAITING_INFORMATION, Role.COMPANY): (
        "vous",
        None,
        MainAction(
            "Répondre à la demande de compléments", "#action-answer_information", unfolds=True
        ),
        "L'équipe Pacte PME attend votre réponse : le délai d'instruction reste en pause "
        "jusqu'à ce que vous répondiez avec ce bouton (un simple message ne vaut pas réponse).",
    ),
    (State.AWAITING_INFORMATION, Role.ADVISOR): (PME, None, None, PAUSED),
    (State.AWAITING_INFORMATION, Role.STAFF): (PME, None, None, PAUSED),
    (State.AWAITING_INFORMATION, Role.INTERLOCUTOR): (PME, None, None, PAUSED),
    (State.PROPOSED, Role.COMPANY): (
        SOME_INTERLOCUTOR,  # a proposal's corporation is not named to the SME
        REVIEW,
        None,
        "Rien à faire de votre part pour l'instant : vous serez prévenu par e-mail de sa réponse.",
    ),
    (State.PROPOSED, Role.ADVISOR): (SOME_INTERLOCUTOR, REVIEW, None, PENDING),
    (State.PROPOSED, Role.STAFF): (
        "le correspondant du grand groupe Alstom",
        REVIEW,
        None,
        PENDING,
    ),
    (State.PROPOSED, Role.INTERLOCUTOR): (
        "vous",
        REVIEW,
        MainAction("Accepter l'accompagnement", "#action-accept_match", unfolds=True),
        "Acceptez d'accompagner la PME, ou déclinez la proposition avec un motif.",
    ),
    (State.ACCOMPANIED, Role.COMPANY): (None, None, None, ACCOMPANYING),
    (State.ACCOMPANIED, Role.ADVISOR): (None, None, None, ACCOMPANYING),
    (State.ACCOMPANIED, Role.STAFF): (None, None, CLOSE, ACCOMPANYING),
    (State.ACCOMPANIED, Role.INTERLOCUTOR): (None, None, CLOSE, ACCOMPANYING),
    (State.CLOSED, Role.COMPANY): (
        None,
        None,
        MainAction("Évaluer l'accompagnement", "#action-rate", unfolds=True),
        "Accompagnement clôturé : dites-nous comment il s'est passé.",
    ),
    (State.CLOSED, Role.ADVISOR): (None, None, None, "Accompagnement clôturé."),
    (State.CLOSED, Role.STAFF): (None, None, None, "Accompagnement clôturé."),
    (State.CLOSED, Role.INTERLOCUTOR): (None, None, None, "Accompagnement clôturé."),
    **{
        (State.REJECTED, role): (None, None, None, "Demande refusée par l'équipe Pacte PME.")
        for role in Role
    },
    **{(State.WITHDRAWN, role): (None, None, None, "Demande retirée par la PME.") for role in Role},
}


def test_every_state_and_role_is_expected():
    assert set(EXPECTED) == {(state, role) for state in State for role in Role}


def match(status):
    return SimpleNamespace(
        status=status,
        interlocutor=SimpleNamespace(corporation="Alstom", user_id=INTERLOCUTOR_PK),
    )


def matches_in(state):
    if state == State.PROPOSED:
        return [match(MatchStatus.DECLINED), match(MatchStatus.PROPOSED)]
    if state in (State.ACCOMPANIED, State.CLOSED):
        return [match(MatchStatus.ACCEPTED)]
    return []


def reader_pk(role):
    return INTERLOCUTOR_PK if role == Role.INTERLOCUTOR else 1


@pytest.mark.parametrize(("state", "role"), sorted(EXPECTED))
def test_next_step_for_every_state_and_role(state, role):
    application = SimpleNamespace(
        pk=42,
        state=state,
        company="Asconit Consultants",
        sponsor_body="CCI Lyon",
        state_changed_at=NOW,
    )
    seen = named_matches(matches_in(state), reader_pk(role), staff=role == Role.STAFF)

    with translation.override("fr"):
        step = next_step(
            application,
            role,
            MOVES[role].get(state, []),
            ESTIMATES,
            seen,
            ranking_shown=role == Role.STAFF and state == State.IN_REVIEW,
        )

    waiting_for, usual_delay, main_action, note = EXPECTED[(state, role)]
    if main_action is not None and main_action.href == SUBMIT:
        main_action = MainAction(main_action.label, reverse("applications:submit", args=[42]))
    assert (step.waiting_for, step.usual_delay, step.main_action, step.note) == (
        waiting_for,
        usual_delay,
        main_action,
        note,
    )
    assert step.since == NOW
    assert step.state == state


def test_next_step_in_english():
    application = SimpleNamespace(
        pk=42,
        state=State.AWAITING_SPONSOR,
        company="Asconit Consultants",
        sponsor_body="CCI Lyon",
        state_changed_at=NOW,
    )

    with translation.override("en"):
        step = next_step(application, Role.COMPANY, [Action.WITHDRAW], ESTIMATES)

    assert (step.waiting_for, step.usual_delay, step.note) == (
        "CCI Lyon (sponsor body)",
        "usually 5 days (9 applications in 10 within 9 days)",
        "Nothing to do on your side for now: you will be told of the sponsor's decision by email.",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(State))
def test_the_moves_assumed_are_the_rules_own(
    state, application_in, sme_user, advisor, staff_user, interlocutor
):
    application = application_in(state)
    personas = {
        Role.COMPANY: sme_user,
        Role.ADVISOR: advisor,
        Role.STAFF: staff_user,
        Role.INTERLOCUTOR: interlocutor,
    }
    application.known_matches = list(application.matches.all())

    for role, user in personas.items():
        actions = services.available_actions(user, application)
        if services.can_rate(user, application):
            actions.append(Action.RATE)
        assert actions == MOVES[role].get(state, []), role


# --- The wording of the delays ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("estimate", "french", "english"),
    [
        (
            DelayEstimate(12, 21, 10),
            "en général 12 jours (9 demandes sur 10 en 21 jours au plus)",
            "usually 12 days (9 applications in 10 within 21 days)",
        ),
        (
            DelayEstimate(1, 2, 40),
            "en général 1 jour (9 demandes sur 10 en 2 jours au plus)",
            "usually 1 day (9 applications in 10 within 2 days)",
        ),
        (
            DelayEstimate(30, 30, 0),
            "30 jours au plus (objectif du programme)",
            "at most 30 days (the programme's target)",
        ),
    ],
)
def test_a_delay_is_worded_one_way(estimate, french, english):
    with translation.override("fr"):
        assert describe(estimate) == french
    with translation.override("en"):
        assert describe(estimate) == english


def test_both_steps_are_worded_in_sentences():
    with translation.override("fr"):
        delays = worded(ESTIMATES)

    assert delays.sponsor_sentence == f"Décision du parrain : {SPONSOR}."
    assert delays.review_sentence == (
        f"Instruction par l'équipe Pacte PME, une fois la demande parrainée : {REVIEW}."
    )
    assert delays.measured


# --- The sponsor's step, measured ---------------------------------------------------------------


def sponsor_decision(days: float, *, decided: datetime, declined: bool = False, application=None):
    """A submission and, `days` later, the sponsor's decision on it."""
    application = application or ApplicationFactory(sponsor_body=SponsorBodyFactory())
    ApplicationEvent.objects.create(
        application=application,
        action=Action.SUBMIT,
        from_state=State.DRAFT,
        to_state=State.AWAITING_SPONSOR,
        created_at=decided - days * DAY,
    )
    Endorsement.objects.create(
        application=application,
        sponsor_body=application.sponsor_body,
        decision=Decision.DECLINED if declined else Decision.ENDORSED,
        reason="Projet à préciser." if declined else "",
        created_at=decided,
    )
    return application


@pytest.mark.django_db
def test_the_sponsors_step_is_measured_over_the_decisions_of_the_last_90_days(settings):
    settings.REVIEW_ESTIMATE_MIN_REVIEWS = 10
    # Eight decisions of 1 to 8 days, endorsements and declines alike.
    for n, days in enumerate([1, 2, 3, 4, 5, 6, 7, 8]):
        sponsor_decision(days, decided=NOW - (n + 1) * DAY, declined=n % 2 == 0)
    # Declined after 9 days, submitted again and endorsed 10 days after the second submission:
    # each decision counts from the submission it answered.
    again = sponsor_decision(9, decided=NOW - 40 * DAY, declined=True)
    sponsor_decision(10, decided=NOW - 2 * DAY, application=again)
    # Not counted: decided more than 90 days ago.
    sponsor_decision(60, decided=NOW - 91 * DAY)

    estimate = selectors.expected_sponsor(NOW)

    # Ten decisions of 1 to 10 days: median 5.5, told as 6; the 90th percentile interpolates
    # between the 9th and 10th (9 and 10 days): 9.1, told as 10.
    assert (estimate.median_days, estimate.p90_days, estimate.measures) == (6, 10, 10)


@pytest.mark.django_db
def test_until_there_are_enough_decisions_the_sponsors_step_is_the_programmes_figure(settings):
    settings.REVIEW_ESTIMATE_MIN_REVIEWS = 10
    settings.SPONSOR_TARGET_DAYS = 14
    for days in range(9):
        sponsor_decision(days + 1, decided=NOW - DAY)

    estimate = selectors.expected_sponsor(NOW)

    assert (estimate.median_days, estimate.p90_days, estimate.measures) == (14, 14, 0)


# --- The pages that state the delays ------------------------------------------------------------

PROMISED_SPONSOR = "Décision du parrain : 14 jours au plus (objectif du programme)."
PROMISED_REVIEW = (
    "Instruction par l'équipe Pacte PME, une fois la demande parrainée : 30 jours au plus "
    "(objectif du programme)."
)


@pytest.fixture
def promised(settings):
    """Too few measures: both steps are the programme's figures."""
    settings.REVIEW_ESTIMATE_MIN_REVIEWS = 10
    settings.SPONSOR_TARGET_DAYS = 14
    settings.REVIEW_TARGET_DAYS = 30


def text_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_the_home_page_states_both_steps(client, promised):
    page = text_of(client.get(reverse("home")))

    assert PROMISED_SPONSOR in page
    assert PROMISED_REVIEW in page
    assert "un mois en moyenne" not in page


@pytest.mark.django_db
def test_the_submit_page_and_its_confirmation_state_both_steps(
    client, promised, sme_user, sponsor_body, draft_application
):
    application = draft_application
    client.force_login(sme_user)
    url = reverse("applications:submit", args=[application.pk])

    page = text_of(client.get(url))
    response = client.post(url, {"sponsor_body": sponsor_body.pk, "expected_state": "draft"})

    assert PROMISED_SPONSOR in page
    assert PROMISED_REVIEW in page
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Votre demande est envoyée à {sponsor_body} pour parrainage. Vous serez prévenu par "
        f"e-mail de sa décision. {PROMISED_SPONSOR} {PROMISED_REVIEW}"
    ]


# --- The panel on the application's page ------------------------------------------------------


def panel(page: str) -> dict[str, str]:
    """The panel's parts by their test id, as text."""
    section = re.search(r'<section[^>]*data-testid="next-step".*?</section>', page, re.S)
    assert section, "no panel"
    parts = re.findall(r'data-testid="(next-step-[\w-]+)"[^>]*>(.*?)</', section.group(0), re.S)
    hrefs = re.findall(r'href="([^"]*)"[^>]*data-testid="next-step-action"', section.group(0))
    found = {name: html.unescape(" ".join(text.split())) for name, text in parts}
    if hrefs:
        found["href"] = hrefs[0]
    return found


CCI = "CCI Lyon Métropole Saint-Étienne Roanne"


def detail(client, application) -> str:
    response = client.get(reverse("applications:detail", args=[application.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "state", "waiting_for", "href"),
    [
        ("sme_user", State.DRAFT, "vous", None),  # the submit page's address
        ("sme_user", State.AWAITING_SPONSOR, f"{CCI} (organisme parrain)", None),
        ("advisor", State.AWAITING_SPONSOR, f"vous, pour {CCI}", "#action-endorse"),
        ("staff_user", State.IN_REVIEW, "vous, l'équipe Pacte PME", "#ranking-title"),
        ("sme_user", State.AWAITING_INFORMATION, "vous", "#action-answer_information"),
        ("staff_user", State.AWAITING_INFORMATION, "Asconit Consultants (la PME)", None),
        ("interlocutor", State.PROPOSED, "vous", "#action-accept_match"),
        ("sme_user", State.PROPOSED, "le correspondant d'un grand groupe", None),
        ("staff_user", State.PROPOSED, "le correspondant du grand groupe Alstom", None),
        ("interlocutor", State.ACCOMPANIED, None, "#action-close"),
        ("sme_user", State.CLOSED, None, "#action-rate"),
    ],
)
def test_the_panel_shows_on_the_page_for_each_role(
    client, request, application_in, persona, state, waiting_for, href
):
    application = application_in(state)
    client.force_login(request.getfixturevalue(persona))

    page = detail(client, application)
    shown = panel(page)

    assert page.count('data-testid="next-step"') == 1
    assert shown.get("next-step-waiting-for") == waiting_for
    with translation.override("fr"):
        since = date_format(localtime(application.state_changed_at), "DATE_FORMAT")
    assert shown["next-step-since"] == since
    if state == State.DRAFT:
        href = reverse("applications:submit", args=[application.pk])
    assert shown.get("href") == href
    if href and href.startswith("#"):
        assert f'id="{href[1:]}"' in page  # the form it leads to is on the page


@pytest.mark.django_db
def test_the_panel_changes_at_once_after_a_move(
    client, promised, application_in, sme_user, advisor
):
    application = application_in(State.AWAITING_SPONSOR)
    client.force_login(sme_user)
    before = panel(detail(client, application))

    services.endorse(application.pk, advisor)
    after = panel(detail(client, application))

    assert before["next-step-waiting-for"] == f"{CCI} (organisme parrain)"
    assert before["next-step-delay"] == "14 jours au plus (objectif du programme)"
    assert after["next-step-waiting-for"] == "l'équipe Pacte PME"
    assert after["next-step-delay"] == "30 jours au plus (objectif du programme)"


@pytest.mark.django_db
def test_the_panel_quotes_the_measured_delays(client, application_in, sme_user, settings):
    settings.REVIEW_ESTIMATE_MIN_REVIEWS = 10
    application = application_in(State.AWAITING_SPONSOR)
    now = datetime.now(UTC)
    for n, days in enumerate([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]):
        sponsor_decision(days, decided=now - (n + 1) * DAY)
    client.force_login(sme_user)

    shown = panel(detail(client, application))

    assert shown["next-step-delay"] == "en général 6 jours (9 demandes sur 10 en 10 jours au plus)"


@pytest.mark.django_db
def test_the_sme_is_told_a_message_is_not_the_answer_only_while_an_answer_is_owed(
    client, application_in, sme_user, staff_user
):
    waiting = application_in(State.AWAITING_INFORMATION)
    reviewing = application_in(State.IN_REVIEW)
    client.force_login(sme_user)
    sme_waiting, sme_reviewing = detail(client, waiting), detail(client, reviewing)
    client.force_login(staff_user)
    staff_waiting = detail(client, waiting)

    assert 'data-testid="message-not-answer"' in sme_waiting
    assert "le délai d'instruction reste en pause tant que vous n'avez pas répondu. Dites" in (
        html.unescape(sme_waiting)
    )
    assert 'data-testid="message-not-answer"' not in sme_reviewing
    assert 'data-testid="message-not-answer"' not in staff_waiting


@pytest.mark.django_db
def test_the_panel_in_english(client, application_in, sme_user):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)
    client.cookies["django_language"] = "en"

    page = detail(client, application)

    assert "What comes next?" in page
    assert panel(page)["next-step-waiting-for"] == "the Pacte PME team"
