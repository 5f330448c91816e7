"""Tests of `manage.py seed_demo`: idempotent, every queue has something, the story holds."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.fr import siren

from accounts.enums import Role
from accounts.models import User
from accounts.roles import role_of
from applications import selectors, services
from applications.enums import Action, Maturity, State
from applications.models import Application, ReminderSettings
from applications.ranking import ranking_for
from companies.models import Company
from corporations.enums import MatchStatus
from corporations.models import HostingOffer, Interlocutor, Match
from notifications.models import Notification
from reports.models import Goal
from tooling.demo.history import HISTORY
from tooling.demo.people import DEMO_PASSWORD, DEMO_TOTP_KEY

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = {
    "pme@demo.pacte-pme.fr": Role.COMPANY,
    "conseiller@demo.pacte-pme.fr": Role.ADVISOR,
    "instruction@demo.pacte-pme.fr": Role.STAFF,
    "correspondant@demo.pacte-pme.fr": Role.INTERLOCUTOR,
    "admin@demo.pacte-pme.fr": Role.STAFF,
}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def seeded():
    return seed()


def test_seed_demo_twice_changes_nothing(seeded):
    counts = row_counts()
    applications = list(Application.objects.order_by("pk").values_list())
    passwords = list(User.objects.order_by("pk").values_list("email", "password"))

    output = seed()

    assert row_counts() == counts
    assert list(Application.objects.order_by("pk").values_list()) == applications
    assert list(User.objects.order_by("pk").values_list("email", "password")) == passwords
    assert "déjà présentes" in output


def test_seed_demo_prints_the_accounts(seeded):
    assert "Comptes de démonstration (mot de passe : pacte-demo-2026)" in seeded
    for email in DEMO_ACCOUNTS:
        assert email in seeded
    assert "Portail : http://127.0.0.1:8000" in seeded


def test_seed_demo_puts_applications_in_every_state(seeded):
    per_state = {state: Application.objects.filter(state=state).count() for state in State}

    assert per_state == {
        State.DRAFT: 2,
        State.AWAITING_SPONSOR: 2,
        State.IN_REVIEW: 3,
        State.AWAITING_INFORMATION: 1,
        State.PROPOSED: 2,
        State.ACCOMPANIED: 2,
        State.CLOSED: 18,  # 17 of them from the past months (HISTORY)
        State.REJECTED: 4,  # 3 of them from the past months
        State.WITHDRAWN: 1,
    }
    closed = Application.objects.get(
        state=State.CLOSED, company__legal_name="Mécaprécis", target_country="MA"
    )
    assert closed.rating == 5
    assert closed.outcome != ""


def test_seed_demo_past_months_give_the_figures_their_history(seeded):
    """Each past application's review took the days HISTORY says, its pause aside; the goals
    of this year and the last are set; none of their notifications is left in a bell."""
    past = Application.objects.filter(
        state__in=[State.CLOSED, State.REJECTED], review_stopped_at__isnull=False
    ).exclude(company__legal_name__in=["Mécaprécis", "Datalyse"], target_country__in=["MA", "US"])
    reviews = sorted(
        round((a.review_stopped_at - a.endorsed_at - a.review_paused_for) / timedelta(days=1))
        for a in past
    )
    assert reviews == sorted(review for *_, review, _paused, _result in HISTORY)
    assert sorted(a.review_paused_for.days for a in past if a.review_paused_for) == sorted(
        paused for *_, paused, _result in HISTORY if paused
    )
    year = timezone.localdate().year
    assert dict(Goal.objects.values_list("year", "smes_accompanied")) == {year - 1: 65, year: 100}
    assert not Notification.objects.filter(application__in=past).exists()


def test_seed_demo_asconit_application_is_a_draft_ready_to_submit(seeded):
    company = Company.objects.get(legal_name="Asconit Consultants")
    application = company.applications.get()

    assert siren.is_valid(company.siren)
    assert (company.sector.code, company.region, company.department) == ("71", "84", "69")
    assert company.memberships.get().user.email == "pme@demo.pacte-pme.fr"
    assert application.state == State.DRAFT
    assert (application.target_country.code, application.target_city) == ("VN", "Hanoi")
    assert application.support_kinds == ["advice", "hosting"]
    assert application.maturity == Maturity.SETTLING
    assert (application.hosting_desks, application.hosting_vie_count) == (2, 1)
    assert application.hosting_budget == 1200
    assert application.hosting_start_date > application.created_at.date()
    assert services.missing_for_submission(application) == []


def test_seed_demo_companies_have_valid_sirens_and_a_member(seeded):
    companies = Company.objects.all()

    assert companies.count() == 10
    for company in companies:
        assert siren.is_valid(company.siren), company
        assert company.memberships.count() == 1


@pytest.mark.parametrize(("email", "role"), DEMO_ACCOUNTS.items())
def test_seed_demo_accounts_log_in_with_their_role(seeded, client, email, role):
    user = User.objects.get(email=email)

    response = client.post(
        reverse("accounts:login"), {"username": email, "password": DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert role_of(user) == role
    assert user.language == "fr"


def test_seed_demo_staff_and_admin_have_the_demo_authenticator(seeded):
    devices = TOTPDevice.objects.order_by("user__email")

    assert [(d.user.email, d.key, d.confirmed) for d in devices] == [
        ("admin@demo.pacte-pme.fr", DEMO_TOTP_KEY, True),
        ("instruction2@demo.pacte-pme.fr", DEMO_TOTP_KEY, True),
        ("instruction@demo.pacte-pme.fr", DEMO_TOTP_KEY, True),
    ]
    assert bytes.fromhex(DEMO_TOTP_KEY) == b"DEMO-ONLY pacte 2FA!"


def test_seed_demo_says_how_to_get_the_code(seeded):
    assert (
        "  .venv/bin/python manage.py demo_totp instruction@demo.pacte-pme.fr  "
        "(ou admin@demo.pacte-pme.fr)\n"
    ) in seeded
    assert "clé de démonstration IRCU2TZNJ5HEYWJAOBQWG5DFEAZEMQJB." in seeded


@pytest.mark.parametrize("email", ["instruction@demo.pacte-pme.fr", "admin@demo.pacte-pme.fr"])
def test_demo_totp_prints_the_code_that_completes_the_login(seeded, settings, email):
    settings.DEBUG = True
    client = Client()
    login = client.post(reverse("accounts:login"), {"username": email, "password": DEMO_PASSWORD})
    out = StringIO()

    call_command("demo_totp", email, stdout=out)

    code = out.getvalue()
    assert re.fullmatch(r"\d{6}\n", code)
    assert login.url.startswith(reverse("accounts:two_factor_verify"))
    response = client.post(login.url, {"code": code.strip()})
    assert response.status_code == 302
    assert client.get(reverse("applications:staff_queue")).status_code == 200


def test_demo_totp_refuses_when_debug_is_off(seeded, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError) as refused:
        call_command("demo_totp", "instruction@demo.pacte-pme.fr", stdout=StringIO())

    assert str(refused.value) == (
        "demo_totp sert aux démonstrations : il refuse de s'exécuter quand DEBUG est "
        "désactivé (DJANGO_DEBUG)."
    )


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("personne@demo.pacte-pme.fr", "Aucun compte avec l'adresse personne@demo.pacte-pme.fr."),
        (
            "pme@demo.pacte-pme.fr",
            "Le compte pme@demo.pacte-pme.fr n'a pas de double authentification.",
        ),
    ],
)
def test_demo_totp_says_when_there_is_no_code(seeded, settings, email, message):
    settings.DEBUG = True

    with pytest.raises(CommandError) as refused:
        call_command("demo_totp", email, stdout=StringIO())

    assert str(refused.value) == message


def test_seed_demo_admin_is_superuser(seeded):
    user = User.objects.get(email="admin@demo.pacte-pme.fr")

    assert (user.is_superuser, user.is_staff) == (True, True)


def test_seed_demo_event_chains_are_consistent(seeded):
    for application in Application.objects.exclude(state=State.DRAFT):
        events = list(application.events.order_by("created_at", "pk"))

        assert events[0].action == Action.CREATE
        assert events[0].from_state == ""
        for previous, event in zip(events, events[1:], strict=False):
            assert event.from_state == previous.to_state, (application, event.action)
            assert event.created_at >= previous.created_at, (application, event.action)
        assert events[-1].to_state == application.state
        assert application.created_at == events[0].created_at


def test_seed_demo_fills_each_queue(seeded):
    advisor = User.objects.get(email="conseiller@demo.pacte-pme.fr")
    staff = User.objects.get(email="instruction@demo.pacte-pme.fr")
    interlocutor = User.objects.get(email="correspondant@demo.pacte-pme.fr")

    assert selectors.sponsor_queue(advisor, pending_only=True).count() == 2
    # 4 current, and 5 of the past months (HISTORY's every fourth went to this CCI).
    assert selectors.sponsor_queue(advisor, pending_only=False).count() == 9
    assert selectors.interlocutor_proposals(interlocutor).count() == 2
    # 1 under way, and the 6 of the past months accompanied by Alstom in Vietnam (closed).
    followed = selectors.interlocutor_followed(interlocutor)
    assert followed.count() == 7
    assert followed.filter(application__state=State.ACCOMPANIED).count() == 1
    ages = sorted(
        application.days_since_endorsement for application in selectors.staff_queue(staff)
    )
    assert ages == [3, 6, 9, 20, 20, 35]


def test_seed_demo_admin_pages_open(seeded, client):
    client.force_login(User.objects.get(email="admin@demo.pacte-pme.fr"))
    ReminderSettings.current()
    for label in ["applications", "sponsors", "corporations", "outbox"]:
        for model in apps.get_app_config(label).get_models():
            if model not in admin.site._registry:
                continue
            info = (model._meta.app_label, model._meta.model_name)
            changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
            assert changelist.status_code == 200, info
            first = model.objects.first()
            if first is not None:
                change = client.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
                assert change.status_code == 200, info


def test_seed_demo_interlocutor_coordinates_alstom(seeded):
    interlocutor = Interlocutor.objects.get(user__email="correspondant@demo.pacte-pme.fr")

    assert (interlocutor.corporation.name, interlocutor.is_coordinator) == ("Alstom", True)


def test_seed_demo_load_and_desks_match_the_accompaniments(seeded):
    under_way = Match.objects.filter(
        status=MatchStatus.ACCEPTED, application__state=State.ACCOMPANIED
    )

    for interlocutor in Interlocutor.objects.all():
        assert (
            interlocutor.open_accompaniments == under_way.filter(interlocutor=interlocutor).count()
        ), interlocutor
    for offer in HostingOffer.objects.all():
        assert offer.reserved_desks == sum(
            under_way.filter(hosting_offer=offer).values_list("reserved_desks", flat=True)
        ), offer
    assert sorted(
        (str(offer), offer.reserved_desks)
        for offer in HostingOffer.objects.filter(reserved_desks__gt=0)
    ) == [
        ("Alstom – Hanoi, Viêt Nam", 1),
        ("Schneider Electric – Hô Chi Minh-Ville, Viêt Nam", 1),
    ]


def absent_until_label() -> str:
    """The reason given for the demo's absent interlocutor: back two weeks after the seeding."""
    return f"Absent jusqu'au {timezone.localdate() + timedelta(days=13):%d/%m/%Y}."


def test_seed_demo_ranking_sets_apart_the_unavailable(seeded):
    solenvie = Application.objects.get(
        company__legal_name="Solenvie Énergies", state=State.IN_REVIEW
    )

    ranking = ranking_for(solenvie)

    assert [r.candidate.name for r in ranking.available] == ["Laurent Girard"]
    assert {r.candidate.name: r.unavailable for r in ranking.unavailable} == {
        "Anne Tran": "A déjà décliné ce dossier.",
        "Marc Vidal": absent_until_label(),
    }


def test_seed_demo_cambodia_falls_back_on_the_subregion(seeded):
    cambodia = Application.objects.get(target_country="KH")

    ranking = ranking_for(cambodia)

    assert cambodia.state == State.IN_REVIEW
    assert ranking.nearby_only is True
    assert [r.candidate.name for r in ranking.available] == ["Laurent Girard"]
    assert {r.candidate.name: r.unavailable for r in ranking.unavailable} == {
        "Anne Tran": "Capacité atteinte (1 dossier suivi).",
        "Marc Vidal": absent_until_label(),
    }


def test_seed_demo_clocks_follow_the_backdated_history(seeded):
    staff = User.objects.get(email="instruction@demo.pacte-pme.fr")
    queue = list(selectors.staff_queue(staff))

    # Never paused: the review's day is the days since the endorsement.
    for application in queue:
        clock = application.clock
        if clock.running and not clock.paused_days:
            assert clock.days_elapsed == application.days_since_endorsement
    # Endorsed 35 days ago and never paused: overdue by 5 days.
    [late] = [a.clock for a in queue if a.days_since_endorsement == 35]
    assert (late.overdue, late.days_overdue) == (True, 5)
    # The one waiting for the SME's answer is paused since its question.
    [paused] = [a.clock for a in queue if a.clock.paused_since]
    assert paused.days_elapsed < paused.target_days


def test_seed_demo_event_chains_verify(seeded):
    out = StringIO()
    call_command("verify_audit", stdout=out)

    assert out.getvalue().startswith("Chaîne intacte")
