"""Deleting one's account (RGPD right to erasure).

The person's row is anonymised rather than deleted: the applications' events, messages and
documents point to it and must keep saying that someone acted, wrote or sent, and when. The
audit chain (`applications.audit`) hashes the actor's id, never their name or address, so
anonymising the row leaves every chain intact (`manage.py verify_audit`).

What is theirs alone goes: notifications and their settings, visits, second-factor devices,
sessions, invitations addressed to them; their memberships end. An SME's last member takes
their company's drafts with them (nobody is left to finish them), and the company itself if
nothing else remains. An association staff member's reviews lose their owner, for a colleague
to take over. Administrators cannot delete their own account: another administrator first
withdraws their rights, so that the portal never loses its last one by mistake.
"""

from dataclasses import dataclass
from importlib import import_module

import django_otp
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Invitation, StaffMembership, User
from applications import caching
from applications.enums import State
from applications.models import Application, Visit
from companies.models import Company, CompanyMembership
from corporations.models import Absence, Interlocutor
from notifications import news
from notifications.models import Notification, Preference
from sponsors.models import Advisor

# What the portal shows for a deleted person: their row's only name from now on.
DELETED_NAME = "Utilisateur supprimé"


class DeletionRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def placeholder_email(user_id: int) -> str:
    """A unique address nobody can receive mail at (.invalid is reserved, RFC 2606)."""
    return f"deleted-{user_id}@invalid"


def is_deleted(user: User) -> bool:
    return user.email == placeholder_email(user.pk)


def refusal(user: User) -> str | None:
    """Why this user may not delete their own account, or None if they may."""
    if user.is_staff or user.is_superuser:
        return _(
            "Vous êtes administrateur du portail : un autre administrateur doit d'abord vous "
            "retirer ce rôle. Vous pourrez ensuite supprimer votre compte ici."
        )
    return None


@dataclass(frozen=True)
class Consequences:
    """What deleting this account would do beyond the account itself, for the page."""

    company: Company | None
    last_member: bool
    drafts: int
    company_deleted: bool
    reviews_owned: int
    is_interlocutor: bool


def consequences(user: User) -> Consequences:
    membership = CompanyMembership.objects.filter(user=user).select_related("company").first()
    company = membership.company if membership else None
    last_member = company_deleted = False
    drafts = 0
    if company is not None:
        last_member = not company.memberships.exclude(user=user).exists()
        if last_member:
            drafts = company.applications.filter(state=State.DRAFT).count()
            company_deleted = not company.applications.exclude(state=State.DRAFT).exists()
    return Consequences(
        company=company,
        last_member=last_member,
        drafts=drafts,
        company_deleted=company_deleted,
        reviews_owned=Application.objects.filter(owner=user).count(),
        is_interlocutor=Interlocutor.objects.filter(user=user).exists(),
    )


@transaction.atomic
def delete_account(user_id: int) -> Consequences:
    """Anonymise the account and delete what is its own; returns what it did."""
    user = User.objects.select_for_update().get(pk=user_id)
    reason = refusal(user)
    if reason is not None:
        raise DeletionRefused(reason)
    done = consequences(user)
    old_email = user.email

    # Their company: the last member takes its drafts (their documents' files follow, once
    # committed), and the company itself when nothing else remains.
    CompanyMembership.objects.filter(user=user).delete()
    if done.last_member:
        company_id = done.company.pk
        Application.objects.filter(company_id=company_id, state=State.DRAFT).delete()
        if done.company_deleted:
            Company.objects.filter(pk=company_id).delete()

    # Their roles. An interlocutor's row stays (their proposals point to it), out of service.
    StaffMembership.objects.filter(user=user).delete()
    owned = Application.objects.filter(owner=user)
    caching.applications_changed(*owned.values_list("pk", flat=True))  # a bulk update
    owned.update(owner=None)
    Advisor.objects.filter(user=user).delete()
    Absence.objects.filter(interlocutor__user=user).delete()
    Interlocutor.objects.filter(user=user).update(is_active=False, job_title="")

    # What is theirs alone.
    Notification.objects.filter(user=user).delete()
    news.changed(user.pk)  # a bulk deletion
    Preference.objects.filter(user=user).delete()
    Visit.objects.filter(user=user).delete()
    for device_model in django_otp.device_classes():
        device_model.objects.filter(user=user).delete()
    Invitation.objects.filter(Q(user=user) | Q(email__iexact=old_email)).delete()
    # Login records stay for their security period, no longer under their address.
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=old_email).update(username=placeholder_email(user.pk))

    user.email = placeholder_email(user.pk)
    user.first_name = ""
    user.last_name = DELETED_NAME
    user.phone = ""
    user.is_active = False
    user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    _delete_sessions(user.pk)
    return done


def _delete_sessions(user_id: int) -> int:
    """Delete every session of the user, wherever the session engine keeps them.

    Sessions are not indexed by user: the stored ones are read to find theirs. An engine that
    keeps them in the cache only cannot be searched; those sessions die anyway, since they
    carry a hash of the password (now unusable) and the user can no longer authenticate."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    rows = store.get_model_class().objects.values_list("session_key", "session_data")
    doomed = [
        key
        for key, data in rows.iterator()
        if store().decode(data).get(SESSION_KEY) == str(user_id)
    ]
    for key in doomed:
        store(session_key=key).delete()
    return len(doomed)
