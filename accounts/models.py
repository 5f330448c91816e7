"""The user (email as login), the association staff membership and invitations."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .enums import Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("The email must be set")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    """A person who logs in with their email address.

    `is_staff` keeps Django's meaning (may use the admin site); the association role is a
    `StaffMembership`, the others are memberships in their own apps.
    """

    username = None
    email = models.EmailField(_("adresse e-mail"), unique=True)
    language = models.CharField(_("langue"), max_length=8, choices=settings.LANGUAGES, default="fr")
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    # Mixed into the hash every session holds (see `get_session_auth_hash`): a new value ends
    # every session of the user, on every device. Empty until the first "log out everywhere",
    # which leaves the hash of older sessions as Django made it.
    session_salt = models.CharField(max_length=64, blank=True, default="", editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    # Django checks this hash on every request of a session and ends the session when it no
    # longer matches: a new password or a new `session_salt` logs the user out everywhere.
    def get_session_auth_hash(self):
        return self._session_hash(secret=None)

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=secret)

    def _session_hash(self, secret):
        # Django's own key salt and hash of the password, the session salt appended: with no
        # salt yet, the very hash Django computes.
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            self.password + self.session_salt,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def end_all_sessions(self) -> None:
        """Log the user out of every session, on every device (the current one too)."""
        self.session_salt = secrets.token_hex(32)
        self.save(update_fields=["session_salt"])


class StaffMembership(models.Model):
    """Membership of the association's team (chargé(e) de mission Pacte PME)."""

    user = models.OneToOneField(
        User,
        on_delete=models.CASCADE,
        related_name="staff_membership",
        verbose_name=_("utilisateur"),
    )
    is_lead = models.BooleanField(_("responsable"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre de l'équipe Pacte PME")
        verbose_name_plural = _("membres de l'équipe Pacte PME")

    def __str__(self):
        return str(self.user)


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        limit = timezone.now() - timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
        return self.filter(accepted_at__isnull=True, created_at__gte=limit)


class Invitation(models.Model):
    """An invitation by email to join the portal in one role, accepted by setting a password."""

    email = models.EmailField(_("adresse e-mail"))
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom de famille"), max_length=150)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    sponsor_body = models.ForeignKey(
        "sponsors.SponsorBody",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("organisme parrain"),
    )
    corporation = models.ForeignKey(
        "corporations.MemberCorporation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("grand groupe"),
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("PME"),
        help_text=_("Pour inviter un collègue à rejoindre sa PME."),
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invité par")
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]),
                name="invitation_role_known",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.ADVISOR, sponsor_body__isnull=False)
                    | models.Q(role=Role.INTERLOCUTOR, corporation__isnull=False)
                    | models.Q(role=Role.COMPANY, company__isnull=False)
                    | models.Q(role=Role.STAFF)
                ),
                name="invitation_has_its_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.get_role_display()})"

    def get_absolute_url(self):
        return reverse("accounts:invitation_accept", args=[self.token])

    @property
    def is_expired(self) -> bool:
        limit = self.created_at + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
        return timezone.now() > limit
