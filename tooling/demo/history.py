"""The programme's history, for the figures: its yearly goals, and its past months'
applications, accompanied, closed and rated, or rejected, with reviews of about a month (some
paused for the SME's answer)."""

from typing import NamedTuple

from django.utils import timezone

from accounts.models import User
from applications import services
from applications.enums import Maturity, Outcome
from notifications.models import Notification
from reports.models import Goal
from tooling.demo.cast import Cast
from tooling.demo.organisations import CCE_OCCITANIE, CCI_HDF, CCI_LYON, CCI_PARIS
from tooling.demo.people import INTERLOCUTOR_USER, demo
from tooling.demo.story import Story


class Past(NamedTuple):
    """A past application: the SME (its key in COMPANIES), the target, the corporation that
    accompanied it, the days ago of the endorsement, the review's days (pauses excluded), the
    days paused waiting for the SME's answer, and (outcome, the SME's rating), or None for a
    rejection."""

    key: str
    country: str
    city: str
    corporation: str
    endorsed: int
    review: int
    paused: int
    result: tuple[Outcome, int] | None

    @property
    def accepted(self) -> int:
        """Days ago the review ended."""
        return self.endorsed - self.review - self.paused


HISTORY = [
    Past("depolia", "VN", "Hanoi", "alstom", 318, 24, 0, (Outcome.BUSINESS, 5)),
    Past("pyrene", "MA", "Casablanca", "renault", 305, 31, 6, (Outcome.ESTABLISHED, 4)),
    Past("forez", "CN", "Shanghai", "edf", 290, 27, 0, (Outcome.BUSINESS, 4)),
    Past("hydrelis", "VN", "Hanoi", "alstom", 276, 19, 0, (Outcome.ESTABLISHED, 5)),
    Past("delcourt", "MA", "Tanger", "renault", 262, 35, 10, (Outcome.POSTPONED, 3)),
    Past("rhone", "VN", "Hô Chi Minh-Ville", "schneider", 250, 22, 0, (Outcome.BUSINESS, 4)),
    Past("solenvie", "CN", "Pékin", "edf", 236, 29, 0, (Outcome.ESTABLISHED, 4)),
    Past("mecaprecis", "VN", "Hanoi", "alstom", 222, 26, 5, (Outcome.BUSINESS, 5)),
    Past("datalyse", "CN", "Shanghai", "edf", 208, 40, 0, None),
    Past("depolia", "MA", "Casablanca", "renault", 196, 28, 0, (Outcome.BUSINESS, 4)),
    Past("pyrene", "VN", "Hanoi", "alstom", 182, 17, 0, (Outcome.ESTABLISHED, 5)),
    Past("forez", "VN", "Hô Chi Minh-Ville", "schneider", 170, 33, 0, (Outcome.BUSINESS, 3)),
    Past("hydrelis", "CN", "Pékin", "edf", 158, 25, 7, (Outcome.ABANDONED, 2)),
    Past("delcourt", "VN", "Hanoi", "alstom", 146, 21, 0, (Outcome.BUSINESS, 5)),
    Past("rhone", "MA", "Casablanca", "renault", 134, 30, 0, None),
    Past("solenvie", "MA", "Tanger", "renault", 124, 23, 0, (Outcome.ESTABLISHED, 4)),
    Past("mecaprecis", "CN", "Shanghai", "edf", 112, 27, 4, (Outcome.BUSINESS, 4)),
    Past("datalyse", "VN", "Hanoi", "alstom", 102, 36, 0, (Outcome.BUSINESS, 4)),
    Past("depolia", "CN", "Pékin", "edf", 95, 18, 0, (Outcome.ESTABLISHED, 5)),
    Past("pyrene", "MA", "Casablanca", "renault", 90, 32, 0, None),
]
HISTORY_DESCRIPTION = (
    "Nous voulons rencontrer les donneurs d'ordre présents dans le pays et comprendre ses "
    "règles d'accès au marché avant d'y envoyer un VIE."
)
# Their sponsor bodies, in turn.
SPONSORS = [CCI_LYON, CCI_PARIS, CCI_HDF, CCE_OCCITANIE]
# The interlocutor of each corporation that accompanied them.
INTERLOCUTORS = {
    "alstom": INTERLOCUTOR_USER.email,
    "schneider": demo("correspondant2"),
    "edf": demo("correspondant3"),
    "renault": demo("correspondant5"),
}


def seed_goals() -> None:
    """The programme's goals: 65 SMEs in its first ten months, 100 the year after; the
    demo asks 100 of this year and 65 of the last."""
    year = timezone.localdate().year
    for goal_year, smes in ((year - 1, 65), (year, 100)):
        Goal.objects.get_or_create(year=goal_year, defaults={"smes_accompanied": smes})


def seed_history(cast: Cast) -> list[Story]:
    """The past months' applications, in HISTORY's order. What they told people then is long
    gone: their notifications are deleted once made (`forget_history_notifications`)."""
    interlocutors = {key: User.objects.get(email=email) for key, email in INTERLOCUTORS.items()}
    return [
        past_application(cast, number, past, interlocutors) for number, past in enumerate(HISTORY)
    ]


def past_application(cast: Cast, number: int, past: Past, interlocutors) -> Story:
    sponsor = SPONSORS[number % 4]
    story = (
        cast.story(
            past.endorsed + 5,
            past.key,
            target_country=past.country,
            target_city=past.city,
            wants_advice=True,
            wants_commercial=number % 2 == 0,
            maturity=Maturity.PROSPECTING,
            description=HISTORY_DESCRIPTION,
        )
        .then(
            past.endorsed + 3,
            services.submit,
            cast.member(past.key),
            sponsor_body=cast.bodies[sponsor],
        )
        .then(past.endorsed, services.endorse, cast.advisor_of(sponsor))
    )
    reviewer = cast.staff if number % 3 else cast.staff2
    if past.paused:
        paused_for_the_budget(cast, story, past, reviewer)
    if past.result is None:
        story.then(
            past.accepted,
            services.reject,
            reviewer,
            reason="Le projet relève d'abord d'un premier diagnostic export.",
        )
    else:
        accompanied_closed_and_rated(cast, story, past, reviewer, interlocutors[past.corporation])
    return story


def paused_for_the_budget(cast: Cast, story: Story, past: Past, reviewer: User) -> None:
    """A question three days into the review, answered `past.paused` days later."""
    story.then(
        past.endorsed - 3,
        services.request_information,
        reviewer,
        question="Quel budget consacrez-vous à ce pays la première année ?",
    ).then(
        past.endorsed - 3 - past.paused,
        services.answer_information,
        cast.member(past.key),
        answer="Environ 120 000 €, dont un VIE.",
    )


def accompanied_closed_and_rated(
    cast: Cast, story: Story, past: Past, reviewer: User, interlocutor: User
) -> None:
    """Proposed two days before the review ends, accepted, closed 45 days later, rated."""
    outcome, rating = past.result
    story.then(
        past.accepted + 2,
        services.propose,
        reviewer,
        interlocutor=cast.interlocutor(interlocutor),
    ).then(past.accepted, services.accept_match, interlocutor).then(
        past.accepted - 45, services.close, reviewer, outcome=outcome, note="Bilan fait."
    ).then(past.accepted - 46, services.rate, cast.member(past.key), rating=rating)


def forget_history_notifications(history: list[int]) -> None:
    """The notifications of the past months' applications (`history`, their pks), made after
    the commit (the outbox relays their tasks then): the demo's bells hold only what is
    current."""
    Notification.objects.filter(application__in=history).delete()
