"""The SME's pages: its creation by the person who signs up for it, its description, and the
colleagues invited to act for it too."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import services as account_services
from accounts.enums import Role
from accounts.forms import ColleagueInvitationForm
from accounts.models import Invitation
from accounts.ratelimits import exceeded, rate_limited
from accounts.roles import role_of

from . import selectors, services
from .forms import CompanyForm


@login_required
def company_create(request):
    if role_of(request.user) is not None:
        messages.info(request, _("Votre compte est déjà rattaché à une organisation."))
        return redirect("home")
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        company = services.create_company(request.user, **form.cleaned_data)
        messages.success(
            request,
            _("%(company)s est enregistrée. Vous pouvez déposer votre première demande.")
            % {"company": company},
        )
        return redirect("applications:create")
    return render(request, "companies/company_form.html", {"form": form, "creating": True})


@login_required
def company_edit(request):
    company = selectors.company_of(request.user)
    if company is None:
        return redirect("home")
    form = CompanyForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Les informations de l'entreprise sont enregistrées."))
        return redirect(_next_url(request) or "applications:dashboard")
    return _company_page(request, company, form, ColleagueInvitationForm())


def _next_url(request) -> str | None:
    """Where to go back to after saving (the summary before sending links here with
    `?next=`): a path of this site only, never another one."""
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def _company_page(request, company, form, invite_form, status=200):
    members = company.memberships.select_related("user").order_by("user__last_name")
    pending = Invitation.objects.pending().filter(company=company)
    return render(
        request,
        "companies/company_form.html",
        {
            "form": form,
            "company": company,
            "members": members,
            "invite_form": invite_form,
            "pending_invitations": pending,
            "next_url": _next_url(request),
        },
        status=status,
    )


@login_required
@require_POST
@rate_limited
def company_invite(request):
    """A member of the company invites a colleague to act for it too."""
    company = selectors.company_of(request.user)
    if company is None:
        raise PermissionDenied
    invite_form = ColleagueInvitationForm(request.POST)
    if not invite_form.is_valid() or exceeded(request, "invitation", invite_form):
        return _company_page(request, company, CompanyForm(instance=company), invite_form, 400)
    invitation = account_services.invite(
        invited_by=request.user, role=Role.COMPANY, company=company, **invite_form.cleaned_data
    )
    messages.success(
        request,
        ngettext(
            "Invitation envoyée à %(email)s : le lien est valable %(days)s jour.",
            "Invitation envoyée à %(email)s : le lien est valable %(days)s jours.",
            settings.INVITATION_MAX_AGE_DAYS,
        )
        % {"email": invitation.email, "days": settings.INVITATION_MAX_AGE_DAYS},
    )
    return redirect("companies:edit")
