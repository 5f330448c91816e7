"""Pages where corporations keep their data up to date: an interlocutor's own profile, a
corporation's presences and hosting offers (its coordinators, or staff), and staff's list of
member corporations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import can, rule_required

from . import selectors, services
from .forms import ProfileForm, absence_formset, offer_formset, presence_formset
from .models import Interlocutor
from .services import CorporationError


@login_required
@rule_required("corporations.change_own_profile")
def profile(request):
    """The interlocutor's own row, found from the user: there is no id to tamper with."""
    interlocutor = get_object_or_404(
        Interlocutor.objects.select_related("corporation", "user"), user=request.user
    )
    # Read before the form is bound: validating it writes the typed values on the instance.
    load = {"open": interlocutor.open_accompaniments, "capacity": interlocutor.capacity}
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, instance=interlocutor)
    absences = absence_formset(data, interlocutor=interlocutor)
    status = 200
    if data is not None:
        if all([form.is_valid(), absences.is_valid()]):
            try:
                services.update_profile(
                    interlocutor.pk,
                    job_title=form.cleaned_data["job_title"],
                    countries=form.cleaned_data["countries"],
                    sectors=form.cleaned_data["sectors"],
                    capacity=form.cleaned_data["capacity"],
                    absences=absences,
                )
            except CorporationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Votre profil est enregistré."))
                return redirect("corporations:profile")
        status = 400
    return render(
        request,
        "corporations/profile.html",
        {"interlocutor": interlocutor, "load": load, "form": form, "absences": absences},
        status=status,
    )


@login_required
def corporation_edit(request, slug):
    """Presences and hosting offers of one corporation; a 404 for those who may not edit it."""
    corporation = get_object_or_404(selectors.editable_corporations(request.user), slug=slug)
    if not can(request.user, "corporations.change_corporation", corporation):
        raise Http404  # the scoped lookup above already says so; never a hint it exists
    data = request.POST if request.method == "POST" else None
    presences = presence_formset(data, corporation=corporation)
    offers = offer_formset(data, corporation=corporation)
    status = 200
    if data is not None:
        if all([presences.is_valid(), offers.is_valid()]):
            try:
                with transaction.atomic():
                    services.save_presences(corporation, presences)
                    services.save_offers(corporation, offers)
            except CorporationError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "Les implantations et offres d'hébergement de %(corporation)s sont "
                        "enregistrées."
                    )
                    % {"corporation": corporation},
                )
                return redirect("corporations:corporation_edit", slug=corporation.slug)
        status = 400
    return render(
        request,
        "corporations/corporation_form.html",
        {
            "corporation": corporation,
            "presences": presences,
            "offers": offers,
            "can_list": can(request.user, "corporations.view_corporation_list"),
        },
        status=status,
    )


@login_required
@rule_required("corporations.view_corporation_list")
def corporation_list(request):
    return render(
        request,
        "corporations/corporation_list.html",
        {"corporations": selectors.corporations_with_counts()},
    )
