"""`manage.py demo_totp EMAIL`: the code a demo account's authenticator app would show now,
to log in to the demo as association staff or administrator (two-factor authentication).
Development only: refused unless DEBUG is on."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import two_factor
from accounts.models import User


class Command(BaseCommand):
    help = (
        "Affiche le code de double authentification du moment d'un compte (démonstration, "
        "DEBUG seulement)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="adresse e-mail du compte")

    def handle(self, *args, email: str, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_totp sert aux démonstrations : il refuse de s'exécuter quand DEBUG est "
                "désactivé (DJANGO_DEBUG)."
            )
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"Aucun compte avec l'adresse {email}.")
        device = two_factor.confirmed_device(user)
        if device is None:
            raise CommandError(f"Le compte {user.email} n'a pas de double authentification.")
        self.stdout.write(two_factor.current_code(device))
