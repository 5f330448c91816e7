"""Forms for accounts: sign-up, login, verification link, password reset and invitations."""

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outbox import services as outbox
from reference.widgets import SearchableSelect

from . import services, spraying
from .enums import Role
from .models import Invitation, User

PASSWORD_LABEL = _("Mot de passe")
PASSWORD_CONFIRMATION_LABEL = _("Confirmation du mot de passe")
PASSWORD_MISMATCH = _("Les deux mots de passe ne correspondent pas.")


def _password_fields():
    password1, password2 = auth_forms.SetPasswordMixin.create_password_fields(
        label1=PASSWORD_LABEL, label2=PASSWORD_CONFIRMATION_LABEL
    )
    password2.help_text = _("Saisissez le même mot de passe, pour vérification.")
    return password1, password2


class SignupForm(auth_forms.SetPasswordMixin, forms.ModelForm):
    """An SME user's sign-up: names, email and a password typed twice."""

    password1, password2 = _password_fields()

    error_messages = {"password_mismatch": PASSWORD_MISMATCH}

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]
        labels = {
            "first_name": _("Prénom"),
            "last_name": _("Nom"),
            "email": _("Adresse e-mail professionnelle"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["first_name"].widget.attrs.update(autofocus=True, autocomplete="given-name")
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_email(self):
        # Whether the address has an account is not the form's business: sign-up answers the
        # same either way (accounts.services.sign_up).
        return self.cleaned_data["email"].lower()

    def _get_validation_exclusions(self):
        # Nor is it the model's: its unique check would name a taken address.
        return {*super()._get_validation_exclusions(), "email"}

    def clean(self):
        self.validate_passwords()
        return super().clean()

    def _post_clean(self):
        super()._post_clean()
        # After super(), self.instance carries the names and email the validators compare to.
        self.validate_password_for_user(self.instance)


class SlowedLogin:
    """A login form that refuses an attempt on an account slowed down for password spraying
    (accounts.spraying) before the password is checked: no guess is answered during the wait,
    and the refusal is not counted as a failure. `request.limited` makes it a 429
    (accounts.ratelimits.rate_limited)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if isinstance(username, str) and username.strip() and self.request is not None:
            remaining = spraying.wait(self.request, username)
            if remaining is not None:
                self.request.limited = True
                raise ValidationError(spraying.message(remaining), code="slowed")
        return super().clean()


class AdminLoginForm(SlowedLogin, AdminAuthenticationForm):
    """The admin's login page (`admin.site.login_form`): slowed down like the portal's."""


class LoginForm(SlowedLogin, auth_forms.AuthenticationForm):
    """Login with the email address; says why an inactive account may not log in."""

    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=PASSWORD_LABEL,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("Adresse e-mail ou mot de passe incorrect."),
        "unverified": _(
            "Votre adresse e-mail n'est pas encore vérifiée. Cliquez sur le lien de l'e-mail "
            "que nous vous avons envoyé à l'inscription, ou demandez un nouveau lien."
        ),
        "inactive": _("Ce compte est désactivé. Contactez l'équipe Pacte PME."),
    }

    def get_invalid_login_error(self):
        # The authentication backend refuses inactive users outright; tell them why, but
        # only when the password is right, so the message reveals nothing to others.
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        user = User.objects.filter(email__iexact=email, is_active=False).first()
        if user is not None and user.check_password(password):
            if services.awaits_verification(user):
                return ValidationError(self.error_messages["unverified"], code="unverified")
            return ValidationError(self.error_messages["inactive"], code="inactive")
        return ValidationError(self.error_messages["invalid_login"], code="invalid_login")


LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


class AccountForm(forms.Form):
    """The settings of one's own account: the language of the portal and of the mails."""

    language = forms.ChoiceField(
        label=_("Langue du portail, des e-mails et des notifications"),
        # Each language in its own words, so that whoever reads the other finds theirs.
        choices=[(code, LANGUAGE_NAMES[code]) for code, _name in settings.LANGUAGES],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une langue.")},
    )


class EmailForm(forms.Form):
    """Just an email address: to ask for a new verification link."""

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def save(self, *args, **kwargs) -> None:
        """Queue the mail through the outbox (the worker builds the link) rather than send it
        during the request; the same answer whether or not an account exists."""
        for user in self.get_users(self.cleaned_data["email"]):
            outbox.enqueue("accounts.tasks.send_password_reset_mail", user_id=user.pk)


class SetPasswordForm(auth_forms.SetPasswordForm):
    new_password1, new_password2 = _password_fields()

    error_messages = {"password_mismatch": PASSWORD_MISMATCH}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Nouveau mot de passe")
        self.fields["new_password1"].widget.attrs["autofocus"] = True


class InvitationForm(forms.ModelForm):
    """Invite an advisor (with their sponsor body), a staff member or an interlocutor
    (with their corporation)."""

    class Meta:
        model = Invitation
        fields = ["role", "sponsor_body", "corporation", "first_name", "last_name", "email"]
        # Some 150 sponsor bodies: searchable.
        widgets = {"sponsor_body": SearchableSelect(empty_label=_("Aucun organisme parrain"))}
        help_texts = {
            "sponsor_body": _("Obligatoire pour un conseiller d'un organisme parrain."),
            "corporation": _("Obligatoire pour un correspondant d'un grand groupe."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each list's first choice says what it is for, rather than Django's "---------".
        self.fields["role"].choices = [("", _("Choisissez un rôle"))] + [
            (role.value, role.label) for role in Role if role != Role.COMPANY
        ]
        self.fields["sponsor_body"].queryset = self.fields["sponsor_body"].queryset.filter(
            is_active=True
        )
        self.fields["sponsor_body"].empty_label = _("Aucun (sauf pour un conseiller)")
        self.fields["corporation"].queryset = self.fields["corporation"].queryset.filter(
            is_active=True
        )
        self.fields["corporation"].empty_label = _("Aucun (sauf pour un correspondant)")

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if services.email_is_taken(email):
            raise ValidationError(
                _("Cette personne a déjà un compte sur le portail."), code="email_taken"
            )
        return email

    def clean(self):
        cleaned_data = super().clean()
        role = cleaned_data.get("role")
        if role == Role.ADVISOR and not cleaned_data.get("sponsor_body"):
            self.add_error(
                "sponsor_body",
                ValidationError(
                    _("Choisissez l'organisme parrain du conseiller."), code="required"
                ),
            )
        if role == Role.INTERLOCUTOR and not cleaned_data.get("corporation"):
            self.add_error(
                "corporation",
                ValidationError(_("Choisissez le grand groupe du correspondant."), code="required"),
            )
        # An organisation picked for another role is ignored rather than refused.
        if role != Role.ADVISOR:
            cleaned_data["sponsor_body"] = None
        if role != Role.INTERLOCUTOR:
            cleaned_data["corporation"] = None
        return cleaned_data


class ColleagueInvitationForm(forms.ModelForm):
    """An SME user invites a colleague to act for the same company."""

    class Meta:
        model = Invitation
        fields = ["first_name", "last_name", "email"]

    clean_email = InvitationForm.clean_email

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class AcceptInvitationForm(auth_forms.SetPasswordMixin, forms.Form):
    """The invited person chooses their password."""

    password1, password2 = _password_fields()

    error_messages = {"password_mismatch": PASSWORD_MISMATCH}

    def __init__(self, invitation: Invitation, *args, **kwargs):
        self.invitation = invitation
        super().__init__(*args, **kwargs)
        self.fields["password1"].widget.attrs["autofocus"] = True

    def clean(self):
        self.validate_passwords()
        # The validators compare the password to the person's names and address.
        self.validate_password_for_user(
            User(
                email=self.invitation.email,
                first_name=self.invitation.first_name,
                last_name=self.invitation.last_name,
            )
        )
        return super().clean()
