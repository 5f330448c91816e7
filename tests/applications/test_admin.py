"""The Django admin cannot move an application behind the workflow's back: what the workflow
owns is read-only, its records cannot be deleted, and what an administrator may still correct
is written in the application's chain of events, for `verify_audit` and the history."""

from io import StringIO

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications import services
from applications.enums import Action, Milestone, State
from applications.models import Application, ApplicationEvent, Reminder
from companies.models import Company
from corporations.models import Match
from sponsors.models import Endorsement
from tests.factories import ApplicationFactory, CompanyFactory, snapshot

pytestmark = pytest.mark.django_db


def change_url(application: Application) -> str:
    return reverse("admin:applications_application_change", args=[application.pk])


def form_data(response) -> dict:
    """What the admin's change form would post back untouched: its fields' values and the
    management forms of its inlines."""
    data = {}
    for field in response.context["adminform"].form:
        value = field.value()
        if value is True:
            data[field.html_name] = "on"
        elif value not in (None, False):
            data[field.html_name] = str(value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for field in formset.management_form:
            data[field.html_name] = field.value()
        for form in formset.forms:
            for field in form.hidden_fields():
                if field.value() is not None:
                    data[field.html_name] = str(field.value())
    return data


def verify_audit() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


@pytest.fixture
def rated_application(application_in, sme_user):
    """An accompaniment closed and rated by the SME: every workflow field is set."""
    application = application_in(State.CLOSED)
    services.rate(application.pk, sme_user, rating=4, comment="Un accueil rapide à Hanoi.")
    return Application.objects.get(pk=application.pk)


# Each field the workflow owns, and a value an administrator might try to post for it. The
# first six were editable in the admin's form.
WORKFLOW_FIELDS = {
    "company": lambda personas: personas["other_company"].pk,
    "sponsor_body": lambda personas: personas["other_sponsor_body"].pk,
    "created_by": lambda personas: personas["other_sme_user"].pk,
    "outcome": lambda personas: "abandoned",
    "rating": lambda personas: "1",
    "rating_comment": lambda personas: "Réécrit par l'administrateur.",
    "state": lambda personas: State.IN_REVIEW.value,
    "owner": lambda personas: personas["admin_user"].pk,
    "target_country": lambda personas: "CN",
    "wants_commercial": lambda personas: "on",
    "created_at_0": lambda personas: "01/01/2020",
    "submitted_at_0": lambda personas: "01/01/2020",
    "endorsed_at_0": lambda personas: "01/01/2020",
    "closed_at_0": lambda personas: "01/01/2020",
    "state_changed_at_0": lambda personas: "01/01/2020",
    "archived_at_0": lambda personas: "01/01/2020",
    "review_due_at_0": lambda personas: "01/01/2020",
    "review_paused_at_0": lambda personas: "01/01/2020",
    "review_paused_for": lambda personas: "3 00:00:00",
    "review_stopped_at_0": lambda personas: "01/01/2020",
    "audit_head": lambda personas: "0" * 64,
}


@pytest.mark.parametrize("field", WORKFLOW_FIELDS)
def test_admin_change_form_leaves_a_workflow_field_unchanged(
    client,
    admin_user,
    rated_application,
    other_company,
    other_sponsor_body,
    other_sme_user,
    field,
):
    personas = {
        "admin_user": admin_user,
        "other_company": other_company,
        "other_sponsor_body": other_sponsor_body,
        "other_sme_user": other_sme_user,
    }
    client.force_login(admin_user)
    page = client.get(change_url(rated_application))
    before = snapshot(rated_application)
    data = form_data(page)
    data[field] = WORKFLOW_FIELDS[field](personas)
    if field.endswith("_0"):
        data[field.replace("_0", "_1")] = "12:00:00"

    response = client.post(change_url(rated_application), data)

    assert response.status_code == 302
    assert snapshot(rated_application) == before


def test_admin_change_form_shows_the_workflow_fields_read_only(
    client, admin_user, rated_application
):
    client.force_login(admin_user)

    form = client.get(change_url(rated_application)).context["adminform"].form

    assert sorted(form.fields) == sorted(services.ADMIN_EDITABLE_FIELDS)


def test_admin_correction_writes_one_event_in_the_chain(client, admin_user, rated_application):
    client.force_login(admin_user)
    data = form_data(client.get(change_url(rated_application)))
    data["target_city"] = "Hai Phong"
    data["hosting_desks"] = "3"
    events_before = rated_application.events.count()

    response = client.post(change_url(rated_application), data)

    assert response.status_code == 302
    application = Application.objects.get(pk=rated_application.pk)
    assert (application.target_city, application.hosting_desks) == ("Hai Phong", 3)
    assert (application.state, application.rating) == (State.CLOSED, 4)
    assert application.events.count() == events_before + 1
    event = application.events.order_by("pk").last()
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        Action.ADMIN_CHANGE,
        admin_user,
        State.CLOSED,
        State.CLOSED,
    )
    assert event.note == (
        "Ville (facultatif) : Hanoi → Hai Phong\nNombre de postes de travail : 2 → 3"
    )
    assert application.audit_head == event.hash
    assert verify_audit() == (
        f"Chaîne intacte : {ApplicationEvent.objects.count()} événements vérifiés.\n"
    )


def test_admin_correction_shows_in_the_history(
    client, admin_user, staff_user, sme_user, rated_application
):
    client.force_login(admin_user)
    data = form_data(client.get(change_url(rated_application)))
    data["target_city"] = "Hai Phong"
    client.post(change_url(rated_application), data)

    for reader in (staff_user, sme_user):
        client.force_login(reader)
        page = client.get(rated_application.get_absolute_url())

        assert page.status_code == 200
        entry = next(
            entry
            for entry in page.context["timeline"]
            if entry.type == "event" and entry.item.action == Action.ADMIN_CHANGE
        )
        assert entry.actor == admin_user
        html = page.content.decode()
        assert "Correction par un administrateur" in html
        assert "Ville (facultatif) : Hanoi → Hai Phong" in html


def test_admin_correction_values_read_as_on_the_page(admin_user, rated_application):
    services.correct_by_admin(
        rated_application.pk,
        admin_user,
        changes={"maturity": "settling", "hosting_budget": 1500, "target_city": ""},
    )

    event = rated_application.events.order_by("pk").last()
    assert event.note == (
        "Ville (facultatif) : Hanoi → —\n"
        "Maturité du projet : Prospection engagée → Implantation en cours ou à renforcer\n"
        "Budget mensuel (€) : — → 1500"
    )


def test_admin_correction_without_change_writes_nothing(admin_user, rated_application):
    before = snapshot(rated_application)

    event = services.correct_by_admin(
        rated_application.pk, admin_user, changes={"target_city": "Hanoi"}
    )

    assert event is None
    assert snapshot(rated_application) == before


@pytest.mark.parametrize("field", ["company", "state", "rating", "owner", "review_due_at"])
def test_admin_correction_refuses_a_workflow_field(admin_user, rated_application, field):
    before = snapshot(rated_application)

    with pytest.raises(services.WorkflowError):
        services.correct_by_admin(rated_application.pk, admin_user, changes={field: None})

    assert snapshot(rated_application) == before


def test_admin_correction_refuses_someone_who_is_not_an_administrator(
    staff_user, rated_application
):
    before = snapshot(rated_application)

    with pytest.raises(services.WorkflowError):
        services.correct_by_admin(
            rated_application.pk, staff_user, changes={"target_city": "Hai Phong"}
        )

    assert snapshot(rated_application) == before


def test_admin_cannot_change_an_archived_application(client, admin_user, rated_application):
    Application.objects.filter(pk=rated_application.pk).update(archived_at=timezone.now())
    client.force_login(admin_user)
    data = form_data(client.get(change_url(rated_application)))
    before = snapshot(rated_application)
    data["description"] = "Réécrit après l'archivage."

    response = client.post(change_url(rated_application), data)

    assert response.status_code == 403
    assert snapshot(rated_application) == before


# --- Deleting ----------------------------------------------------------------------------


@pytest.fixture
def workflow_records(rated_application):
    """One row of each model the workflow writes, by admin model name."""
    reminder = Reminder.objects.create(
        application=rated_application,
        milestone=Milestone.REVIEW_REMINDER,
        cycle=rated_application.endorsed_at,
    )
    return {
        "applications_application": rated_application,
        "applications_applicationevent": rated_application.events.order_by("pk").first(),
        "sponsors_endorsement": Endorsement.objects.get(application=rated_application),
        "corporations_match": Match.objects.get(application=rated_application),
        "applications_reminder": reminder,
    }


WORKFLOW_MODELS = [
    "applications_application",
    "applications_applicationevent",
    "sponsors_endorsement",
    "corporations_match",
    "applications_reminder",
]


@pytest.mark.parametrize("name", WORKFLOW_MODELS)
def test_admin_delete_page_of_a_workflow_record_is_refused(
    client, admin_user, workflow_records, name
):
    record = workflow_records[name]
    before = snapshot(workflow_records["applications_application"])
    client.force_login(admin_user)
    url = reverse(f"admin:{name}_delete", args=[record.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()
    assert snapshot(workflow_records["applications_application"]) == before


@pytest.mark.parametrize("name", WORKFLOW_MODELS)
def test_admin_bulk_delete_of_workflow_records_is_refused(
    client, admin_user, workflow_records, name
):
    record = workflow_records[name]
    before = snapshot(workflow_records["applications_application"])
    client.force_login(admin_user)
    url = reverse(f"admin:{name}_changelist")

    page = client.get(url)
    client.post(
        url, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [record.pk], "post": "yes"}
    )

    assert page.status_code == 200
    assert 'value="delete_selected"' not in page.content.decode()
    assert type(record).objects.filter(pk=record.pk).exists()
    assert snapshot(workflow_records["applications_application"]) == before


def test_admin_cannot_delete_a_company_with_applications(client, admin_user, rated_application):
    company = rated_application.company
    before = snapshot(rated_application)
    client.force_login(admin_user)
    url = reverse("admin:companies_company_delete", args=[company.pk])
    changelist = reverse("admin:companies_company_changelist")

    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    client.post(
        changelist, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [company.pk], "post": "yes"}
    )

    assert Company.objects.filter(pk=company.pk).exists()
    assert snapshot(rated_application) == before


def test_admin_may_delete_a_company_without_applications(client, admin_user):
    company = CompanyFactory(legal_name="Inscrite par erreur")
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:companies_company_delete", args=[company.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Company.objects.filter(pk=company.pk).exists()


def test_admin_cannot_delete_a_company_through_its_draft_only(client, admin_user, sme_user):
    """A draft is the SME's (its own delete button), yet its events are in a chain too."""
    draft = services.create_draft(sme_user, CompanyFactory(), target_country="VN")
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:companies_company_delete", args=[draft.company_id]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Application.objects.filter(pk=draft.pk).exists()


def test_admin_cannot_delete_a_user_whose_name_is_in_the_chain(
    client, admin_user, advisor, rated_application
):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_delete", args=[advisor.pk])
    changelist = reverse("admin:accounts_user_changelist")

    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    client.post(
        changelist, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [advisor.pk], "post": "yes"}
    )

    assert User.objects.filter(pk=advisor.pk).exists()
    assert verify_audit() == (
        f"Chaîne intacte : {ApplicationEvent.objects.count()} événements vérifiés.\n"
    )


def test_admin_application_pages_render(client, admin_user, workflow_records):
    client.force_login(admin_user)

    for name, record in workflow_records.items():
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
        assert client.get(reverse(f"admin:{name}_change", args=[record.pk])).status_code == 200


def test_admin_change_page_of_a_draft_renders(client, admin_user):
    draft = ApplicationFactory()
    client.force_login(admin_user)

    assert client.get(change_url(draft)).status_code == 200
