"""`manage.py seed_demo`: a believable data set to show the portal, one account per role.

Reference data (member corporations, presences, hosting offers, sponsor bodies) and the demo
accounts are looked up by their natural keys, so running the command again changes nothing.
The demo applications are walked through the real workflow services, with the right actor at
each step, so their events, endorsements, matches and questions are those of real life; they
are built only on the first run (when Asconit Consultants does not exist yet). The data set
and its parts are in `tooling/demo/`.
"""

from django.core.management.base import BaseCommand

from tooling.demo.report import report
from tooling.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Crée les données de démonstration (idempotent) et affiche les comptes de démo."

    def handle(self, *args, **options):
        created_applications = seed_demo()
        if options["verbosity"] > 0:
            report(self.stdout, self.style, created_applications)
