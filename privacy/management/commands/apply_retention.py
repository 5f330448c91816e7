"""`manage.py apply_retention`: one pass of the retention sweep, for cron."""

from django.core.management.base import BaseCommand

from privacy import retention


class Command(BaseCommand):
    help = (
        "Applique les durées de conservation des données personnelles : relance puis "
        "suppression des brouillons inactifs, archivage des demandes terminées, purge des "
        "traces de connexion, notifications et envois anciens (ce que Celery beat fait "
        "chaque nuit à 3 h)."
    )

    def handle(self, *args, **options):
        for name, count in retention.apply().items():
            self.stdout.write(f"{name}={count}")
