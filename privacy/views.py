"""Pages of privacy: one's data (download, deletion) and the public page on retention."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET
from django_ratelimit.core import is_ratelimited

from . import export as data_export
from . import services
from .forms import DeleteAccountForm

# Password guesses through the deletion form, per account.
DELETION_ATTEMPTS_RATE = "5/15m"


@login_required
def overview(request):
    return render(request, "privacy/overview.html")


@login_required
@require_GET
@never_cache
def export(request):
    """The archive of the user's data, built on the fly and streamed (never stored)."""
    archive = data_export.build(request.user)
    filename = f"mes-donnees-pacte-pme-{timezone.localdate():%Y-%m-%d}.zip"
    return FileResponse(
        archive, as_attachment=True, filename=filename, content_type="application/zip"
    )


@login_required
@sensitive_post_parameters("password")
@never_cache
def delete_account(request):
    user = request.user
    refused = services.refusal(user)
    form = DeleteAccountForm(user, request.POST or None)
    if request.method == "POST":
        if refused:
            raise PermissionDenied(refused)
        limited = is_ratelimited(
            request,
            group="privacy.delete_account",
            key="user",
            rate=DELETION_ATTEMPTS_RATE,
            method="POST",
            increment=True,
        )
        if limited:
            form.add_error(
                None,
                _(
                    "Trop de tentatives : votre compte n'a pas été supprimé. Réessayez dans "
                    "un quart d'heure."
                ),
            )
        elif form.is_valid():
            services.delete_account(user.pk)
            logout(request)
            messages.success(
                request,
                _(
                    "Votre compte est supprimé et vous êtes déconnecté. Vos données "
                    "personnelles ont été effacées ; merci d'avoir utilisé le portail."
                ),
            )
            return redirect("home")
    return render(
        request,
        "privacy/delete_account.html",
        {"form": form, "refused": refused, "consequences": services.consequences(user)},
    )


def retention(request):
    """Public: what the portal keeps, why, for how long, and the person's rights."""
    return render(
        request,
        "privacy/retention.html",
        {
            "draft_reminder_days": settings.DRAFT_REMINDER_DAYS,
            "draft_deletion_days": settings.DRAFT_DELETION_DAYS,
            "closed_retention_days": settings.CLOSED_RETENTION_DAYS,
            "closed_retention_years": settings.CLOSED_RETENTION_DAYS // 365,
            "draft_reminder_months": settings.DRAFT_REMINDER_DAYS // 30,
            "login_record_days": settings.LOGIN_RECORD_RETENTION_DAYS,
            "login_failure_limit": settings.AXES_FAILURE_LIMIT,
            "login_lockout_minutes": _minutes(settings.AXES_COOLOFF_TIME),
            "notification_days": settings.NOTIFICATION_RETENTION_DAYS,
            "mail_record_days": settings.MAIL_RECORD_RETENTION_DAYS,
            "export_days": settings.EXPORT_RETENTION_DAYS,
            "session_idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
            "session_max_hours": settings.SESSION_MAX_SECONDS // 3600,
            "invitation_days": settings.INVITATION_MAX_AGE_DAYS,
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        },
    )


def _minutes(cooloff) -> int | None:
    """django-axes's cool-off as minutes: a timedelta, or a number of hours."""
    if hasattr(cooloff, "total_seconds"):
        return int(cooloff.total_seconds() // 60)
    if isinstance(cooloff, int | float):
        return int(cooloff * 60)
    return None
