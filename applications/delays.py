"""How long a step of an application's life usually takes, and the one way every page words it.

Two steps are measured (`selectors.delay_estimates`): the sponsor's decision (from the
submission to the endorsement or the decline) and the association's review (from the
endorsement to the decision, pauses excluded). Each estimate is the median and the 90th
percentile of the last 90 days, or the programme's own figure while there are too few
measures. The home page, the submit page, the confirmation after submitting and the panel
"Et maintenant ?" of an application's page all word them with `describe`, so that they never
disagree.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class DelayEstimate:
    """How long a step takes, in days, rounded up."""

    median_days: int
    p90_days: int  # nine in ten take at most this
    measures: int  # how many finished steps it comes from; 0: the programme's own figure

    @property
    def measured(self) -> bool:
        return self.measures > 0


@dataclass(frozen=True)
class DelayEstimates:
    sponsor: DelayEstimate  # the sponsor's decision
    review: DelayEstimate  # the association's review


def days(count: int) -> str:
    return ngettext("%(days)s jour", "%(days)s jours", count) % {"days": count}


def describe(estimate: DelayEstimate) -> str:
    """The estimate in words: "en général 12 jours (9 demandes sur 10 en 21 jours au plus)",
    or the programme's figure, said to be one, when there are too few measures."""
    if not estimate.measured:
        return _("%(days)s au plus (objectif du programme)") % {"days": days(estimate.median_days)}
    return _("en général %(median)s (9 demandes sur 10 en %(p90)s au plus)") % {
        "median": days(estimate.median_days),
        "p90": days(estimate.p90_days),
    }


@dataclass(frozen=True)
class WordedDelays:
    """Both steps in words, and the sentences the pages that explain the steps say them in."""

    sponsor: str
    review: str
    sponsor_sentence: str
    review_sentence: str
    measured: bool  # at least one step is measured: the pages say over which period


def worded(estimates: DelayEstimates) -> WordedDelays:
    sponsor, review = describe(estimates.sponsor), describe(estimates.review)
    return WordedDelays(
        sponsor=sponsor,
        review=review,
        sponsor_sentence=_("Décision du parrain : %(delay)s.") % {"delay": sponsor},
        review_sentence=_(
            "Instruction par l'équipe Pacte PME, une fois la demande parrainée : %(delay)s."
        )
        % {"delay": review},
        measured=estimates.sponsor.measured or estimates.review.measured,
    )
