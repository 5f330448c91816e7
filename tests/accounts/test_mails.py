"""The mail of an application event, as `applications.recipients` sends it."""

import pytest
from django.conf import settings

from applications.enums import State
from applications.tasks import send_event_notifications

pytestmark = pytest.mark.django_db


def test_application_event_mail_gives_the_headline_the_reason_and_the_link(
    application_in, mailoutbox
):
    application = application_in(State.REJECTED)
    event = application.events.last()

    sent = send_event_notifications(event_id=event.pk)

    assert sent == 2
    mail = next(m for m in mailoutbox if m.to == ["claire.martin@asconit.example"])
    assert mail.subject == f"[Pacte PME] {application.reference} – Refusée"
    url = f"{settings.SITE_URL}/demandes/{application.pk}/"
    assert mail.body == (
        "Bonjour Claire,\n\n"
        "La demande de Asconit Consultants (Hanoi, Viêt Nam) n'a pas été retenue.\n\n"
        "Motif / commentaire :\n"
        "Projet hors du champ du programme.\n\n"
        f"Dossier {application.reference} – état : Refusée.\n"
        "Pour consulter le dossier :\n\n"
        f"{url}\n\n"
        "L'équipe Pacte PME international\n"
    )
    html = mail.alternatives[0][0]
    assert "<p>Bonjour Claire,</p>" in html
    assert "<strong>Motif / commentaire :</strong><br>\nProjet hors du champ du programme." in html
    assert f'<a href="{url}">Consulter le dossier</a>' in html
    assert "style=" not in html


def test_application_event_mail_without_note_has_no_reason(application_in, mailoutbox, advisor):
    application = application_in(State.AWAITING_SPONSOR)
    event = application.events.last()
    assert event.note == ""

    send_event_notifications(event_id=event.pk)

    assert [m.to for m in mailoutbox] == [[advisor.email]]
    assert "Motif / commentaire" not in mailoutbox[0].body
    assert "Motif / commentaire" not in mailoutbox[0].alternatives[0][0]
