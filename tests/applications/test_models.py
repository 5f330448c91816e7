"""Companies and applications as stored: SIREN validation, database constraints, references."""

import importlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from applications.enums import State, SupportKind
from applications.models import Application, InformationRequest
from companies.models import Company
from companies.validators import normalize_siren, validate_siren
from reference.models import Sector
from tests.factories import (
    ApplicationFactory,
    CompanyFactory,
    make_application_in,
    siren_from,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")

SIREN_LENGTH = "Un numéro SIREN comporte exactement 9 chiffres."
SIREN_FORMAT = "Un numéro SIREN ne contient que des chiffres."
SIREN_CHECKSUM = (
    "Ce numéro SIREN n'existe pas : sa clé de contrôle est fausse. Vérifiez-le sur "
    "votre extrait Kbis."
)
SIREN_ZERO = "Ce numéro SIREN n'existe pas : aucun SIREN n'est fait que de zéros."
SIREN_IS_SIRET = (
    "Un SIRET compte 14 chiffres ; le SIREN en est les 9 premiers : 982 380 578. "
    "Saisissez ces 9 chiffres."
)


# --- SIREN ---------------------------------------------------------------------------------


@pytest.mark.parametrize("siren", ["732829320", "552032534", "982380578", siren_from(7)])
def test_validate_siren_accepts_a_valid_number(siren):
    assert validate_siren(siren) is None


@pytest.mark.parametrize(
    ("siren", "message", "code"),
    [
        ("732829321", SIREN_CHECKSUM, "siren_checksum"),
        ("552032535", SIREN_CHECKSUM, "siren_checksum"),
        ("73282932A", SIREN_FORMAT, "siren_format"),
        ("ABCDEFGHI", SIREN_FORMAT, "siren_format"),
        ("73282932", SIREN_LENGTH, "siren_length"),
        ("7328293200", SIREN_LENGTH, "siren_length"),
        ("000000000", SIREN_ZERO, "siren_zero"),
        ("000 000 000", SIREN_ZERO, "siren_zero"),
        ("98238057800012", SIREN_IS_SIRET, "siren_is_siret"),
        ("982 380 578 00012", SIREN_IS_SIRET, "siren_is_siret"),
        ("98238057800013", SIREN_LENGTH, "siren_length"),
        ("00000000000000", SIREN_LENGTH, "siren_length"),
        ("٩٨٢٣٨٠٥٧٨", SIREN_FORMAT, "siren_format"),
    ],
    ids=[
        "wrong-checksum",
        "wrong-checksum-2",
        "a-letter",
        "letters",
        "8-digits",
        "10-digits",
        "zeros",
        "zeros-spaced",
        "siret",
        "siret-spaced",
        "14-digits-not-a-siret",
        "14-zeros",
        "arabic-indic-digits",
    ],
)
def test_validate_siren_refuses_with_a_french_message(siren, message, code):
    with pytest.raises(ValidationError) as error:
        validate_siren(siren)

    assert error.value.messages == [message]
    assert error.value.code == code


@pytest.mark.parametrize(
    "typed",
    [
        "982380578",
        "  982 380 578  ",
        "982.380.578",
        "982-380-578",
        "982\u2013380\u2013578",
        "982\u00a0380\u202f578",
        "\t982 380\n578\r\n",
        "９８２３８０５７８",
        "９８２　３８０　５７８",
    ],
    ids=[
        "compact",
        "spaces",
        "dots",
        "dashes",
        "en-dashes",
        "no-break-spaces",
        "tab-and-line-breaks",
        "full-width",
        "full-width-spaces",
    ],
)
def test_normalize_siren_gives_the_compact_ascii_form(typed):
    assert normalize_siren(typed) == "982380578"
    assert validate_siren(typed) is None


def test_company_full_clean_reports_the_siren_error_on_its_field():
    company = CompanyFactory.build(siren="732829321", sector=Sector.objects.get(code="71"))

    with pytest.raises(ValidationError) as error:
        company.full_clean()

    assert error.value.message_dict == {"siren": [SIREN_CHECKSUM]}


def test_company_factory_makes_valid_unique_sirens():
    companies = CompanyFactory.create_batch(3)

    for company in companies:
        company.full_clean()
    assert len({company.siren for company in companies}) == 3
    assert companies[0].sector.code == "71"


# --- Database constraints ------------------------------------------------------------------


# Nine characters at most, as the column holds: what the check refuses, not the length.
@pytest.mark.parametrize(
    "stored",
    [
        "９８２３８０５７８",
        "٩٨٢٣٨٠٥٧٨",
        "982 380 5",
        " 98238057",
        "98238057",
        "98238057\n",
        "98238057A",
    ],
    ids=["full-width", "arabic-indic", "cut-paste", "blank", "8-digits", "line-break", "letter"],
)
def test_company_siren_is_nine_ascii_digits_in_the_database(stored):
    """Whatever bypasses the forms (an update, a script), the database keeps the SIREN to nine
    ASCII digits."""
    company = CompanyFactory(siren="982380578")

    with pytest.raises(IntegrityError), transaction.atomic():
        Company.objects.filter(pk=company.pk).update(siren=stored)

    company.refresh_from_db()
    assert company.siren == "982380578"


@pytest.mark.parametrize(
    "stored",
    ["982380578\n", "9823805780", " 982 380 578 "],
    ids=["line-break", "10-digits", "blanks"],
)
def test_company_siren_longer_than_nine_is_refused_by_the_database(stored):
    """PostgreSQL refuses these for their length already (DataError), SQLite by the check."""
    company = CompanyFactory(siren="982380578")

    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Company.objects.filter(pk=company.pk).update(siren=stored)

    company.refresh_from_db()
    assert company.siren == "982380578"


def _violates(application: Application, **values) -> None:
    """Write `values` straight to the row, bypassing the services; expect the database to refuse."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(**values)


def test_constraint_refuses_an_unknown_state(draft_application):
    _violates(draft_application, state="archived")

    draft_application.refresh_from_db()
    assert draft_application.state == State.DRAFT


@pytest.mark.parametrize("rating", [0, 6])
def test_constraint_refuses_a_rating_outside_1_to_5(application_in, rating):
    application = application_in(State.CLOSED)

    _violates(application, rating=rating)

    application.refresh_from_db()
    assert application.rating is None


@pytest.mark.parametrize("rating", [1, 5])
def test_constraint_accepts_a_rating_from_1_to_5(application_in, rating):
    application = application_in(State.CLOSED)

    Application.objects.filter(pk=application.pk).update(rating=rating)

    application.refresh_from_db()
    assert application.rating == rating


def test_constraint_refuses_a_submitted_application_without_support_kind(application_in):
    application = application_in(State.AWAITING_SPONSOR)

    _violates(application, wants_advice=False, wants_hosting=False, wants_commercial=False)


def test_constraint_accepts_a_draft_without_support_kind():
    application = ApplicationFactory(incomplete=True)

    assert application.support_kinds == []


def test_constraint_refuses_a_submitted_application_without_sponsor(draft_application):
    _violates(draft_application, state=State.AWAITING_SPONSOR)


def test_constraint_allows_one_open_information_request(application_in, staff_user):
    application = application_in(State.AWAITING_INFORMATION)

    with pytest.raises(IntegrityError), transaction.atomic():
        InformationRequest.objects.create(
            application=application, question="Une autre question ?", asked_by=staff_user
        )


# --- Properties ----------------------------------------------------------------------------


def test_reference_format():
    application = ApplicationFactory(created_at=datetime(2026, 3, 2, 9, 30, tzinfo=PARIS))

    assert application.reference == f"PPI-2026-{application.pk:05d}"


def test_reference_of_an_unsaved_application():
    assert ApplicationFactory.build().reference == "PPI-…"


def test_reference_year_is_the_year_in_paris():
    # 1 January 2026 at 00:30 in Paris is still 2025 in UTC, as the row stores it.
    application = ApplicationFactory(created_at=datetime(2026, 1, 1, 0, 30, tzinfo=PARIS))
    application.refresh_from_db()

    assert application.reference == f"PPI-2026-{application.pk:05d}"


def test_str_names_reference_company_and_country(company):
    application = ApplicationFactory(company=company)

    assert str(application) == f"{application.reference} – Asconit Consultants (Viêt Nam)"


@pytest.mark.parametrize(
    ("city", "label"), [("Hanoi", "Hanoi, Viêt Nam"), ("", "Viêt Nam")], ids=["city", "no-city"]
)
def test_target_label(city, label):
    assert ApplicationFactory.build(target_city=city).target_label == label


def test_support_kinds_in_order():
    application = ApplicationFactory.build(
        wants_advice=True, wants_hosting=False, wants_commercial=True
    )

    assert application.support_kinds == [SupportKind.ADVICE, SupportKind.COMMERCIAL]


@pytest.mark.parametrize(
    ("state", "badge"),
    [(State.DRAFT, "secondary"), (State.PROPOSED, "primary"), (State.REJECTED, "danger")],
)
def test_state_badge(state, badge):
    assert ApplicationFactory.build(state=state).state_badge == badge


def test_days_since_endorsement_counts_until_today_then_until_closing(time_machine, staff_user):
    time_machine.move_to(datetime(2026, 3, 2, 10, 0, tzinfo=PARIS), tick=False)
    application = make_application_in(State.ACCOMPANIED, staff=staff_user)
    assert application.days_since_endorsement == 0

    time_machine.shift(timedelta(days=31))
    application.refresh_from_db()
    assert application.days_since_endorsement == 31

    application = make_application_in(State.CLOSED, application=ApplicationFactory())
    time_machine.shift(timedelta(days=10))
    assert application.days_since_endorsement == 0


def test_days_since_endorsement_none_before_endorsement(draft_application):
    assert draft_application.days_since_endorsement is None


# --- The migration that made every SIREN compact -------------------------------------------

siren_migration = importlib.import_module("applications.migrations.0012_company_siren_ascii")


def test_siren_migration_rewrites_what_is_not_compact():
    rows = [
        (1, "982380578", "Asconit"),
        (2, "７３２ ８２９ ３２０", "Hydro"),
        (3, "552.032.534", "C"),
    ]

    assert siren_migration.normalised_sirens(rows) == {2: "732829320", 3: "552032534"}


def test_siren_migration_stops_and_names_one_company_registered_twice():
    rows = [(1, "982380578", "Asconit"), (2, "９８２３８０５７８", "Asconit bis"), (3, "8", "X")]

    with pytest.raises(siren_migration.SirenMigrationError) as error:
        siren_migration.normalised_sirens(rows)

    assert str(error.value) == (
        "Some companies' SIRENs cannot be normalised; nothing was changed. The same SIREN "
        "written in different ways, one company registered twice (merge or delete one in the "
        "admin, then migrate again): 982380578: #1 'Asconit' ('982380578'), #2 'Asconit bis' "
        "('９８２３８０５７８'). Not nine digits (correct them in the admin, then migrate again): "
        "#3 'X': '8'."
    )
