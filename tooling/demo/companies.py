"""The SMEs of the demo, each created by its member through the service an SME signs up with
(found by SIREN on the next runs)."""

from companies import services as company_services
from companies.enums import ExportExperience, Headcount, TurnoverBand
from companies.models import Company
from reference.models import Sector
from tooling.demo.people import SME_USER, Accounts, Person, demo

ASCONIT_SIREN = "418756235"

# key: (person, company fields). SIRENs are made up; their Luhn check digit is right.
COMPANIES = {
    "asconit": (
        SME_USER,
        {
            "legal_name": "Asconit Consultants",
            "siren": ASCONIT_SIREN,
            "sector": "71",
            "headcount": Headcount.MEDIUM,
            "turnover": TurnoverBand.FROM_2M_TO_10M,
            "region": "84",
            "department": "69",
            "export_experience": ExportExperience.OCCASIONAL,
        },
    ),
    "depolia": (
        Person(demo("pme2"), "Camille", "Perrin"),
        {
            "legal_name": "Dépolia",
            "siren": "502934185",
            "sector": "39",
            "headcount": Headcount.SMALL,
            "turnover": TurnoverBand.FROM_2M_TO_10M,
            "region": "84",
            "department": "69",
            "export_experience": ExportExperience.OCCASIONAL,
        },
    ),
    "rhone": (
        Person(demo("pme3"), "Antoine", "Mercier"),
        {
            "legal_name": "Rhône Automatismes",
            "siren": "433619079",
            "sector": "27",
            "headcount": Headcount.MEDIUM,
            "turnover": TurnoverBand.FROM_10M_TO_50M,
            "region": "84",
            "department": "69",
            "export_experience": ExportExperience.REGULAR,
        },
    ),
    "forez": (
        Person(demo("pme4"), "Élodie", "Chapuis"),
        {
            "legal_name": "Forez Textiles Techniques",
            "siren": "790245161",
            "sector": "13",
            "headcount": Headcount.SMALL,
            "turnover": TurnoverBand.FROM_2M_TO_10M,
            "region": "84",
            "department": "42",
            "export_experience": ExportExperience.OCCASIONAL,
        },
    ),
    "hydrelis": (
        Person(demo("pme5"), "Yann", "Le Goff"),
        {
            "legal_name": "Hydrelis Instruments",
            "siren": "812567345",
            "sector": "26",
            "headcount": Headcount.SMALL,
            "turnover": TurnoverBand.FROM_2M_TO_10M,
            "region": "53",
            "department": "35",
            "export_experience": ExportExperience.REGULAR,
        },
    ),
    "solenvie": (
        Person(demo("pme6"), "Inès", "Garcia"),
        {
            "legal_name": "Solenvie Énergies",
            "siren": "527189401",
            "sector": "35",
            "headcount": Headcount.SMALL,
            "turnover": TurnoverBand.FROM_2M_TO_10M,
            "region": "76",
            "department": "34",
            "export_experience": ExportExperience.NONE,
        },
    ),
    "mecaprecis": (
        Person(demo("pme7"), "Olivier", "Lemaire"),
        {
            "legal_name": "Mécaprécis",
            "siren": "488302159",
            "sector": "28",
            "headcount": Headcount.MEDIUM,
            "turnover": TurnoverBand.FROM_10M_TO_50M,
            "region": "32",
            "department": "59",
            "export_experience": ExportExperience.REGULAR,
        },
    ),
    "datalyse": (
        Person(demo("pme8"), "Sarah", "Benali"),
        {
            "legal_name": "Datalyse",
            "siren": "754120939",
            "sector": "62",
            "headcount": Headcount.MICRO,
            "turnover": TurnoverBand.UNDER_2M,
            "region": "11",
            "department": "92",
            "export_experience": ExportExperience.NONE,
        },
    ),
    "delcourt": (
        Person(demo("pme10"), "Nicolas", "Delcourt"),
        {
            "legal_name": "Delcourt Tableaux Électriques",
            "siren": "813456787",
            "sector": "27",
            "headcount": Headcount.SMALL,
            "turnover": TurnoverBand.FROM_2M_TO_10M,
            "region": "11",
            "department": "91",
            "export_experience": ExportExperience.OCCASIONAL,
        },
    ),
    "pyrene": (
        Person(demo("pme9"), "Pierre", "Etcheverry"),
        {
            "legal_name": "Pyrène Forage Services",
            "siren": "839201472",
            "sector": "09",
            "headcount": Headcount.SMALL,
            "turnover": TurnoverBand.FROM_2M_TO_10M,
            "region": "75",
            "department": "64",
            "export_experience": ExportExperience.ESTABLISHED,
        },
    ),
}


def seed_companies(accounts: Accounts, sectors: dict[str, Sector]) -> dict[str, Company]:
    """Each SME by its key in COMPANIES, after its member's account."""
    companies = {}
    for key, (person, fields) in COMPANIES.items():
        user = accounts.user(person)
        company = Company.objects.filter(siren=fields["siren"]).first()
        if company is None:
            company = company_services.create_company(
                user, **{**fields, "sector": sectors[fields["sector"]]}
            )
        companies[key] = company
    return companies
