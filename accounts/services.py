"""Writes for accounts: SME sign-up and email verification, invitations and their acceptance."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from outbox import services as outbox

from .enums import Role
from .mail import build_mail, send_mail_to_user
from .models import Invitation, User


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for the sign-up verification link.

    The hash includes `is_active` (and, from the parent, `last_login`): once the account is
    activated and its owner logged in, the link no longer works.
    """

    key_salt = "accounts.services.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


email_verification_token = EmailVerificationTokenGenerator()


class InvitationError(Exception):
    """An invitation that can no longer be accepted; the message is shown to the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def current_language() -> str:
    """The active interface language, as one of the portal's language codes."""
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def set_language(user: User, language: str) -> None:
    """Make `language` the account's: its pages after each login, its mails and its
    notifications (accounts.mail, notifications.services) are in it from now on."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language: {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


# --- Sign-up -----------------------------------------------------------------------------


def email_is_taken(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def _account_at(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def sign_up(*, email: str, password: str, first_name: str, last_name: str, language: str) -> None:
    """Create an SME user, inactive until they follow the link of the verification mail.

    An address that already has an account gets no second one, and whoever signs up learns
    nothing of it (OWASP ASVS, V6: no account enumeration): the caller answers the same, and
    the mail goes to the address, whose owner alone reads what it says. Both ways hash the
    password and write one outbox row, so that the time taken does not tell either.
    """
    existing = _account_at(email)
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email,
                    password,
                    first_name=first_name,
                    last_name=last_name,
                    language=language,
                    is_active=False,
                )
        except IntegrityError:  # The same address signed up a moment ago.
            existing = User.objects.get(email__iexact=email)
        else:
            send_verification_mail(user)
            return
    make_password(password)  # the work `create_user` does, for the time it takes
    _mail_the_existing_account(existing)


def _mail_the_existing_account(user: User) -> None:
    if awaits_verification(user):
        # Signed up before and never verified: most likely the same person, who lost the
        # first mail. They get a fresh link to the account as first signed up; what was typed
        # now (names, password) is dropped, or anyone could set the password of an account
        # its owner is about to activate.
        send_verification_mail(user)
    elif user.is_active:
        outbox.enqueue("accounts.tasks.send_signup_attempt_mail", user_id=user.pk)
    # A deactivated account gets no mail: its owner can neither log in nor reset a password,
    # and the login page already tells them to contact the team.


def awaits_verification(user: User) -> bool:
    """An account created by sign-up and never used; a deactivated account is not one."""
    return not user.is_active and user.last_login is None


def send_verification_mail(user: User) -> None:
    """Queue the verification mail (through the outbox: it leaves once committed)."""
    outbox.enqueue("accounts.tasks.send_verification_mail", user_id=user.pk)


def mail_verification(user: User) -> None:
    """The verification mail itself, with a fresh link (the task's work)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    url = reverse("accounts:verify_email", kwargs={"uidb64": uidb64, "token": token})
    timeout_days = settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)
    send_mail_to_user("verify_email", {"url": url, "timeout_days": timeout_days}, user)


def resend_verification(email: str) -> bool:
    """Send a new link if an account awaits verification at this address; say if one did."""
    user = User.objects.filter(email__iexact=email, is_active=False).first()
    if user is None or not awaits_verification(user):
        return False
    send_verification_mail(user)
    return True


def check_verification_token(user: User | None, token: str) -> bool:
    return (
        user is not None
        and awaits_verification(user)
        and email_verification_token.check_token(user, token)
    )


def verify_email(user: User) -> User:
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


# --- Invitations -------------------------------------------------------------------------


def invite(
    *,
    invited_by: User,
    email: str,
    first_name: str,
    last_name: str,
    role: Role,
    sponsor_body=None,
    corporation=None,
    company=None,
) -> Invitation:
    """Record an invitation and mail its link to the person invited: an advisor to their
    `sponsor_body`, an interlocutor to their `corporation`, an SME's member to its `company`."""
    invitation = Invitation.objects.create(
        email=email.lower(),
        first_name=first_name,
        last_name=last_name,
        role=role,
        sponsor_body=sponsor_body if role == Role.ADVISOR else None,
        corporation=corporation if role == Role.INTERLOCUTOR else None,
        company=company if role == Role.COMPANY else None,
        invited_by=invited_by,
    )
    outbox.enqueue(
        "accounts.tasks.send_invitation_mail",
        invitation_id=invitation.pk,
        language=current_language(),
    )
    return invitation


def mail_invitation(invitation: Invitation, language: str) -> None:
    """The invitation mail itself (the task's work), in the inviter's language."""
    context = {
        "invitation": invitation,
        "inviter": invitation.invited_by,
        "url": invitation.get_absolute_url(),
        "max_age_days": settings.INVITATION_MAX_AGE_DAYS,
    }
    build_mail("invitation", context, invitation.email, language).send()


def mail_signup_attempt(user: User) -> None:
    """The mail to the owner of an address someone tried to sign up with (the task's work)."""
    send_mail_to_user(
        "signup_attempt",
        {"login_url": reverse("accounts:login"), "reset_url": reverse("accounts:password_reset")},
        user,
    )


def mail_password_reset(user: User) -> None:
    """The password reset mail, with a fresh one-time link (the task's work)."""
    context = {
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    build_mail("password_reset", context, user.email, user.language).send()


def mail_login_failures(user: User, failures: int, addresses: int) -> None:
    """Tell the owner that many failed logins on their account (password spraying) are now
    slowed down, and how to protect it (accounts.spraying)."""
    send_mail_to_user("login_failures", {"failures": failures, "addresses": addresses}, user)


@transaction.atomic
def accept_invitation(invitation: Invitation, password: str) -> User:
    """Create the invited person's account and their membership in the role they were given."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError(_("Cette invitation a déjà été acceptée."))
    if invitation.is_expired:
        raise InvitationError(_("Cette invitation a expiré."))
    taken = _(
        "Un compte existe déjà avec l'adresse %(email)s. Connectez-vous avec ce compte ou "
        "contactez l'équipe Pacte PME."
    ) % {"email": invitation.email}
    if email_is_taken(invitation.email):
        raise InvitationError(taken)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                invitation.email,
                password,
                first_name=invitation.first_name,
                last_name=invitation.last_name,
                language=current_language(),
            )
    except IntegrityError as error:  # The same address signed up a moment ago.
        raise InvitationError(taken) from error

    _join(user, invitation)

    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    return user


# What makes an account hold a role: the user's one-to-one relation to their membership row and
# the organisation it belongs to, a field named alike on the invitation and on that row. Accounts
# lie below the organisations' apps: their models are reached through these relations.
MEMBERSHIPS = {
    Role.ADVISOR: ("advisor_membership", "sponsor_body"),
    Role.STAFF: ("staff_membership", None),
    Role.INTERLOCUTOR: ("interlocutor", "corporation"),
    Role.COMPANY: ("company_membership", "company"),
}


def _join(user: User, invitation: Invitation) -> None:
    """Give the invited person their role: an advisor's, staff's, interlocutor's or company
    member's row, in the organisation the invitation names."""
    try:
        relation, organisation = MEMBERSHIPS[invitation.role]
    except KeyError:  # The database refuses other roles; this is a programming error.
        raise ValueError(f"Unknown invitation role: {invitation.role}") from None
    membership = User._meta.get_field(relation).related_model
    fields = (
        {f"{organisation}_id": getattr(invitation, f"{organisation}_id")} if organisation else {}
    )
    membership.objects.create(user=user, **fields)
