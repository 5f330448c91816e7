"""The panel "Et maintenant ?" of an application's page: whom the application waits for, since
when, how long that step usually takes, and the one main action for the person reading.

`next_step` is a pure function: no query, no clock. Its inputs are the application (its state,
company, sponsor body and when its state began), its matches, the reader's role and the moves
they may make, and the delay estimates (`selectors.delay_estimates`). The page keeps the
panel in the cache with the rest of its content (`applications.caching`): it changes with the
application (any move saves it), the person and the language, which the page's key holds. The
estimates it quotes are read at most ten minutes old and the page is kept ten minutes at most
(`page_cache.PAGE_SECONDS`): a figure quoted lags the decisions it counts by twenty minutes at
worst, which moves a median over 90 days by a fraction of a day at most.

The reader is the one waited for when they may make the move the step waits for (the moves
allowed come from `services.available_actions`, so the rules decide, not the role alone).
"""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.enums import Role
from corporations.enums import MatchStatus

from .delays import DelayEstimates, describe
from .enums import Action, State


@dataclass(frozen=True)
class MainAction:
    label: str
    href: str  # a form of the page ("#action-<action>") or another page
    # The form is an item of the page's accordion of actions, opened by the link.
    unfolds: bool = False


@dataclass(frozen=True)
class NextStep:
    state: str
    waiting_for: str | None  # None: nobody (the accompaniment is under way, or it is over)
    since: datetime | None  # when the state began
    usual_delay: str | None  # the step's usual length, in words (`delays.describe`)
    main_action: MainAction | None
    note: str  # what happens next, for this reader


def named_matches(matches, user_pk: int, staff: bool) -> list:
    """The matches whose corporation the reader may see named, as `selectors.
    live_match_visibility` says: an accepted one, a proposal only to the staff and to the
    interlocutor it was made to."""
    return [
        match
        for match in matches
        if match.status == MatchStatus.ACCEPTED
        or (
            match.status == MatchStatus.PROPOSED
            and (staff or match.interlocutor.user_id == user_pk)
        )
    ]


def _unfold(action: Action) -> MainAction:
    return MainAction(label=str(action.label), href=f"#action-{action.value}", unfolds=True)


def _corporation(matches, status: str) -> str | None:
    match = next((match for match in matches if match.status == status), None)
    return str(match.interlocutor.corporation) if match is not None else None


def next_step(
    application,
    role: Role | str | None,
    actions: list[Action],
    estimates: DelayEstimates,
    matches=(),
    *,
    ranking_shown: bool = False,
) -> NextStep:
    """What comes next for `application`, as a reader of `role` who may make `actions` sees
    it, naming only the corporations of `matches` (those the reader may see named:
    `named_matches`). `ranking_shown`: the page shows the ranking to propose from (staff),
    not the proposal's form."""
    state = application.state
    company = str(application.company)
    since = application.state_changed_at
    waiting_for = usual_delay = main_action = None

    if state == State.DRAFT:
        if Action.SUBMIT in actions:
            waiting_for = _("vous")
            main_action = MainAction(
                label=_("Choisir le parrain et soumettre"),
                href=reverse("applications:submit", args=[application.pk]),
            )
            note = _(
                "Complétez votre demande si besoin, puis choisissez l'organisme qui la "
                "parrainera : elle ne part qu'une fois soumise."
            )
        else:
            waiting_for = _("%(company)s (la PME)") % {"company": company}
            note = _("Brouillon : la PME ne l'a pas encore soumise à un parrain.")

    elif state == State.AWAITING_SPONSOR:
        body = str(application.sponsor_body)
        usual_delay = describe(estimates.sponsor)
        if Action.ENDORSE in actions:
            waiting_for = _("vous, pour %(body)s") % {"body": body}
            main_action = _unfold(Action.ENDORSE)
            note = _(
                "Parrainez la demande, ou refusez-la en donnant votre motif : la PME est "
                "prévenue par e-mail."
            )
        else:
            waiting_for = _("%(body)s (organisme parrain)") % {"body": body}
            if role == Role.COMPANY:
                note = _(
                    "Rien à faire de votre part pour l'instant : vous serez prévenu par e-mail "
                    "de la décision du parrain."
                )
            else:
                note = _(
                    "L'instruction par l'équipe Pacte PME commencera une fois la demande parrainée."
                )

    elif state == State.IN_REVIEW:
        usual_delay = describe(estimates.review)
        if Action.PROPOSE in actions:
            waiting_for = _("vous, l'équipe Pacte PME")
            main_action = (
                MainAction(label=str(Action.PROPOSE.label), href="#ranking-title")
                if ranking_shown
                else _unfold(Action.PROPOSE)
            )
            note = _(
                "Proposez le dossier au correspondant d'un grand groupe, demandez des "
                "compléments à la PME ou refusez la demande."
            )
        else:
            waiting_for = _("l'équipe Pacte PME")
            if role == Role.COMPANY:
                note = _(
                    "Rien à faire de votre part pour l'instant : l'équipe vous écrira si elle a "
                    "besoin de compléments."
                )
            else:
                note = _("L'équipe Pacte PME instruit la demande.")

    elif state == State.AWAITING_INFORMATION:
        if Action.ANSWER_INFORMATION in actions:
            waiting_for = _("vous")
            main_action = MainAction(
                label=_("Répondre à la demande de compléments"),
                href=f"#action-{Action.ANSWER_INFORMATION.value}",
                unfolds=True,
            )
            note = _(
                "L'équipe Pacte PME attend votre réponse : le délai d'instruction reste en "
                "pause jusqu'à ce que vous répondiez avec ce bouton (un simple message ne "
                "vaut pas réponse)."
            )
        else:
            waiting_for = _("%(company)s (la PME)") % {"company": company}
            note = _("Le délai d'instruction est en pause jusqu'à la réponse de la PME.")

    elif state == State.PROPOSED:
        usual_delay = describe(estimates.review)
        if Action.ACCEPT_MATCH in actions:
            waiting_for = _("vous")
            main_action = _unfold(Action.ACCEPT_MATCH)
            note = _("Acceptez d'accompagner la PME, ou déclinez la proposition avec un motif.")
        else:
            corporation = _corporation(matches, MatchStatus.PROPOSED)
            waiting_for = (
                _("le correspondant du grand groupe %(corporation)s") % {"corporation": corporation}
                if corporation
                else _("le correspondant d'un grand groupe")
            )
            if role == Role.COMPANY:
                note = _(
                    "Rien à faire de votre part pour l'instant : vous serez prévenu par e-mail "
                    "de sa réponse."
                )
            else:
                note = _(
                    "S'il décline la proposition ou ne répond pas, le dossier revient à "
                    "l'équipe Pacte PME."
                )

    elif state == State.ACCOMPANIED:
        corporation = _corporation(matches, MatchStatus.ACCEPTED)
        note = (
            _("Accompagnement en cours avec le grand groupe %(corporation)s.")
            % {"corporation": corporation}
            if corporation
            else _("Accompagnement en cours.")
        )
        if Action.CLOSE in actions:
            main_action = _unfold(Action.CLOSE)

    elif state == State.CLOSED:
        if Action.RATE in actions:
            main_action = _unfold(Action.RATE)
            note = _("Accompagnement clôturé : dites-nous comment il s'est passé.")
        else:
            note = _("Accompagnement clôturé.")

    elif state == State.REJECTED:
        note = _("Demande refusée par l'équipe Pacte PME.")

    else:  # State.WITHDRAWN
        note = _("Demande retirée par la PME.")

    return NextStep(
        state=state,
        waiting_for=waiting_for,
        since=since,
        usual_delay=usual_delay,
        main_action=main_action,
        note=note,
    )
