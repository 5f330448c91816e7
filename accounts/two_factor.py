"""Two-factor authentication (TOTP with single-use recovery codes, on django-otp): who must
use it, setting it up and turning it off, the second step of the login, and their pages.

Association staff and administrators must use it (they see every application); everyone else
may. Once a user has a confirmed device, every session of theirs gives a code before anything
else: `accounts.middleware.TwoFactorRequiredMiddleware` holds it at the verification page.
"""

import math
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.timesince import timeuntil
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
# Names of the devices, as the admin lists them.
TOTP_DEVICE_NAME = "Application d'authentification"
RECOVERY_DEVICE_NAME = "Codes de secours"
# The recovery codes just made, kept in the session until their page shows them, once.
FRESH_CODES_SESSION_KEY = "two_factor_fresh_codes"


# --- Who, and with which device ------------------------------------------------------------


def is_required_for(user) -> bool:
    """Association staff and administrators: they see every application."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return getattr(user, "staff_membership", None) is not None


def confirmed_device(user) -> TOTPDevice | None:
    """The authenticator app the user set up, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_confirmed_device(user) -> bool:
    """Whether the user set up an authenticator app: as the request's user was loaded
    (`accounts.backends.request_users`), or asked."""
    known = getattr(user, "has_confirmed_device", None)
    if known is not None:
        return known
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user).order_by("pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def pending_device(user) -> TOTPDevice:
    """The device being set up. Its secret stays until it is confirmed, so that a QR code
    already scanned keeps working after a wrong code or a reload."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the user's app shows now, or the next step's when this one was already used
    (django-otp accepts each step once, and one step ahead). For demos and tests."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp()
    if totp.t() <= device.last_t:
        totp.time += (device.last_t + 1 - totp.t()) * device.step
    return f"{totp.token():0{device.digits}d}"


def secret_of(device: TOTPDevice) -> str:
    """The secret in base32, for typing by hand: in groups of four characters."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth URI as an inline SVG: presentation attributes only, no style or script,
    so the strict CSP holds."""
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(
        scale=5,
        border=2,
        light="#fff",
        svgclass="two-factor-qr",
        title=str(_("Code QR à scanner avec votre application d'authentification")),
    )
    # segno's own markup, its title escaped by segno (bandit B308 B703, ruff S308).
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703


# --- Changes -------------------------------------------------------------------------------


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with fresh ones; returns them (shown once)."""
    device = recovery_device(user)
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


@transaction.atomic
def activate(device: TOTPDevice) -> list[str]:
    """Confirm the device being set up, in place of any earlier one; returns fresh recovery
    codes."""
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


@transaction.atomic
def turn_off(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# --- Checking a code -----------------------------------------------------------------------


def _normalise(code: str) -> str:
    """Apps show "123 456"; recovery codes may be copied with a dash or in capitals."""
    return "".join(code.split()).replace("-", "").lower()


def _wait_message(locked_until) -> str:
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    if seconds < 60:
        delay = ngettext("%(count)d seconde", "%(count)d secondes", seconds) % {"count": seconds}
    else:
        delay = timeuntil(locked_until)
    return _(
        "Trop d'essais infructueux : par sécurité, patientez %(delay)s avant de saisir un "
        "nouveau code."
    ) % {"delay": delay}


def _check(device, code: str):
    """The device, locked for the check so that a recovery code or a TOTP step is accepted
    once, if it accepts `code`; None if not. Raises a ValidationError that says so while
    django-otp's throttling (a growing delay after each failure) holds the device."""
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            raise ValidationError(_wait_message(details["locked_until"]), code="throttled")
        return device if device.verify_token(code) else None


class CodeForm(forms.Form):
    """A code from the authenticator app, or (given the `recovery_device`) one of the
    recovery codes. The device that accepted it is `self.device`."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    invalid_message = _(
        "Ce code n'est pas valide ou a déjà servi. Saisissez le code à 6 chiffres affiché "
        "en ce moment par votre application, ou l'un de vos codes de secours."
    )

    def __init__(self, totp_device, data=None, *, recovery_device=None):
        super().__init__(data)
        self.totp_device = totp_device
        self.recovery_device = recovery_device
        self.device = None
        if recovery_device is not None:
            self.fields["code"].help_text = _(
                "Le code à 6 chiffres de votre application, ou un code de secours (8 caractères)."
            )

    def clean_code(self):
        code = _normalise(self.cleaned_data["code"])
        if code.isdigit() and len(code) == self.totp_device.digits:
            device = self.totp_device
        elif self.recovery_device is not None:
            device = self.recovery_device
        else:
            raise ValidationError(self.invalid_message, code="invalid")
        self.device = _check(device, code)
        if self.device is None:
            raise ValidationError(self.invalid_message, code="invalid")
        return code


class SetupCodeForm(CodeForm):
    invalid_message = _(
        "Ce code ne correspond pas. Saisissez les 6 chiffres affichés en ce moment par votre "
        "application (vérifiez que l'heure de votre téléphone est juste)."
    )


# --- Where to go after the code ------------------------------------------------------------


def _next_url(request) -> str:
    """The page asked for before the code, if it is one of ours and not this step again."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    # A path of ours only: `redirect` would take anything else ("12") for a view's name.
    if not safe or not url.startswith("/") or url.startswith(reverse("accounts:two_factor_verify")):
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    return url


def with_next(url_name: str, next_url: str | None) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def second_step(user, response):
    """After the password: a user with a device gives a code before going where the login
    would have sent them."""
    if confirmed_device(user) is None:
        return response
    return redirect(with_next("accounts:two_factor_verify", response.url))


def step_due(request) -> str | None:
    """Where an unverified session must go first: the code if the user has a device, the
    set-up if they must use it and have none; None if they may carry on."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if has_confirmed_device(user):
        return "accounts:two_factor_verify"
    if is_required_for(user):
        return "accounts:two_factor_setup"
    return None


def _verified(request, device) -> None:
    # A new session key with the higher trust, as at login.
    request.session.cycle_key()
    django_otp.login(request, device)


# --- Pages ---------------------------------------------------------------------------------


@login_required
def status(request):
    user = request.user
    return render(
        request,
        "accounts/two_factor_status.html",
        {
            "device": confirmed_device(user),
            "required": is_required_for(user),
            "recovery_left": recovery_codes_left(user),
        },
    )


@login_required
@never_cache
def setup(request):
    """Scan the QR code (or type the secret), then confirm with a code from the app. A user
    who has a device must give a code first: a password alone never replaces the device."""
    user = request.user
    current = confirmed_device(user)
    if current is not None and not user.is_verified():
        return redirect(with_next("accounts:two_factor_verify", request.get_full_path()))
    device = pending_device(user)
    form = SetupCodeForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = activate(device)
        _verified(request, device)
        request.session[FRESH_CODES_SESSION_KEY] = codes
        messages.success(request, _("La double authentification est activée sur votre compte."))
        return redirect("accounts:two_factor_recovery_codes")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "replacing": current is not None,
            "required": is_required_for(user),
            "qr_code": qr_code_svg(device),
            "secret": secret_of(device),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


@login_required
@never_cache
def verify(request):
    """The login's second step: a code from the app, or a recovery code (used up)."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    device = confirmed_device(user)
    if device is None:
        if is_required_for(user):
            return redirect(with_next("accounts:two_factor_setup", next_url))
        return redirect(next_url)
    form = CodeForm(device, request.POST or None, recovery_device=recovery_device(user))
    if request.method == "POST" and form.is_valid():
        _verified(request, form.device)
        if isinstance(form.device, StaticDevice):
            left = recovery_codes_left(user)
            messages.warning(
                request,
                _(
                    "Vous avez utilisé un code de secours : il vous en reste %(count)d. "
                    "Vous pouvez en générer de nouveaux depuis « Sécurité du compte »."
                )
                % {"count": left},
            )
        return redirect(next_url)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@login_required
@never_cache
def recovery_codes(request):
    """The recovery codes just made, shown once."""
    codes = request.session.pop(FRESH_CODES_SESSION_KEY, None)
    if not codes:
        messages.info(
            request,
            _(
                "Les codes de secours ne s'affichent qu'une fois. Si vous les avez perdus, "
                "générez-en de nouveaux."
            ),
        )
        return redirect("accounts:two_factor")
    return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes})


@login_required
@require_POST
def regenerate_recovery_codes(request):
    user = request.user
    if confirmed_device(user) is None or not user.is_verified():
        raise PermissionDenied
    request.session[FRESH_CODES_SESSION_KEY] = new_recovery_codes(user)
    messages.success(
        request, _("Nouveaux codes de secours créés : les précédents ne fonctionnent plus.")
    )
    return redirect("accounts:two_factor_recovery_codes")


@login_required
def disable(request):
    """Turning it off: only for a user who need not use it, and with a current code."""
    user = request.user
    if is_required_for(user):
        raise PermissionDenied
    device = confirmed_device(user)
    if device is None:
        return redirect("accounts:two_factor")
    form = CodeForm(device, request.POST or None, recovery_device=recovery_device(user))
    if request.method == "POST" and form.is_valid():
        turn_off(user)
        messages.success(request, _("La double authentification est désactivée."))
        return redirect("accounts:two_factor")
    return render(request, "accounts/two_factor_disable.html", {"form": form})
