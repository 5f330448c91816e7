"""What `manage.py seed_demo` prints: what it created, the applications by state, the demo
accounts and how to log in to them."""

from base64 import b32encode

from django.conf import settings
from django.core.management.base import OutputWrapper
from django.core.management.color import Style
from django.db.models import Count

from applications.enums import State
from applications.models import Application
from tooling.demo.organisations import CCI_LYON
from tooling.demo.people import (
    ADMIN_USER,
    ADVISOR_USER,
    DEMO_PASSWORD,
    DEMO_TOTP_KEY,
    INTERLOCUTOR_USER,
    SME_USER,
    STAFF_USER,
)

ACCOUNTS = [
    ("PME (Asconit Consultants)", SME_USER.email),
    (f"Conseiller ({CCI_LYON})", ADVISOR_USER.email),
    ("Chargée de mission Pacte PME", STAFF_USER.email),
    ("Correspondant et coordinateur Alstom (Vietnam)", INTERLOCUTOR_USER.email),
    ("Administrateur", ADMIN_USER.email),
]


def report(stdout: OutputWrapper, style: Style, created_applications: int) -> None:
    report_applications(stdout, style, created_applications)
    stdout.write("")
    report_accounts(stdout)
    stdout.write("")
    report_two_factor(stdout)
    stdout.write("")
    stdout.write(f"Portail : {settings.SITE_URL}")


def report_applications(stdout: OutputWrapper, style: Style, created_applications: int) -> None:
    if created_applications:
        stdout.write(style.SUCCESS(f"{created_applications} demandes de démonstration créées."))
    else:
        stdout.write("Données de démonstration déjà présentes : rien de nouveau.")
    per_state = dict(
        Application.objects.values_list("state").annotate(count=Count("pk")).order_by()
    )
    stdout.write(
        "Demandes par état : "
        + ", ".join(f"{State(state).label} {per_state.get(state, 0)}" for state in State)
    )


def report_accounts(stdout: OutputWrapper) -> None:
    width = max(len(role) for role, _email in ACCOUNTS)
    stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD})")
    for role, email in ACCOUNTS:
        stdout.write(f"  {role:<{width}}  {email}")


def report_two_factor(stdout: OutputWrapper) -> None:
    stdout.write(
        "Double authentification (équipe Pacte PME et administrateur) : après le mot de "
        "passe, le code du moment s'obtient avec"
    )
    stdout.write(
        f"  .venv/bin/python manage.py demo_totp {STAFF_USER.email}  (ou {ADMIN_USER.email})"
    )
    stdout.write(
        "ou dans une application d'authentification, avec la clé de démonstration "
        f"{b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()}."
    )
