"""`manage.py sweep_reviews`: one sweep (reminders, alerts, expiries, outbox), for cron."""

from django.core.management.base import BaseCommand

from applications.reminders import sweep


class Command(BaseCommand):
    help = (
        "Envoie les relances et alertes dues, fait expirer les propositions sans réponse et "
        "transmet les envois en attente (ce que Celery beat fait toutes les 5 minutes)."
    )

    def handle(self, *args, **options):
        done = sweep()
        for name, count in done.items():
            self.stdout.write(f"{name}={count}")
