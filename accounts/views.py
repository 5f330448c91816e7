"""Pages of accounts: sign-up and email verification, login and logout, password reset,
invitations and their acceptance, the user's sessions."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext_lazy as _
from django.views import i18n as i18n_views
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import lockouts, services, spraying, two_factor
from .forms import (
    AcceptInvitationForm,
    AccountForm,
    EmailForm,
    InvitationForm,
    LoginForm,
    PasswordResetForm,
    SetPasswordForm,
    SignupForm,
)
from .middleware import session_started_at
from .models import Invitation, User
from .permissions import can, rule_required
from .ratelimits import exceeded, rate_limited

MODEL_BACKEND = "accounts.backends.UserBackend"


def _remember_language(response, user: User):
    """Answer in the user's language from now on, as Django's set_language view does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


# The language chosen with the switch before logging in, kept in the (anonymous) session until
# the login: a browser's cookie may be what someone else chose before, the session is this
# visit's own, and logging out ends it.
CHOSEN_LANGUAGE_SESSION_KEY = "accounts_chosen_language"


def _settle_language(request, user: User) -> None:
    """At login, the user's explicit last choice wins: a language chosen with the switch
    during this visit, before logging in, becomes the account's; without one, the account's
    stored language applies (not the browser's Accept-Language, which nobody chose here).
    Called just after Django's `login`, which keeps the session's data under its new key."""
    chosen = request.session.pop(CHOSEN_LANGUAGE_SESSION_KEY, None)
    if chosen in dict(settings.LANGUAGES):
        services.set_language(user, chosen)


def _log_in(request, user: User) -> None:
    login(request, user, backend=MODEL_BACKEND)
    _settle_language(request, user)
    # The message that follows is rendered in the user's language, not the page's.
    translation.activate(user.language)


def set_language(request):
    """Django's `set_language` (the switch at the foot of every page), which also makes the
    choice the account's while logged in, or keeps it for the login (`_settle_language`)."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language") if request.method == "POST" else None
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            services.set_language(request.user, language)
        else:
            request.session[CHOSEN_LANGUAGE_SESSION_KEY] = language
    return response


# --- Sign-up and email verification ------------------------------------------------------


@sensitive_post_parameters("password1", "password2")
@rate_limited
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    # Every attempt counts, valid or not: the limit is what makes probing addresses slow.
    if request.method == "POST" and not exceeded(request, "signup", form) and form.is_valid():
        email = form.cleaned_data["email"]
        # A new address or one that has an account: the same answer (see services.sign_up).
        services.sign_up(
            email=email,
            password=form.cleaned_data["password1"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            language=services.current_language(),
        )
        request.session["signup_email"] = email
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


def signup_done(request):
    email = request.session.get("signup_email", "")
    return render(
        request,
        "accounts/signup_done.html",
        {"email": email, "form": EmailForm(initial={"email": email})},
    )


def _user_from_uidb64(uidb64: str) -> User | None:
    try:
        return User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        return None


def verify_email(request, uidb64, token):
    """The link of the verification mail: a page with a button, so that mail scanners that
    open links do not use it up; the button's POST activates the account and logs in."""
    user = _user_from_uidb64(uidb64)
    if not services.check_verification_token(user, token):
        return render(request, "accounts/verify_email_invalid.html", {"form": EmailForm()})
    if request.method == "POST":
        services.verify_email(user)
        _log_in(request, user)
        messages.success(
            request,
            _(
                "Votre adresse e-mail est vérifiée. Bienvenue ! Présentez maintenant votre "
                "entreprise."
            ),
        )
        return _remember_language(redirect("companies:create"), user)
    return render(request, "accounts/verify_email_confirm.html", {"verified_user": user})


@rate_limited
def resend_verification(request):
    form = EmailForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and not exceeded(request, "resend_verification", form)
    ):
        services.resend_verification(form.cleaned_data["email"])
        # The same answer whether or not an account exists: nothing to learn from it.
        messages.info(
            request,
            _(
                "Si un compte en attente de vérification correspond à cette adresse, un "
                "nouveau lien vient de lui être envoyé."
            ),
        )
        return redirect("accounts:signup_done")
    return render(request, "accounts/resend_verification.html", {"form": form})


# --- Login, logout, password reset -------------------------------------------------------


# An attempt on an account slowed down for password spraying is a 429 (accounts.spraying).
@method_decorator(rate_limited, name="dispatch")
class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # A user with a second factor gives a code before going on (accounts.two_factor).
        response = two_factor.second_step(form.get_user(), response)
        # The right password: this browser is the owner's, never slowed down for this account.
        spraying.remember_device(self.request, response, form.get_user())
        _settle_language(self.request, form.get_user())
        return _remember_language(response, form.get_user())


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Vous êtes déconnecté(e). À bientôt !"))
        return response


@method_decorator(rate_limited, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    subject_template_name = "emails/password_reset-subject.txt"
    email_template_name = "emails/password_reset-body.txt"
    html_email_template_name = "emails/password_reset-body.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        # Links in mails use the portal's configured address, as every other mail does.
        return {"site_url": settings.SITE_URL}

    def form_valid(self, form):
        if exceeded(self.request, "password_reset", form):
            return self.form_invalid(form)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        lockouts.forget_failures_of(form.user)
        return response


# --- Invitations -------------------------------------------------------------------------


@login_required
@rate_limited
def invitation_create(request):
    if not can(request.user, "accounts.invite_users"):
        raise PermissionDenied
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not exceeded(request, "invitation", form):
        invitation = services.invite(
            invited_by=request.user,
            **{name: form.cleaned_data[name] for name in InvitationForm.Meta.fields},
        )
        messages.success(
            request,
            _("Invitation envoyée à %(email)s (%(role)s).")
            % {"email": invitation.email, "role": invitation.get_role_display()},
        )
        return redirect("accounts:invitation_create")
    pending = Invitation.objects.pending().select_related(
        "invited_by", "sponsor_body", "corporation"
    )
    return render(request, "accounts/invitation_create.html", {"form": form, "pending": pending})


def _invitation_unavailable(request, reason: str, status: int):
    return render(
        request, "accounts/invitation_unavailable.html", {"reason": reason}, status=status
    )


@sensitive_post_parameters("password1", "password2")
def invitation_accept(request, token):
    """Anonymous page of an invitation's link. An unknown token is a 404; an invitation
    already accepted or expired is a 410 (Gone), with a page that says what to do."""
    invitation = (
        Invitation.objects.select_related("invited_by", "sponsor_body", "corporation")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        return _invitation_unavailable(request, "unknown", 404)
    if invitation.accepted_at is not None:
        return _invitation_unavailable(request, "accepted", 410)
    if invitation.is_expired:
        return _invitation_unavailable(request, "expired", 410)

    form = AcceptInvitationForm(invitation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(invitation, form.cleaned_data["password1"])
        except services.InvitationError as error:
            form.add_error(None, error.message)
        else:
            _log_in(request, user)
            messages.success(
                request,
                _("Bienvenue sur le portail Pacte PME international, %(name)s !")
                % {"name": user.first_name},
            )
            return _remember_language(redirect("home"), user)
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )


# --- The account ---------------------------------------------------------------------------


@login_required
def account(request):
    """ "Mon compte": the account's settings, its language first (that of its pages after each
    login, of its mails and of its notifications)."""
    user = request.user
    form = AccountForm(
        request.POST if request.method == "POST" else None, initial={"language": user.language}
    )
    if request.method == "POST" and form.is_valid():
        services.set_language(user, form.cleaned_data["language"])
        translation.activate(user.language)
        messages.success(request, _("Vos réglages sont enregistrés."))
        return _remember_language(redirect("accounts:account"), user)
    return render(request, "accounts/account.html", {"form": form})


# --- Sessions ----------------------------------------------------------------------------


@login_required
def sessions(request):
    """ "Mes sessions": when this one started, how long it lasts, and the way out of all."""
    started_at = session_started_at(request)
    return render(
        request,
        "accounts/sessions.html",
        {
            "started_at": started_at,
            "ends_at": started_at + timedelta(seconds=settings.SESSION_MAX_SECONDS),
            "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        },
    )


@login_required
@require_POST
def logout_everywhere(request):
    """End every session of the user, on every device, this one included: whoever uses this
    fears someone else is logged in, and a fresh login (password, second factor) is the state
    to trust afterwards."""
    request.user.end_all_sessions()
    logout(request)
    messages.success(
        request,
        _(
            "Vous êtes déconnecté(e) de toutes vos sessions, sur tous vos appareils. "
            "Reconnectez-vous pour continuer."
        ),
    )
    return redirect("accounts:login")


# --- Login lockouts ----------------------------------------------------------------------


@login_required
@rule_required("accounts.unlock_logins")
def lockout_list(request):
    """The username and address pairs django-axes refuses now, for the association's staff."""
    return render(
        request,
        "accounts/lockout_list.html",
        {
            "lockouts": lockouts.current(),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": int(lockouts.cool_off().total_seconds() // 60),
        },
    )


@login_required
@require_POST
@rule_required("accounts.unlock_logins")
def lockout_unlock(request):
    """Lift one lockout before its cool-off ends (the person called the association)."""
    form = lockouts.UnlockForm(request.POST)
    if form.is_valid() and lockouts.unlock(**form.cleaned_data, by=request.user):
        messages.success(
            request,
            _("La connexion de %(username)s depuis l'adresse %(address)s est débloquée.")
            % {
                "username": form.cleaned_data["username"],
                "address": form.cleaned_data["ip_address"],
            },
        )
    else:
        messages.info(request, _("Ce verrouillage était déjà levé."))
    return redirect("accounts:lockout_list")
