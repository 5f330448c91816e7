"""The SME's pages through the Django test client: creating the company, its form and its SIREN,
the admin's search and form."""

import re

import pytest
from django.urls import reverse

from companies.models import Company
from tests.factories import CompanyFactory, CompanyMembershipFactory, sector

pytestmark = pytest.mark.django_db


# --- The company's form --------------------------------------------------------


def company_data(**overrides):
    data = {
        "legal_name": "Asconit Consultants",
        "siren": "732 829 320",
        "sector": sector("71").pk,
        "headcount": "10-49",
        "turnover": "2m-10m",
        "region": "84",
        "department": "69",
        "website": "https://www.asconit.example",
        "export_experience": "occasional",
    }
    return {**data, **overrides}


@pytest.fixture
def new_user(db):
    user = CompanyMembershipFactory().user
    user.company_membership.delete()
    user.refresh_from_db()
    return user


def test_company_create_saves_the_company_and_its_first_user(client, new_user):
    client.force_login(new_user)

    response = client.post(reverse("companies:create"), company_data())

    assert response["Location"] == reverse("applications:create")
    company = Company.objects.get(siren="732829320")
    assert list(company.memberships.values_list("user", flat=True)) == [new_user.pk]


@pytest.mark.parametrize(
    ("siren", "message"),
    [
        ("732829321", "Ce numéro SIREN n&#x27;existe pas : sa clé de contrôle est fausse."),
        ("73282932", "Un numéro SIREN comporte exactement 9 chiffres."),
        ("73282932A", "Un numéro SIREN ne contient que des chiffres."),
    ],
)
def test_company_create_explains_a_wrong_siren_and_keeps_the_rest(client, new_user, siren, message):
    client.force_login(new_user)

    response = client.post(reverse("companies:create"), company_data(siren=siren))

    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert 'value="Asconit Consultants"' in content
    assert not Company.objects.filter(legal_name="Asconit Consultants").exists()


def test_company_create_refuses_a_department_outside_the_region(client, new_user):
    client.force_login(new_user)

    response = client.post(reverse("companies:create"), company_data(department="29"))

    assert "Ce département n&#x27;est pas dans la région Auvergne-Rhône-Alpes." in (
        response.content.decode()
    )


def test_company_create_refuses_an_already_registered_siren(client, new_user):
    CompanyFactory(siren="732829320")
    client.force_login(new_user)

    response = client.post(reverse("companies:create"), company_data())

    assert "Cette entreprise est déjà inscrite sur le portail." in response.content.decode()


@pytest.mark.parametrize(
    "typed",
    ["  982 380 578  ", "982.380.578", "982-380-578", "９８２３８０５７８"],
    ids=["spaces-and-blanks", "dots", "dashes", "full-width"],
)
def test_company_create_stores_the_compact_ascii_siren(client, new_user, typed):
    client.force_login(new_user)

    response = client.post(reverse("companies:create"), company_data(siren=typed))

    assert response["Location"] == reverse("applications:create")
    assert Company.objects.get(legal_name="Asconit Consultants").siren == "982380578"


def test_company_create_refuses_a_full_width_copy_of_a_registered_siren(client, new_user):
    CompanyFactory(siren="982380578", legal_name="Asconit")
    client.force_login(new_user)

    response = client.post(reverse("companies:create"), company_data(siren="９８２３８０５７８"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "siren": [
            "Cette entreprise est déjà inscrite sur le portail. Demandez à l'un de ses "
            "utilisateurs de vous y ajouter."
        ]
    }
    assert Company.objects.filter(siren__in=["982380578", "９８２３８０５７８"]).count() == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("000000000", "Ce numéro SIREN n'existe pas : aucun SIREN n'est fait que de zéros."),
        (
            "982 380 578 00012",
            "Un SIRET compte 14 chiffres ; le SIREN en est les 9 premiers : 982 380 578. "
            "Saisissez ces 9 chiffres.",
        ),
        ("982 380 578 000 12 34", "Un numéro SIREN comporte exactement 9 chiffres."),
        ("9" * 200, "Un numéro SIREN comporte exactement 9 chiffres."),
    ],
    ids=["zeros", "siret", "too-long", "far-too-long"],
)
def test_company_create_explains_a_siren_in_digits(client, new_user, typed, message):
    client.force_login(new_user)

    response = client.post(reverse("companies:create"), company_data(siren=typed))

    assert response.status_code == 200
    assert response.context["form"].errors == {"siren": [message]}
    assert "caractères" not in response.content.decode()
    assert not Company.objects.filter(legal_name="Asconit Consultants").exists()


def test_company_form_siren_input_does_not_cut_what_is_pasted(client, new_user):
    client.force_login(new_user)

    response = client.get(reverse("companies:create"))

    [siren_input] = re.findall(r'<input [^>]*name="siren"[^>]*>', response.content.decode())
    assert 'inputmode="numeric"' in siren_input
    assert "maxlength" not in siren_input


# --- The admin's search finds a SIREN however it is typed ---------------------------------


@pytest.mark.parametrize("typed", ["982 380 578", "982.380.578", "９８２３８０５７８"])
def test_admin_company_search_finds_a_siren_however_typed(client, admin_user, typed):
    company = CompanyFactory(siren="982380578", legal_name="Asconit Consultants")
    CompanyFactory(legal_name="Hydro Conseil Bretagne")
    client.force_login(admin_user)

    response = client.get(reverse("admin:companies_company_changelist"), {"q": typed})

    assert list(response.context["cl"].result_list) == [company]


def test_admin_company_form_stores_the_compact_ascii_siren(client, admin_user):
    company = CompanyFactory(siren="982380578")
    client.force_login(admin_user)
    page = client.get(reverse("admin:companies_company_change", args=[company.pk]))
    data = {
        **page.context["adminform"].form.initial,
        "siren": " ９８２ ３８０ ５７８ ",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }

    response = client.post(
        reverse("admin:companies_company_change", args=[company.pk]),
        {key: value for key, value in data.items() if value is not None},
    )

    assert response.status_code == 302
    company.refresh_from_db()
    assert company.siren == "982380578"
