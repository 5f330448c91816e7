"""The programme's public pages, open to everyone: the home page (which sends each person who
holds a role to their own), the programme explained, and the member corporations with the
countries where they operate. No personal data (`reports.programme`)."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from accounts.enums import Role
from accounts.roles import role_of
from applications import guide, selectors
from applications.enums import State, SupportKind

from .. import programme as reads

ROLE_HOME = {
    Role.COMPANY: "applications:dashboard",
    Role.ADVISOR: "applications:sponsor_queue",
    Role.STAFF: "applications:staff_queue",
    Role.INTERLOCUTOR: "applications:interlocutor_queue",
}


def home(request):
    role = role_of(request.user)
    if role is not None:
        return redirect(ROLE_HOME[role])
    if request.user.is_authenticated:
        return redirect("companies:create")
    return render(
        request,
        "home.html",
        {
            "headline": reads.live_figures(),
            "delays": selectors.worded_delays(),
            "prepare": guide.what_to_prepare(),
            "contact_email": settings.CONTACT_EMAIL,
        },
    )


# What each kind of support brings (the programme's own words).
SUPPORTS = [
    (
        SupportKind.ADVICE,
        "compass",
        _(
            "Un grand groupe implanté dans le pays vous éclaire sur sa réglementation, son "
            "marché, ses décideurs et ses sphères politiques et économiques, et vous aide à "
            "définir votre stratégie."
        ),
    ),
    (
        SupportKind.HOSTING,
        "building",
        _(
            "Des locaux à l'étranger pour vos salariés ou vos volontaires internationaux en "
            "entreprise (VIE). Certains groupes proposent des bureaux à prix coûtant. La demande "
            "se fait en ligne, ici."
        ),
    ),
    (
        SupportKind.COMMERCIAL,
        "people",
        _(
            "Des relations commerciales avec les grands groupes présents dans le pays, pour "
            "prospecter ensemble plutôt que seul."
        ),
    ),
]

# The life of a request, in the workflow's own states (`applications.enums.State`), main path.
STEPS = [
    (
        State.DRAFT,
        _(
            "Vous décrivez votre entreprise (SIREN, secteur, taille) et votre projet dans un "
            "pays cible, avec les appuis que vous demandez."
        ),
    ),
    (
        State.AWAITING_SPONSOR,
        _(
            "Vous adressez la demande à votre CCI ou au comité local des CCE, qui la parraine. "
            "S'il refuse, la demande vous revient avec son motif."
        ),
    ),
    (
        State.IN_REVIEW,
        _(
            "L'équipe Pacte PME instruit le dossier. Elle peut vous demander des compléments : "
            "le délai d'instruction s'interrompt jusqu'à votre réponse."
        ),
    ),
    (
        State.PROPOSED,
        _(
            "Le dossier est proposé au correspondant d'un grand groupe qui connaît le pays visé "
            "et travaille dans un métier cohérent avec le vôtre. S'il décline, l'équipe en "
            "cherche un autre."
        ),
    ),
    (
        State.ACCOMPANIED,
        _("Le correspondant accepte : il vous accompagne dans le pays."),
    ),
    (
        State.CLOSED,
        _(
            "L'accompagnement terminé, le dossier est clôturé avec son résultat, et vous "
            "évaluez l'appui reçu."
        ),
    ),
]


@require_safe
def programme(request):
    return render(
        request,
        "reports/public/programme.html",
        {
            "supports": SUPPORTS,
            "steps": STEPS,
            "delays": selectors.worded_delays(),
            "headline": reads.live_figures(),
        },
    )


@require_safe
def corporations(request):
    return render(
        request, "reports/public/corporations.html", {"directory": reads.directory_html()}
    )
