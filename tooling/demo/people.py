"""The people of the demo: one account per role (the SME's in `companies`), more advisors,
staff and interlocutors around them, all with the one published password; staff and the
administrator with the published authenticator key."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import StaffMembership, User
from corporations.models import Absence, Interlocutor, MemberCorporation
from reference.models import Sector
from sponsors.models import Advisor, SponsorBody
from tooling.demo.organisations import (
    CCE_OCCITANIE,
    CCI_BRETAGNE,
    CCI_HDF,
    CCI_LYON,
    CCI_NA,
    CCI_PARIS,
)

# Published on purpose: demo accounts only (bandit B105, ruff S105).
DEMO_PASSWORD = "pacte-demo-2026"  # noqa: S105  # nosec B105
# The authenticator key of the demo staff and administrator, who must use two-factor
# authentication: published on purpose too, it says so ("DEMO-ONLY pacte 2FA!" in hex).
# `manage.py demo_totp EMAIL` prints its current code.
DEMO_TOTP_KEY = "44454d4f2d4f4e4c592070616374652032464121"


@dataclass(frozen=True)
class Person:
    email: str
    first_name: str
    last_name: str


def demo(local: str) -> str:
    return f"{local}@demo.pacte-pme.fr"


SME_USER = Person(demo("pme"), "Julien", "Marchand")
ADVISOR_USER = Person(demo("conseiller"), "Sophie", "Bernard")
STAFF_USER = Person(demo("instruction"), "Nathalie", "Rousseau")
INTERLOCUTOR_USER = Person(demo("correspondant"), "Laurent", "Girard")
ADMIN_USER = Person(demo("admin"), "Administrateur", "Pacte PME")

# (person, sponsor body)
ADVISORS = [
    (ADVISOR_USER, CCI_LYON),
    (Person(demo("conseiller2"), "François", "Martin"), CCI_PARIS),
    (Person(demo("conseiller3"), "Hélène", "Dupont"), CCI_HDF),
    (Person(demo("conseiller4"), "Jean-Marc", "Lacoste"), CCI_NA),
    (Person(demo("conseiller5"), "Gwenaëlle", "Le Bihan"), CCI_BRETAGNE),
    (Person(demo("conseiller6"), "Michel", "Roux"), CCE_OCCITANIE),
]

# (person, is_lead)
STAFF = [
    (STAFF_USER, True),
    (Person(demo("instruction2"), "Thomas", "Lefèvre"), False),
]

# (person, corporation, job title, countries, NAF divisions, capacity)
INTERLOCUTORS = [
    (INTERLOCUTOR_USER, "Alstom", "Directeur pays Vietnam", ["VN"], ["71", "39"], 4),
    (
        Person(demo("correspondant2"), "Anne", "Tran"),
        "Schneider Electric",
        "Directrice du développement, Vietnam",
        ["VN"],
        ["27", "35", "43"],
        1,  # taken by Delcourt's accompaniment: full, shown apart in the rankings
    ),
    (
        Person(demo("correspondant3"), "Philippe", "Moreau"),
        "EDF",
        "Délégué EDF en Chine",
        ["CN"],
        ["35", "71"],
        2,
    ),
    (
        Person(demo("correspondant4"), "Bertrand", "Fabre"),
        "TotalEnergies",
        "Responsable du contenu local, Nigeria",
        ["NG"],
        ["06", "09", "19"],
        3,
    ),
    (
        Person(demo("correspondant5"), "Karim", "Alaoui"),
        "Renault",
        "Directeur des achats, usine de Tanger",
        ["MA"],
        ["29", "28", "45"],
        3,
    ),
    (
        Person(demo("correspondant6"), "Priya", "Raman"),
        "Airbus",
        "Responsable du développement fournisseurs, Inde",
        ["IN"],
        ["30", "62", "71"],
        2,
    ),
    (
        Person(demo("correspondant7"), "Marc", "Vidal"),
        "EDF",
        "Délégué EDF au Vietnam",
        ["VN"],
        ["35", "71"],
        2,
    ),
]

# The demo interlocutor also keeps Alstom's presences and hosting offers up to date.
COORDINATORS = {INTERLOCUTOR_USER.email}
# (email, note): absent for two weeks from the day of the first run, so that the rankings
# set them apart.
ABSENCES = [(demo("correspondant7"), "Mission au siège, à Paris")]


class Accounts:
    """The demo's accounts, found or created by email, kept by email for the stories."""

    def __init__(self):
        self.users: dict[str, User] = {}
        self._password_hash = None

    def user(self, person: Person, **extra) -> User:
        if self._password_hash is None:
            # Hashing is slow on purpose; the demo accounts share one published password.
            self._password_hash = make_password(DEMO_PASSWORD)
        user, _created = User.objects.get_or_create(
            email=person.email,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "language": "fr",
                "password": self._password_hash,
                **extra,
            },
        )
        self.users[person.email] = user
        return user


def demo_authenticator(user: User) -> None:
    """Staff and administrators must use two-factor authentication: their demo accounts
    have it set up already, with the published demo key (also on databases seeded
    before)."""
    TOTPDevice.objects.get_or_create(
        user=user,
        confirmed=True,
        defaults={"name": two_factor.TOTP_DEVICE_NAME, "key": DEMO_TOTP_KEY},
    )


def seed_people(
    accounts: Accounts,
    bodies: dict[str, SponsorBody],
    corporations: dict[str, MemberCorporation],
    sectors: dict[str, Sector],
) -> None:
    seed_admin(accounts)
    seed_advisors(accounts, bodies)
    seed_staff(accounts)
    seed_interlocutors(accounts, corporations, sectors)
    seed_coordinators()
    seed_absences()


def seed_admin(accounts: Accounts) -> None:
    demo_authenticator(accounts.user(ADMIN_USER, is_staff=True, is_superuser=True))


def seed_advisors(accounts: Accounts, bodies: dict[str, SponsorBody]) -> None:
    for person, body_name in ADVISORS:
        user = accounts.user(person)
        Advisor.objects.get_or_create(user=user, defaults={"sponsor_body": bodies[body_name]})


def seed_staff(accounts: Accounts) -> None:
    for person, is_lead in STAFF:
        user = accounts.user(person)
        StaffMembership.objects.get_or_create(user=user, defaults={"is_lead": is_lead})
        demo_authenticator(user)


def seed_interlocutors(accounts: Accounts, corporations, sectors) -> None:
    """Each interlocutor with its NAF divisions (set when the interlocutor is created)."""
    for person, corporation, job_title, countries, codes, capacity in INTERLOCUTORS:
        user = accounts.user(person)
        interlocutor, created = Interlocutor.objects.get_or_create(
            user=user,
            defaults={
                "corporation": corporations[corporation],
                "job_title": job_title,
                "countries": countries,
                "capacity": capacity,
            },
        )
        if created:
            interlocutor.sectors.set([sectors[code] for code in codes])


def seed_coordinators() -> None:
    # Set on databases seeded before coordinators existed too.
    Interlocutor.objects.filter(user__email__in=COORDINATORS, is_coordinator=False).update(
        is_coordinator=True
    )


def seed_absences() -> None:
    """Each absence from the day of the first run (none added if the person has one)."""
    today = timezone.localdate()
    for email, note in ABSENCES:
        interlocutor = Interlocutor.objects.get(user__email=email)
        if not interlocutor.absences.exists():
            Absence.objects.create(
                interlocutor=interlocutor,
                start=today,
                end=today + timedelta(days=13),
                note=note,
            )
