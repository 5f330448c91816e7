"""Deleting one's account: the person anonymised, what is theirs alone deleted, an SME's last
member taking its drafts, the audit chain intact, and only with the right password."""

from io import StringIO

import pytest
from axes.models import AccessLog
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Invitation, StaffMembership, User
from applications import services as application_services
from applications.enums import State
from applications.models import Application, ApplicationEvent, Document, Message, Visit
from companies.models import Company, CompanyMembership
from corporations.models import Interlocutor, Match
from notifications.enums import Delivery, Kind
from notifications.models import Notification, Preference
from privacy import services
from sponsors.models import Advisor
from tests.conftest import CommittingClient
from tests.factories import TEST_PASSWORD, ApplicationFactory, CompanyMembershipFactory

from .conftest import attach, stored_files

pytestmark = pytest.mark.django_db

DELETE_URL = reverse("privacy:delete_account")
WRONG_PASSWORD = (
    "Mot de passe incorrect : votre compte n&#x27;a pas été supprimé."  # as the page escapes it
)


@pytest.fixture
def client(committing_client):
    """Every request commits: the files of deleted documents are removed after the commit."""
    return committing_client


def delete(client, user, password=TEST_PASSWORD):
    client.force_login(user)
    return client.post(DELETE_URL, {"password": password})


def verify_audit() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)  # raises CommandError on any break
    return out.getvalue().strip()


# --- The person ---------------------------------------------------------------------------------


def test_deleting_the_account_anonymises_the_person_and_logs_them_out(
    client, sme_user, application_in
):
    sme_user.language, sme_user.phone = "en", "+33 6 12 34 56 78"
    sme_user.save()
    application = application_in(State.IN_REVIEW)

    response = delete(client, sme_user)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Votre compte est supprimé et vous êtes déconnecté. Vos données personnelles ont été "
        "effacées ; merci d'avoir utilisé le portail."
    ]
    person = User.objects.get(pk=sme_user.pk)
    assert (person.email, person.first_name, person.last_name, person.phone) == (
        f"deleted-{sme_user.pk}@invalid",
        "",
        "Utilisateur supprimé",
        "",
    )
    assert str(person) == "Utilisateur supprimé"
    assert person.language == "en"
    assert person.is_active is False
    assert person.has_usable_password() is False
    assert person.last_login is None
    assert "_auth_user_id" not in client.session
    # Their steps stay in the history, signed by the anonymised row.
    assert list(
        ApplicationEvent.objects.filter(application=application)
        .order_by("pk")
        .values_list("action", "actor_id")
    ) == [("submit", sme_user.pk), ("endorse", application.events.last().actor_id)]


def test_what_is_theirs_alone_is_deleted(client, sme_user, advisor, application_in):
    application = application_in(State.IN_REVIEW)
    Notification.objects.create(
        user=sme_user, kind=Kind.DECISION, source="event:1", title="Décision", url="/"
    )
    Notification.objects.create(
        user=advisor, kind=Kind.DECISION, source="event:1", title="Décision", url="/"
    )
    Preference.objects.create(user=sme_user, kind=Kind.MESSAGE, delivery=Delivery.NONE)
    application_services.record_visit(sme_user, application)
    application_services.record_visit(advisor, application)
    TOTPDevice.objects.create(user=sme_user, name="Téléphone", confirmed=True)
    StaticDevice.objects.create(user=sme_user, name="Codes de secours", confirmed=True)
    Invitation.objects.create(
        email=sme_user.email, first_name="Claire", last_name="Martin", role="staff"
    )

    delete(client, sme_user)

    assert Notification.objects.filter(user=sme_user).count() == 0
    assert Preference.objects.filter(user=sme_user).count() == 0
    assert Visit.objects.filter(user=sme_user).count() == 0
    assert TOTPDevice.objects.filter(user=sme_user).count() == 0
    assert StaticDevice.objects.filter(user=sme_user).count() == 0
    assert Invitation.objects.count() == 0
    assert CompanyMembership.objects.filter(user=sme_user).count() == 0
    # Another person's rows are untouched.
    assert Notification.objects.filter(user=advisor).count() == 1
    assert Visit.objects.filter(user=advisor).count() == 1


def test_every_session_of_theirs_is_deleted(client, sme_user, other_sme_user):
    other_device, bystander = CommittingClient(), CommittingClient()
    other_device.force_login(sme_user)
    bystander.force_login(other_sme_user)
    assert other_device.get(reverse("privacy:overview")).status_code == 200

    delete(client, sme_user)

    sessions = [session.get_decoded().get("_auth_user_id") for session in Session.objects.all()]
    assert str(sme_user.pk) not in sessions
    assert str(other_sme_user.pk) in sessions
    response = other_device.get(reverse("privacy:overview"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert bystander.get(reverse("privacy:overview")).status_code == 200


def test_a_deleted_person_cannot_log_in(client, sme_user):
    email = sme_user.email
    delete(client, sme_user)

    for username in (email, f"deleted-{sme_user.pk}@invalid"):
        response = client.post(
            reverse("accounts:login"), {"username": username, "password": TEST_PASSWORD}
        )
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email=email).exists()


def test_the_email_can_sign_up_again(client, sme_user):
    delete(client, sme_user)

    assert User.objects.filter(email__iexact="claire.martin@asconit.example").count() == 0


# --- The audit chain ----------------------------------------------------------------------------


def test_the_audit_chain_still_verifies_after_people_who_acted_are_deleted(
    sme_user, advisor, interlocutor, staff_user, application_in
):
    application = application_in(State.CLOSED)
    actors = list(application.events.order_by("pk").values_list("actor_id", flat=True))
    heads = application.audit_head

    for person in (sme_user, advisor, interlocutor, staff_user):
        services.delete_account(person.pk)

    application.refresh_from_db()
    assert application.audit_head == heads
    assert list(application.events.order_by("pk").values_list("actor_id", flat=True)) == actors
    count = ApplicationEvent.objects.count()
    assert count == 5
    assert verify_audit() == f"Chaîne intacte : {count} événements vérifiés."


# --- The company --------------------------------------------------------------------------------


def test_the_last_member_takes_the_companys_drafts_and_their_files(
    client, sme_user, company, other_sme_user, other_company, private_storage
):
    drafts = [ApplicationFactory(company=company, created_by=sme_user) for _ in range(2)]
    for draft in drafts:
        attach(draft, sme_user, "Plan.pdf")
    theirs = ApplicationFactory(company=other_company, created_by=other_sme_user)
    kept = attach(theirs, other_sme_user, "Leur plan.pdf")
    assert len(stored_files(private_storage)) == 3

    delete(client, sme_user)

    assert not Application.objects.filter(pk__in=[d.pk for d in drafts]).exists()
    assert not Company.objects.filter(pk=company.pk).exists()
    assert list(Document.objects.values_list("pk", flat=True)) == [kept.pk]
    assert stored_files(private_storage) == [kept.file.name]
    assert Application.objects.filter(pk=theirs.pk).exists()
    other_sme_user.refresh_from_db()
    assert other_sme_user.is_active is True
    assert other_sme_user.email == "yann.le-goff@hydro-conseil.example"


def test_a_colleague_keeps_the_drafts(client, sme_user, company, draft_application):
    colleague = CompanyMembershipFactory(company=company).user

    delete(client, sme_user)

    assert Application.objects.filter(pk=draft_application.pk).exists()
    assert list(company.memberships.values_list("user_id", flat=True)) == [colleague.pk]


def test_the_last_member_leaves_the_submitted_applications_to_the_association(
    client, sme_user, company, application_in
):
    submitted = application_in(State.IN_REVIEW)
    draft = ApplicationFactory(company=company, created_by=sme_user)

    delete(client, sme_user)

    assert list(Application.objects.values_list("pk", flat=True)) == [submitted.pk]
    assert Company.objects.filter(pk=company.pk).exists()
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert verify_audit().startswith("Chaîne intacte")


def test_the_page_tells_the_last_member_what_goes(client, sme_user, company):
    ApplicationFactory(company=company, created_by=sme_user)
    ApplicationFactory(company=company, created_by=sme_user)
    client.force_login(sme_user)

    page = client.get(DELETE_URL).content.decode()

    assert (
        "Vous êtes le dernier membre de Asconit Consultants sur le portail : ses 2 brouillons "
        "et leurs documents seront supprimés."
    ) in page
    assert "sa fiche sera supprimée aussi" in page
    assert 'data-testid="delete-form"' in page


# --- Confirmation -------------------------------------------------------------------------------


def test_a_wrong_password_deletes_nothing(client, sme_user):
    response = delete(client, sme_user, password="pas-le-bon-mot-de-passe")

    assert response.status_code == 200
    assert WRONG_PASSWORD in response.content.decode()
    sme_user.refresh_from_db()
    assert sme_user.is_active is True
    assert sme_user.email == "claire.martin@asconit.example"
    assert client.get(reverse("privacy:overview")).status_code == 200


def test_no_password_says_to_type_it(client, sme_user):
    response = delete(client, sme_user, password="")

    assert "Saisissez votre mot de passe pour confirmer." in response.content.decode()
    sme_user.refresh_from_db()
    assert sme_user.is_active is True


def test_guesses_are_limited(client, sme_user):
    for _attempt in range(5):
        assert WRONG_PASSWORD in delete(client, sme_user, "mauvais").content.decode()

    response = delete(client, sme_user)

    assert "Trop de tentatives : votre compte n&#x27;a pas été supprimé." in (
        response.content.decode()
    )
    sme_user.refresh_from_db()
    assert sme_user.is_active is True


def test_deleting_is_a_post(client, sme_user):
    client.force_login(sme_user)

    response = client.get(DELETE_URL)

    assert response.status_code == 200
    sme_user.refresh_from_db()
    assert sme_user.is_active is True


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.post(DELETE_URL, {"password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={DELETE_URL}"


# --- Roles --------------------------------------------------------------------------------------


def test_an_administrator_is_told_to_ask_another_and_cannot_delete(client, admin_user):
    client.force_login(admin_user)

    page = client.get(DELETE_URL).content.decode()
    response = client.post(DELETE_URL, {"password": TEST_PASSWORD})

    assert "un autre administrateur doit d&#x27;abord vous retirer ce rôle" in page
    assert 'data-testid="delete-form"' not in page
    assert response.status_code == 403
    admin_user.refresh_from_db()
    assert (admin_user.is_active, admin_user.email) == (True, "admin@pacte-pme.example")


def test_a_staff_member_can_delete_and_their_reviews_lose_their_owner(
    client, staff_user, staff_colleague, application_in
):
    application = application_in(State.IN_REVIEW)
    application.owner = staff_user
    application.save(update_fields=["owner"])
    client.force_login(staff_user)
    page = client.get(DELETE_URL).content.decode()

    response = client.post(DELETE_URL, {"password": TEST_PASSWORD})

    assert "Vous êtes responsable de l'instruction d'une demande" in page
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.owner is None
    assert not StaffMembership.objects.filter(user=staff_user).exists()
    assert StaffMembership.objects.filter(user=staff_colleague).exists()
    assert TOTPDevice.objects.filter(user=staff_user).count() == 0
    assert TOTPDevice.objects.filter(user=staff_colleague).count() == 1


def test_an_advisor_leaves_their_body(advisor, advisor_colleague):
    services.delete_account(advisor.pk)

    assert list(Advisor.objects.values_list("user_id", flat=True)) == [advisor_colleague.pk]


def test_an_interlocutor_row_stays_out_of_service_for_their_proposals(interlocutor, application_in):
    application = application_in(State.PROPOSED)

    services.delete_account(interlocutor.pk)

    row = Interlocutor.objects.get(user=interlocutor)
    assert (row.is_active, row.job_title) == (False, "")
    assert Match.objects.filter(application=application, interlocutor=row).count() == 1
    assert str(row) == "Utilisateur supprimé (Alstom)"


def test_messages_they_wrote_stay_signed_by_the_deleted_user(client, sme_user, application_in):
    application = application_in(State.IN_REVIEW)
    message = application_services.post_message(application.pk, sme_user, body="Merci !")

    delete(client, sme_user)

    message = Message.objects.select_related("author").get(pk=message.pk)
    assert (message.body, str(message.author)) == ("Merci !", "Utilisateur supprimé")


def test_login_records_stay_for_their_period_without_the_address(client, sme_user):
    AccessLog.objects.create(
        username="claire.martin@asconit.example", user_agent="Firefox", path_info="/"
    )
    AccessLog.objects.create(username="autre@example.com", user_agent="Firefox", path_info="/")

    delete(client, sme_user)

    assert sorted(AccessLog.objects.values_list("username", flat=True)) == [
        "autre@example.com",
        f"deleted-{sme_user.pk}@invalid",
        f"deleted-{sme_user.pk}@invalid",  # the login of `delete` itself
    ]
