"""Writes on corporations: an interlocutor's own profile, a corporation's presences and hosting
offers.

The counters the workflow keeps (an interlocutor's open accompaniments, an offer's reserved
desks) are never written from a form: the rows are locked, checked against the fresh counters,
and saved with the edited fields only, so an acceptance at the same moment is never undone.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, QuerySet, Sum
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import generations
from reference.models import Sector

from .enums import MatchStatus
from .models import HostingOffer, Interlocutor, Match, MemberCorporation
from .selectors import RANKING, subquery_total

PROFILE_FIELDS = ["job_title", "countries", "capacity"]
OFFER_FIELDS = [
    "country",
    "city",
    "desks",
    "monthly_price",
    "at_cost",
    "vie_accepted",
    "description",
]


# A proposal left to expire counts as decided, not accepted.
DECIDED = [MatchStatus.ACCEPTED, MatchStatus.DECLINED, MatchStatus.EXPIRED]


def recount_records(interlocutors: QuerySet[Interlocutor] | None = None) -> int:
    """Recompute the interlocutors' records (proposals decided and accepted, ratings) from the
    proposals themselves, in one statement: after a bulk import, or to repair them. The
    workflow's services keep them up to date otherwise. Returns how many were updated."""
    decided = Match.objects.filter(interlocutor=OuterRef("pk"), status__in=DECIDED)
    accepted = decided.filter(status=MatchStatus.ACCEPTED)
    rated = accepted.filter(application__rating__isnull=False)
    if interlocutors is None:
        interlocutors = Interlocutor.objects.all()
    updated = interlocutors.update(
        proposals_decided=subquery_total(decided, "interlocutor", Count("pk")),
        proposals_accepted=subquery_total(accepted, "interlocutor", Count("pk")),
        ratings_sum=subquery_total(rated, "interlocutor", Sum("application__rating")),
        ratings_count=subquery_total(rated, "interlocutor", Count("pk")),
    )
    generations.bump(RANKING)  # an update sends no signal (`applications.ranking`)
    return updated


class CorporationError(Exception):
    """A change refused for a reason the person can act on; `message` says it in their words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def capacity_below_load_message(open_accompaniments: int) -> str:
    return ngettext(
        "Vous suivez actuellement %(count)s dossier : votre capacité ne peut pas être inférieure.",
        "Vous suivez actuellement %(count)s dossiers : votre capacité ne peut pas être inférieure.",
        open_accompaniments,
    ) % {"count": open_accompaniments}


def desks_below_reserved_message(reserved_desks: int) -> str:
    return ngettext(
        "%(count)s poste est occupé par une PME accompagnée : l'offre ne peut pas en compter "
        "moins.",
        "%(count)s postes sont occupés par des PME accompagnées : l'offre ne peut pas en "
        "compter moins.",
        reserved_desks,
    ) % {"count": reserved_desks}


def offer_in_use_message(offer: HostingOffer) -> str:
    return _(
        "L'offre d'hébergement à %(city)s a servi à des mises en relation : elle ne peut pas "
        "être supprimée. Réduisez plutôt le nombre de postes offerts."
    ) % {"city": offer.city}


@transaction.atomic
def update_profile(
    interlocutor_id: int,
    *,
    job_title: str,
    countries: list[str],
    sectors: Iterable[Sector],
    capacity: int,
    absences: BaseInlineFormSet | None = None,
) -> Interlocutor:
    """An interlocutor's own profile: what they cover, how many dossiers they can follow, and
    (through the validated formset) their absence periods."""
    interlocutor = Interlocutor.objects.select_for_update().get(pk=interlocutor_id)
    if capacity < interlocutor.open_accompaniments:
        raise CorporationError(capacity_below_load_message(interlocutor.open_accompaniments))
    interlocutor.job_title = job_title
    interlocutor.countries = countries
    interlocutor.capacity = capacity
    interlocutor.save(update_fields=PROFILE_FIELDS)
    interlocutor.sectors.set(sectors)
    if absences is not None:
        absences.instance = interlocutor
        absences.save()
    return interlocutor


def save_presences(corporation: MemberCorporation, presences: BaseInlineFormSet) -> None:
    """Add, change and delete a corporation's presences from its validated formset."""
    if presences.instance.pk != corporation.pk:
        raise ValueError("The formset is not this corporation's.")
    try:
        with transaction.atomic():
            presences.save()
    except IntegrityError as error:  # the same place added by someone else meanwhile
        raise CorporationError(
            _("Une autre personne vient de modifier ces implantations : vérifiez puis recommencez.")
        ) from error


def save_offers(corporation: MemberCorporation, offers: BaseInlineFormSet) -> None:
    """Add, change and delete a corporation's hosting offers from its validated formset,
    never below the desks taken by accompaniments under way."""
    if offers.instance.pk != corporation.pk:
        raise ValueError("The formset is not this corporation's.")
    try:
        with transaction.atomic():
            _save_offers(corporation, offers)
    except IntegrityError as error:  # the constraints' last word, should a check be missed
        raise CorporationError(
            _("Une autre personne vient de modifier ces offres : vérifiez puis recommencez.")
        ) from error


def _save_offers(corporation: MemberCorporation, offers: BaseInlineFormSet) -> None:
    instances = offers.save(commit=False)  # new and changed offers; deletions listed apart
    existing = [offer.pk for offer in [*instances, *offers.deleted_objects] if offer.pk]
    locked = {
        offer.pk: offer
        for offer in HostingOffer.objects.select_for_update()
        .filter(pk__in=existing, corporation=corporation)
        .order_by("pk")
    }
    used = set(
        Match.objects.filter(hosting_offer_id__in=locked).values_list("hosting_offer_id", flat=True)
    )
    for offer in offers.deleted_objects:
        current = locked.get(offer.pk)
        if current is None:
            continue  # already gone
        if current.pk in used or current.reserved_desks:
            raise CorporationError(offer_in_use_message(current))
        current.delete()
    for offer in instances:
        if offer.pk is None:
            offer.corporation = corporation
            offer.reserved_desks = 0
            offer.save()
            continue
        current = locked.get(offer.pk)
        if current is None:
            raise CorporationError(
                _("Cette offre d'hébergement n'existe plus : rechargez la page.")
            )
        if offer.desks < current.reserved_desks:
            raise CorporationError(desks_below_reserved_message(current.reserved_desks))
        offer.reserved_desks = current.reserved_desks
        offer.save(update_fields=OFFER_FIELDS)
