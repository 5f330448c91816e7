"""`manage.py verify_audit`: walk every application's chain of events and report any break."""

from django.core.management.base import BaseCommand, CommandError

from applications.audit import verify
from applications.models import Application, ApplicationEvent

REASONS = {
    "content": "son contenu ne correspond plus à son empreinte (modifié)",
    "chain": "il ne suit pas l'événement enregistré avant lui (un événement supprimé ou inséré)",
    "head": "la chaîne ne finit pas sur la dernière empreinte de la demande (événements "
    "supprimés à la fin)",
}


class Command(BaseCommand):
    help = (
        "Vérifie la chaîne d'empreintes des événements de chaque demande et signale toute "
        "rupture (un événement modifié, supprimé ou inséré hors du portail)."
    )

    def handle(self, *args, **options):
        events = ApplicationEvent.objects.order_by("application_id", "pk").iterator(chunk_size=2000)
        heads = dict(
            Application.objects.exclude(audit_head="").values_list("pk", "audit_head").iterator()
        )
        breaks = list(verify(events, heads))
        applications = Application.objects.in_bulk({b.application_id for b in breaks})
        for found in breaks:
            application = applications.get(found.application_id)
            reference = application.reference if application else f"#{found.application_id}"
            where = f"événement {found.event_id}" if found.event_id else "aucun événement"
            self.stdout.write(f"{reference}, {where} : {REASONS[found.reason]}.")
        checked = ApplicationEvent.objects.count()
        if breaks:
            count = len(breaks)
            raise CommandError(
                f"{count} rupture{'s' if count > 1 else ''} dans la chaîne des événements "
                f"({checked} vérifié{'s' if checked > 1 else ''})."
            )
        self.stdout.write(f"Chaîne intacte : {checked} événements vérifiés.")
