"""`manage.py seed_demo`: a believable data set to show the portal, one account per role.

Reference data (member corporations, presences, hosting offers, sponsor bodies) and the demo
accounts are looked up by their natural keys, so running the command again changes nothing.
The demo applications are walked through the real workflow services, with the right actor at
each step, so their events, endorsements, matches and questions are those of real life; they
are built only on the first run (when Asconit Consultants does not exist yet).
"""

import logging
from base64 import b32encode
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import StaffMembership, User
from applications import audit, clock, services
from applications.enums import (
    DocumentKind,
    ExportExperience,
    Headcount,
    Maturity,
    Outcome,
    State,
    TurnoverBand,
)
from applications.models import (
    Application,
    ApplicationEvent,
    Company,
    Document,
    InformationRequest,
    Message,
    Sector,
)
from corporations.models import (
    Absence,
    HostingOffer,
    Interlocutor,
    Match,
    MemberCorporation,
    Presence,
)
from notifications.models import Notification
from pacte.celery import app as celery_app
from reports.models import Goal
from sponsors.enums import SponsorKind
from sponsors.models import Advisor, Endorsement, SponsorBody

# Published on purpose: demo accounts only (bandit B105, ruff S105).
DEMO_PASSWORD = "pacte-demo-2026"  # noqa: S105  # nosec B105
# The authenticator key of the demo staff and administrator, who must use two-factor
# authentication: published on purpose too, it says so ("DEMO-ONLY pacte 2FA!" in hex).
# `manage.py demo_totp EMAIL` prints its current code.
DEMO_TOTP_KEY = "44454d4f2d4f4e4c592070616374652032464121"
ASCONIT_SIREN = "418756235"

CCI_LYON = "CCI Lyon Métropole Saint-Étienne Roanne"
CCI_PARIS = "CCI Paris Île-de-France"
CCI_HDF = "CCI Hauts-de-France"
CCI_NA = "CCI Nouvelle-Aquitaine"
CCI_BRETAGNE = "CCI Bretagne"
CCE_OCCITANIE = "Comité CCE Occitanie"

# (kind, name, region, departments covered: empty for the whole region)
SPONSOR_BODIES = [
    (SponsorKind.CCI, CCI_PARIS, "11", []),
    (SponsorKind.CCI, CCI_LYON, "84", ["69", "42"]),
    (SponsorKind.CCI, CCI_HDF, "32", []),
    (SponsorKind.CCI, CCI_NA, "75", []),
    (SponsorKind.CCI, CCI_BRETAGNE, "53", []),
    (SponsorKind.CCE, "Comité CCE Auvergne-Rhône-Alpes", "84", []),
    (SponsorKind.CCE, CCE_OCCITANIE, "76", []),
    (SponsorKind.CCE, "Comité CCE Grand Est", "44", []),
]

CORPORATIONS = [
    {
        "name": "Alstom",
        "website": "https://www.alstom.com",
        "description": (
            "Transport ferroviaire et, historiquement, production d'énergie. Présent au Vietnam "
            "depuis le début des années 1990 ; a hébergé Asconit Consultants à Hanoi en 2007."
        ),
        # (country, city, since, NAF divisions)
        "presences": [
            ("VN", "Hanoi", 1993, ["71", "30", "27", "42"]),
            ("IN", "Bangalore", None, ["30", "71"]),
            ("BR", "São Paulo", None, ["30", "27", "33"]),
            ("MA", "Casablanca", None, ["30", "42", "71"]),
            ("CN", "Shanghai", None, ["30", "27"]),
        ],
        "hosting": [
            {
                "country": "VN",
                "city": "Hanoi",
                "desks": 4,
                "monthly_price": 450,
                "at_cost": True,
                "vie_accepted": True,
                "description": (
                    "Bureaux équipés dans les locaux d'Alstom Vietnam, à prix coûtant ; "
                    "accueil des VIE et appui administratif (visas, bail, comptabilité) les "
                    "premiers mois."
                ),
            },
        ],
    },
    {
        "name": "EDF",
        "website": "https://www.edf.fr",
        "description": "Production et distribution d'électricité, ingénierie nucléaire et "
        "hydraulique, énergies renouvelables.",
        "presences": [
            ("CN", "Pékin", None, ["35", "71"]),
            ("GB", "Londres", None, ["35"]),
            ("BR", "Rio de Janeiro", None, ["35", "42"]),
            ("VN", "Hanoi", None, ["35", "71"]),
        ],
        "hosting": [
            {
                "country": "CN",
                "city": "Pékin",
                "desks": 2,
                "monthly_price": 700,
                "at_cost": True,
                "vie_accepted": True,
                "description": "Deux postes dans les bureaux de la délégation EDF en Chine.",
            },
        ],
    },
    {
        "name": "Spie",
        "website": "https://www.spie.com",
        "description": "Services multitechniques : génie électrique, mécanique et climatique, "
        "maintenance industrielle, services pétroliers et gaziers.",
        "presences": [
            ("QA", "Doha", None, ["09", "43", "33"]),
            ("NG", "Port Harcourt", None, ["09", "33"]),
            ("MA", "Casablanca", None, ["43", "71"]),
            ("GB", "Londres", None, ["43", "33"]),
        ],
        "hosting": [],
    },
    {
        "name": "TotalEnergies",
        "website": "https://totalenergies.com",
        "description": "Énergie (ex-Total) : exploration et production d'hydrocarbures, "
        "raffinage, chimie, électricité renouvelable.",
        "presences": [
            ("NG", "Lagos", None, ["06", "09", "19"]),
            ("NG", "Port Harcourt", None, ["06", "09"]),
            ("QA", "Doha", None, ["06", "19", "20"]),
            ("BR", "Rio de Janeiro", None, ["06", "09"]),
            ("AO", "Luanda", None, ["06", "09"]),
        ],
        "hosting": [
            {
                "country": "NG",
                "city": "Lagos",
                "desks": 2,
                "monthly_price": 900,
                "at_cost": False,
                "vie_accepted": False,
                "description": (
                    "Postes dans un immeuble sécurisé ; accès encadré par le service sûreté "
                    "du groupe."
                ),
            },
        ],
    },
    {
        "name": "Renault",
        "website": "https://www.renaultgroup.com",
        "description": "Construction automobile (Renault, Dacia) ; usines et centres "
        "d'ingénierie à l'international.",
        "presences": [
            ("MA", "Tanger", 2012, ["29", "28"]),
            ("BR", "Curitiba", None, ["29"]),
            ("RO", "Pitești", None, ["29", "71"]),
            ("IN", "Chennai", None, ["29"]),
            ("TR", "Bursa", None, ["29"]),
        ],
        "hosting": [
            {
                "country": "MA",
                "city": "Tanger",
                "desks": 3,
                "monthly_price": 250,
                "at_cost": True,
                "vie_accepted": True,
                "description": "Postes dans la zone fournisseurs de l'usine de Tanger Med.",
            },
        ],
    },
    {
        "name": "Airbus",
        "website": "https://www.airbus.com",
        "description": "Aéronautique, espace et défense (ex-EADS).",
        "presences": [
            ("CN", "Tianjin", 2008, ["30", "33"]),
            ("IN", "Bangalore", None, ["30", "62", "71"]),
            ("US", "Mobile", None, ["30"]),
            ("SG", "Singapour", None, ["30", "33"]),
        ],
        "hosting": [
            {
                "country": "IN",
                "city": "Bangalore",
                "desks": 4,
                "monthly_price": 300,
                "at_cost": True,
                "vie_accepted": True,
                "description": (
                    "Plateau partagé au centre d'ingénierie de Bangalore, ouvert aux VIE."
                ),
            },
        ],
    },
    {
        "name": "Crédit Agricole",
        "website": "https://www.credit-agricole.com",
        "description": "Banque de financement et d'investissement, financement du commerce "
        "international, banque de détail à l'étranger.",
        "presences": [
            ("CN", "Shanghai", None, ["64"]),
            ("VN", "Hô Chi Minh-Ville", None, ["64"]),
            ("MA", "Casablanca", None, ["64"]),
            ("IN", "Mumbai", None, ["64", "66"]),
            ("EG", "Le Caire", None, ["64"]),
        ],
        "hosting": [],
    },
    {
        "name": "Schneider Electric",
        "website": "https://www.se.com",
        "description": "Gestion de l'énergie et automatismes : distribution électrique, "
        "automatismes industriels, efficacité énergétique.",
        "presences": [
            ("IN", "Bangalore", None, ["27", "26", "33"]),
            ("CN", "Pékin", None, ["27", "26"]),
            ("VN", "Hô Chi Minh-Ville", None, ["27", "43", "33"]),
            ("ID", "Jakarta", None, ["27", "43"]),
            ("BR", "São Paulo", None, ["27", "26"]),
        ],
        "hosting": [
            {
                "country": "VN",
                "city": "Hô Chi Minh-Ville",
                "desks": 6,
                "monthly_price": 380,
                "at_cost": True,
                "vie_accepted": True,
                "description": "Postes au siège de Schneider Electric Vietnam, à prix coûtant.",
            },
        ],
    },
]


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

ASCONIT_DESCRIPTION = (
    "Asconit Consultants est un bureau d'études lyonnais en ingénierie de l'environnement : "
    "qualité des eaux de surface et souterraines, hydrobiologie, études d'impact "
    "environnemental et dépollution des sols. Nous menons depuis plusieurs années des "
    "missions ponctuelles au Vietnam pour des bailleurs internationaux (gestion de la "
    "ressource en eau du bassin du fleuve Rouge, suivi de la qualité des eaux autour de "
    "zones industrielles).\n\n"
    "Nous voulons ouvrir un bureau permanent à Hanoi pour répondre directement aux appels "
    "d'offres des ministères vietnamiens et de la Banque asiatique de développement. Nous "
    "attendons d'un grand groupe un hébergement rapide pour deux collaborateurs, dont un VIE, "
    "et un éclairage sur la réglementation vietnamienne (agrément pour les études d'impact, "
    "bureau de représentation ou filiale), sur le marché et sur les décideurs du secteur de "
    "l'eau et de l'environnement."
)


def months_ahead(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month."""
    month_index = day.month - 1 + months
    return date(day.year + month_index // 12, month_index % 12 + 1, 1)


# Every timestamp a workflow step may write, by model and the field that leads to the application.
_DATED_FIELDS = [
    (
        Application,
        "pk",
        (
            "created_at",
            "updated_at",
            "state_changed_at",
            "submitted_at",
            "endorsed_at",
            "closed_at",
        ),
    ),
    (ApplicationEvent, "application", ("created_at",)),
    (Endorsement, "application", ("created_at",)),
    (Match, "application", ("created_at", "decided_at")),
    (InformationRequest, "application", ("asked_at", "answered_at")),
    (Document, "application", ("created_at",)),
    (Message, "application", ("created_at",)),
    (Notification, "application", ("created_at", "read_at", "mailed_at")),
]


def demo_pdf(name: str, title: str) -> SimpleUploadedFile:
    """A one-page PDF with a title: a document the demo's SMEs attach."""
    text = title.encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,  # the content stream, below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    stream = b"BT /F1 18 Tf 60 760 Td (" + text + b") Tj ET"
    objects[3] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return SimpleUploadedFile(name, body, content_type="application/pdf")


# The programme's past months (`Command.seed_history`): the SME, the target, the corporation
# that accompanied it, the days ago of the endorsement, the review's days (pauses excluded),
# the days paused waiting for the SME's answer, and (outcome, the SME's rating), or None for
# a rejection.
HISTORY = [
    ("depolia", "VN", "Hanoi", "alstom", 318, 24, 0, (Outcome.BUSINESS, 5)),
    ("pyrene", "MA", "Casablanca", "renault", 305, 31, 6, (Outcome.ESTABLISHED, 4)),
    ("forez", "CN", "Shanghai", "edf", 290, 27, 0, (Outcome.BUSINESS, 4)),
    ("hydrelis", "VN", "Hanoi", "alstom", 276, 19, 0, (Outcome.ESTABLISHED, 5)),
    ("delcourt", "MA", "Tanger", "renault", 262, 35, 10, (Outcome.POSTPONED, 3)),
    ("rhone", "VN", "Hô Chi Minh-Ville", "schneider", 250, 22, 0, (Outcome.BUSINESS, 4)),
    ("solenvie", "CN", "Pékin", "edf", 236, 29, 0, (Outcome.ESTABLISHED, 4)),
    ("mecaprecis", "VN", "Hanoi", "alstom", 222, 26, 5, (Outcome.BUSINESS, 5)),
    ("datalyse", "CN", "Shanghai", "edf", 208, 40, 0, None),
    ("depolia", "MA", "Casablanca", "renault", 196, 28, 0, (Outcome.BUSINESS, 4)),
    ("pyrene", "VN", "Hanoi", "alstom", 182, 17, 0, (Outcome.ESTABLISHED, 5)),
    ("forez", "VN", "Hô Chi Minh-Ville", "schneider", 170, 33, 0, (Outcome.BUSINESS, 3)),
    ("hydrelis", "CN", "Pékin", "edf", 158, 25, 7, (Outcome.ABANDONED, 2)),
    ("delcourt", "VN", "Hanoi", "alstom", 146, 21, 0, (Outcome.BUSINESS, 5)),
    ("rhone", "MA", "Casablanca", "renault", 134, 30, 0, None),
    ("solenvie", "MA", "Tanger", "renault", 124, 23, 0, (Outcome.ESTABLISHED, 4)),
    ("mecaprecis", "CN", "Shanghai", "edf", 112, 27, 4, (Outcome.BUSINESS, 4)),
    ("datalyse", "VN", "Hanoi", "alstom", 102, 36, 0, (Outcome.BUSINESS, 4)),
    ("depolia", "CN", "Pékin", "edf", 95, 18, 0, (Outcome.ESTABLISHED, 5)),
    ("pyrene", "MA", "Casablanca", "renault", 90, 32, 0, None),
]
HISTORY_DESCRIPTION = (
    "Nous voulons rencontrer les donneurs d'ordre présents dans le pays et comprendre ses "
    "règles d'accès au marché avant d'y envoyer un VIE."
)


class Story:
    """One demo application walked through the workflow services, each step `days_ago` days back.

    The services stamp everything with the current time; after each step, whatever the step
    stamped (at or after the moment it started) is moved back to the step's date, so the queues
    show realistic ages (days since endorsement, the one-month clock).
    """

    def __init__(self, now: datetime, days_ago: int, actor: User, company: Company, **fields):
        self.now = now
        self.days_ago = days_ago
        started = timezone.now()
        self.application = services.create_draft(actor, company, **fields)
        self._backdate(started, days_ago)

    def then(self, days_ago: int, verb, actor: User, **kwargs) -> "Story":
        if days_ago > self.days_ago:
            raise ValueError("A story's steps go forward in time.")
        started = timezone.now()
        verb(self.application.pk, actor, **kwargs)
        self._backdate(started, days_ago)
        self.days_ago = days_ago
        return self

    def _backdate(self, started: datetime, days_ago: int) -> None:
        when = self.now - timedelta(days=days_ago)
        for model, key, fields in _DATED_FIELDS:
            rows = model.objects.filter(**{key: self.application.pk})
            for field in fields:
                rows.filter(**{f"{field}__gte": started}).update(**{field: when})
        # The event chain is sealed again over the backdated dates, and the review clock
        # follows the backdated history.
        audit.seal(
            self.application,
            ApplicationEvent.objects.filter(application=self.application).order_by("pk"),
        )
        application = Application.objects.get(pk=self.application.pk)
        if fields := clock.rebuild(application):
            application.save(update_fields=fields)


class Command(BaseCommand):
    help = "Crée les données de démonstration (idempotent) et affiche les comptes de démo."

    def handle(self, *args, **options):
        # No mail may leave during seeding: the tasks the services queue run in this process
        # (the filesystem broker would keep them for a worker) and their mails stay in memory.
        # Celery's own conf is set, not the Django setting: once anything has set it on the
        # app (the test fixtures do), the app no longer reads the setting.
        conf = celery_app.conf
        eager = conf.task_always_eager
        # Celery logs every task it runs, and kombu warns about the filesystem broker's
        # missing host name (eager tasks still go through a producer): keep the output short.
        chatty = [logging.getLogger("celery.app.trace"), logging.getLogger("kombu.connection")]
        levels = [logger.level for logger in chatty]
        conf.task_always_eager = True
        for logger in chatty:
            logger.setLevel(logging.ERROR)
        try:
            with (
                override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
                transaction.atomic(),
            ):
                created_applications = self.seed()
        finally:
            conf.task_always_eager = eager
            for logger, level in zip(chatty, levels, strict=True):
                logger.setLevel(level)
        self.forget_history_notifications()
        if options["verbosity"] > 0:
            self.report(created_applications)

    # --- Seeding ---------------------------------------------------------------------------

    def forget_history_notifications(self) -> None:
        """The notifications of the past months' applications, made after the commit (the
        outbox relays their tasks then): the demo's bells hold only what is current."""
        Notification.objects.filter(application__in=self.history).delete()

    def seed(self) -> int:
        self.history: list[int] = []
        self._password_hash = None
        self.sectors = {sector.code: sector for sector in Sector.objects.all()}
        corporations = self.seed_corporations()
        bodies = self.seed_sponsor_bodies()
        people = self.seed_people(bodies, corporations)
        self.seed_goals()
        first_run = not Company.objects.filter(siren=ASCONIT_SIREN).exists()
        companies = self.seed_companies(people)
        if not first_run:
            return 0
        return self.seed_applications(people, companies, bodies)

    def seed_goals(self) -> None:
        """The programme's goals: 65 SMEs in its first ten months, 100 the year after; the
        demo asks 100 of this year and 65 of the last."""
        year = timezone.localdate().year
        for goal_year, smes in ((year - 1, 65), (year, 100)):
            Goal.objects.get_or_create(year=goal_year, defaults={"smes_accompanied": smes})

    def seed_corporations(self) -> dict[str, MemberCorporation]:
        corporations = {}
        for data in CORPORATIONS:
            corporation, _created = MemberCorporation.objects.get_or_create(
                name=data["name"],
                defaults={"website": data["website"], "description": data["description"]},
            )
            corporations[corporation.name] = corporation
            for country, city, since, codes in data["presences"]:
                presence, created = Presence.objects.get_or_create(
                    corporation=corporation, country=country, city=city, defaults={"since": since}
                )
                if created:
                    presence.sectors.set([self.sectors[code] for code in codes])
            for offer in data["hosting"]:
                offer = dict(offer)
                HostingOffer.objects.get_or_create(
                    corporation=corporation,
                    country=offer.pop("country"),
                    city=offer.pop("city"),
                    defaults=offer,
                )
        return corporations

    def seed_sponsor_bodies(self) -> dict[str, SponsorBody]:
        bodies = {}
        for kind, name, region, departments in SPONSOR_BODIES:
            bodies[name], _created = SponsorBody.objects.get_or_create(
                name=name,
                defaults={"kind": kind, "region": region, "departments": departments},
            )
        return bodies

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
        return user

    def demo_authenticator(self, user: User) -> None:
        """Staff and administrators must use two-factor authentication: their demo accounts
        have it set up already, with the published demo key (also on databases seeded
        before)."""
        TOTPDevice.objects.get_or_create(
            user=user,
            confirmed=True,
            defaults={"name": two_factor.TOTP_DEVICE_NAME, "key": DEMO_TOTP_KEY},
        )

    def seed_people(self, bodies, corporations) -> dict[str, User]:
        people = {"admin": self.user(ADMIN_USER, is_staff=True, is_superuser=True)}
        self.demo_authenticator(people["admin"])
        for person, body_name in ADVISORS:
            people[person.email] = user = self.user(person)
            Advisor.objects.get_or_create(user=user, defaults={"sponsor_body": bodies[body_name]})
        for person, is_lead in STAFF:
            people[person.email] = user = self.user(person)
            StaffMembership.objects.get_or_create(user=user, defaults={"is_lead": is_lead})
            self.demo_authenticator(user)
        for person, corporation, job_title, countries, codes, capacity in INTERLOCUTORS:
            people[person.email] = user = self.user(person)
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
                interlocutor.sectors.set([self.sectors[code] for code in codes])
        # Set on databases seeded before coordinators existed too.
        Interlocutor.objects.filter(user__email__in=COORDINATORS, is_coordinator=False).update(
            is_coordinator=True
        )
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
        return people

    def seed_companies(self, people) -> dict[str, Company]:
        companies = {}
        for key, (person, fields) in COMPANIES.items():
            people[person.email] = user = self.user(person)
            company = Company.objects.filter(siren=fields["siren"]).first()
            if company is None:
                company = services.create_company(
                    user, **{**fields, "sector": self.sectors[fields["sector"]]}
                )
            companies[key] = company
        return companies

    def seed_applications(self, people, companies, bodies) -> int:
        now = timezone.now()
        today = timezone.localdate()

        def member(key: str) -> User:
            return people[COMPANIES[key][0].email]

        staff = people[STAFF_USER.email]
        staff2 = people[demo("instruction2")]
        alstom_vn = people[INTERLOCUTOR_USER.email]
        schneider_vn = people[demo("correspondant2")]
        edf_cn = people[demo("correspondant3")]
        renault_ma = people[demo("correspondant5")]
        # Accepted proposals with hosting name the offer, so that the desks are reserved.
        alstom_hanoi = HostingOffer.objects.get(
            corporation__name="Alstom", country="VN", city="Hanoi"
        )
        schneider_hcmc = HostingOffer.objects.get(
            corporation__name="Schneider Electric", country="VN", city="Hô Chi Minh-Ville"
        )

        def advisor_of(body_name: str) -> User:
            return next(people[p.email] for p, name in ADVISORS if name == body_name)

        def interlocutor(user: User) -> Interlocutor:
            return Interlocutor.objects.get(user=user)

        # The past months first: each is closed, so the interlocutors' capacity is free again
        # for the accompaniments under way below.
        stories = self.seed_history(
            now, member, advisor_of, staff, staff2, interlocutor, companies, bodies
        )

        # Asconit Consultants, Vietnam: the draft the demo journey starts from.
        stories.append(
            Story(
                now,
                0,
                member("asconit"),
                companies["asconit"],
                target_country="VN",
                target_city="Hanoi",
                wants_advice=True,
                wants_hosting=True,
                maturity=Maturity.SETTLING,
                description=ASCONIT_DESCRIPTION,
                hosting_desks=2,
                hosting_vie_count=1,
                hosting_start_date=months_ahead(today, 2),
                hosting_budget=1200,
            )
        )

        # Datalyse, India: the sponsor sent it back; a draft again, with the reason.
        stories.append(
            Story(
                now,
                15,
                member("datalyse"),
                companies["datalyse"],
                target_country="IN",
                target_city="Bangalore",
                wants_advice=True,
                wants_hosting=True,
                maturity=Maturity.EXPLORING,
                description=(
                    "Éditeur d'un logiciel d'analyse de données de maintenance pour "
                    "l'aéronautique, nous voulons approcher les centres d'ingénierie installés "
                    "à Bangalore et y placer un VIE."
                ),
                hosting_desks=1,
                hosting_vie_count=1,
            )
            .then(12, services.submit, member("datalyse"), sponsor_body=bodies[CCI_PARIS])
            .then(
                10,
                services.decline_endorsement,
                advisor_of(CCI_PARIS),
                reason=(
                    "Le projet est encore flou sur le budget et le calendrier. Prenez "
                    "rendez-vous avec notre conseiller international pour le préciser, puis "
                    "renvoyez-nous la demande."
                ),
            )
        )

        # Forez Textiles Techniques, Morocco: waiting for the demo advisor's CCI.
        stories.append(
            Story(
                now,
                8,
                member("forez"),
                companies["forez"],
                target_country="MA",
                target_city="Casablanca",
                wants_commercial=True,
                maturity=Maturity.PROSPECTING,
                description=(
                    "Nous fabriquons des textiles techniques (filtration, renforts composites) "
                    "et cherchons à rencontrer les donneurs d'ordre de l'automobile et du "
                    "ferroviaire installés au Maroc."
                ),
            ).then(6, services.submit, member("forez"), sponsor_body=bodies[CCI_LYON])
        )

        # Rhône Automatismes, China: waiting for the demo advisor's CCI too.
        stories.append(
            Story(
                now,
                3,
                member("rhone"),
                companies["rhone"],
                target_country="CN",
                target_city="Pékin",
                wants_advice=True,
                wants_commercial=True,
                maturity=Maturity.PROSPECTING,
                description=(
                    "Après le Vietnam, nous voulons proposer nos armoires de contrôle-commande "
                    "pour stations de traitement d'eau aux ensembliers présents en Chine."
                ),
            ).then(1, services.submit, member("rhone"), sponsor_body=bodies[CCI_LYON])
        )

        # Mécaprécis, Brazil: freshly sponsored, in review for 3 days.
        stories.append(
            Story(
                now,
                6,
                member("mecaprecis"),
                companies["mecaprecis"],
                target_country="BR",
                target_city="São Paulo",
                wants_advice=True,
                wants_commercial=True,
                maturity=Maturity.PROSPECTING,
                description=(
                    "Usinage de précision de pièces de sécurité (freinage, direction). Après le "
                    "Maroc, nous étudions le Brésil pour suivre nos clients constructeurs."
                ),
            )
            .then(5, services.submit, member("mecaprecis"), sponsor_body=bodies[CCI_HDF])
            .then(
                3,
                services.endorse,
                advisor_of(CCI_HDF),
                note="Entreprise solide, déjà accompagnée avec succès au Maroc.",
            )
        )

        # Solenvie Énergies, Vietnam: a corporation declined it; back in review, overdue.
        stories.append(
            Story(
                now,
                40,
                member("solenvie"),
                companies["solenvie"],
                target_country="VN",
                target_city="Hô Chi Minh-Ville",
                wants_advice=True,
                wants_hosting=True,
                maturity=Maturity.EXPLORING,
                description=(
                    "Installateur de centrales solaires en toiture pour l'industrie, nous "
                    "voulons comprendre le cadre réglementaire vietnamien de l'autoconsommation "
                    "et tester le marché des zones industrielles du Sud."
                ),
                hosting_desks=1,
                hosting_start_date=months_ahead(today, 1),
            )
            .then(
                39,
                services.attach_document,
                member("solenvie"),
                kind=DocumentKind.BUSINESS_PLAN,
                upload=demo_pdf(
                    "Business plan Solenvie Vietnam.pdf",
                    "Solenvie Energies - business plan Vietnam 2026-2028",
                ),
            )
            .then(38, services.submit, member("solenvie"), sponsor_body=bodies[CCE_OCCITANIE])
            .then(35, services.endorse, advisor_of(CCE_OCCITANIE), note="Projet pertinent.")
            .then(
                28,
                services.propose,
                staff,
                interlocutor=interlocutor(schneider_vn),
                hosting_offer=schneider_hcmc,
                note="Solaire en toiture pour sites industriels : proche de vos clients.",
            )
            .then(
                24,
                services.decline_match,
                schneider_vn,
                reason=(
                    "Nous accompagnons déjà deux installateurs solaires ce trimestre ; "
                    "proposez-le plutôt à un énergéticien."
                ),
            )
            .then(
                23,
                services.post_message,
                staff,
                internal=True,
                body="EDF Vietnam serait le bon interlocuteur, mais il est absent jusqu'au mois "
                "prochain : le relancer à son retour plutôt que de proposer à Engie.",
            )
            .then(
                22,
                services.post_message,
                staff,
                body="Schneider Electric ne peut pas vous accompagner ce trimestre. Nous "
                "cherchons un énergéticien présent à Hô Chi Minh-Ville : avez-vous déjà des "
                "contacts sur place ?",
            )
            .then(
                21,
                services.post_message,
                member("solenvie"),
                body="Aucun contact pour l'instant, hormis un distributeur de panneaux. Nous "
                "pouvons décaler notre arrivée d'un mois si besoin.",
            )
        )

        # Pyrène Forage Services, Nigeria: the association asked for more.
        stories.append(
            Story(
                now,
                24,
                member("pyrene"),
                companies["pyrene"],
                target_country="NG",
                target_city="Port Harcourt",
                wants_advice=True,
                wants_hosting=True,
                maturity=Maturity.FIRST_SALES,
                description=(
                    "Services de forage et de maintenance de têtes de puits. Nous avons réalisé "
                    "deux chantiers au Nigeria en sous-traitance et voulons une base locale."
                ),
                hosting_desks=2,
                hosting_start_date=months_ahead(today, 3),
                hosting_budget=1800,
            )
            .then(22, services.submit, member("pyrene"), sponsor_body=bodies[CCI_NA])
            .then(20, services.endorse, advisor_of(CCI_NA))
            .then(
                4,
                services.request_information,
                staff2,
                question=(
                    "Pouvez-vous préciser vos certifications (API, ISO 9001) et vos règles de "
                    "contenu local (NCDMB) : avez-vous déjà un partenaire nigérian ?"
                ),
            )
        )

        # Dépolia, Vietnam: proposed to the demo interlocutor (after a question answered).
        stories.append(
            Story(
                now,
                25,
                member("depolia"),
                companies["depolia"],
                target_country="VN",
                target_city="Hanoi",
                wants_advice=True,
                wants_hosting=True,
                maturity=Maturity.PROSPECTING,
                description=(
                    "Dépollution des sols et des eaux souterraines de sites industriels. Nous "
                    "répondons avec un partenaire local à un appel d'offres pour la "
                    "réhabilitation d'anciennes zones industrielles autour de Hanoi."
                ),
                hosting_desks=1,
                hosting_start_date=months_ahead(today, 2),
                hosting_budget=600,
            )
            .then(23, services.submit, member("depolia"), sponsor_body=bodies[CCI_LYON])
            .then(20, services.endorse, advisor_of(CCI_LYON), note="Très bon dossier.")
            .then(
                14,
                services.request_information,
                staff,
                question="Qui est votre partenaire local, et quel est le calendrier de l'appel "
                "d'offres ?",
            )
            .then(
                11,
                services.answer_information,
                member("depolia"),
                answer=(
                    "Notre partenaire est un bureau d'études de Hanoi avec qui nous travaillons "
                    "depuis 2024 ; remise des offres prévue dans quatre mois. Le calendrier "
                    "détaillé est joint."
                ),
                uploads=[
                    demo_pdf(
                        "Calendrier appel d'offres Hanoi.pdf",
                        "Depolia - calendrier de l'appel d'offres Hanoi",
                    )
                ],
            )
            .then(
                10,
                services.post_message,
                advisor_of(CCI_LYON),
                body="Je confirme : la CCI a rencontré leur partenaire de Hanoi lors de la "
                "mission collective de mars.",
            )
            .then(
                9,
                services.post_message,
                staff,
                internal=True,
                body="Dossier solide ; Alstom a un bureau à Hanoi et une offre d'hébergement.",
            )
            .then(
                3,
                services.propose,
                staff,
                interlocutor=interlocutor(alstom_vn),
                hosting_offer=alstom_hanoi,
                note="Environnement et sites industriels à Hanoi : votre terrain.",
            )
        )

        # Hydrelis Instruments, Vietnam: proposed to the demo interlocutor yesterday.
        stories.append(
            Story(
                now,
                13,
                member("hydrelis"),
                companies["hydrelis"],
                target_country="VN",
                target_city="Hanoi",
                wants_advice=True,
                wants_commercial=True,
                maturity=Maturity.FIRST_SALES,
                description=(
                    "Capteurs et stations de mesure de la qualité de l'eau en continu. Nous "
                    "avons équipé deux stations de traitement au Vietnam et voulons rencontrer "
                    "les opérateurs et les ensembliers des grands projets d'eau."
                ),
            )
            .then(11, services.submit, member("hydrelis"), sponsor_body=bodies[CCI_BRETAGNE])
            .then(9, services.endorse, advisor_of(CCI_BRETAGNE))
            .then(
                1,
                services.propose,
                staff2,
                interlocutor=interlocutor(alstom_vn),
            )
        )

        # Rhône Automatismes, Vietnam: accompanied by the demo interlocutor.
        stories.append(
            Story(
                now,
                75,
                member("rhone"),
                companies["rhone"],
                target_country="VN",
                target_city="Hanoi",
                wants_advice=True,
                wants_hosting=True,
                wants_commercial=True,
                maturity=Maturity.FIRST_SALES,
                description=(
                    "Armoires de contrôle-commande pour le ferroviaire et le traitement de "
                    "l'eau ; nous voulons un ingénieur sur place pour suivre nos premiers "
                    "contrats de la ligne de métro de Hanoi."
                ),
                hosting_desks=1,
                hosting_vie_count=1,
                hosting_start_date=months_ahead(today, -1),
                hosting_budget=500,
            )
            .then(73, services.submit, member("rhone"), sponsor_body=bodies[CCI_LYON])
            .then(70, services.endorse, advisor_of(CCI_LYON))
            .then(
                62,
                services.propose,
                staff,
                interlocutor=interlocutor(alstom_vn),
                hosting_offer=alstom_hanoi,
            )
            .then(
                58,
                services.accept_match,
                alstom_vn,
                note="Nous pouvons accueillir votre VIE dans nos bureaux de Hanoi.",
            )
        )

        # Delcourt Tableaux Électriques, Vietnam: accompanied by Schneider Electric, whose
        # interlocutor is now full, with a desk reserved in Hô Chi Minh-Ville.
        stories.append(
            Story(
                now,
                55,
                member("delcourt"),
                companies["delcourt"],
                target_country="VN",
                target_city="Hô Chi Minh-Ville",
                wants_advice=True,
                wants_hosting=True,
                wants_commercial=True,
                maturity=Maturity.FIRST_SALES,
                description=(
                    "Tableaux électriques basse tension pour les bâtiments industriels. Un "
                    "premier client dans une zone industrielle de Binh Duong ; nous voulons un "
                    "VIE sur place pour suivre les chantiers et trouver des installateurs."
                ),
                hosting_desks=1,
                hosting_vie_count=1,
                hosting_start_date=months_ahead(today, -1),
                hosting_budget=400,
            )
            .then(53, services.submit, member("delcourt"), sponsor_body=bodies[CCI_PARIS])
            .then(50, services.endorse, advisor_of(CCI_PARIS))
            .then(
                45,
                services.propose,
                staff2,
                interlocutor=interlocutor(schneider_vn),
                hosting_offer=schneider_hcmc,
                note="Tableaux électriques : vos installateurs partenaires sont ses clients.",
            )
            .then(
                42,
                services.accept_match,
                schneider_vn,
                note="Nous accueillons votre VIE dans nos bureaux de Hô Chi Minh-Ville.",
            )
        )

        # Hydrelis Instruments, Cambodia: in review; no member corporation is present there,
        # so the ranking offers their neighbours in South-eastern Asia.
        stories.append(
            Story(
                now,
                9,
                member("hydrelis"),
                companies["hydrelis"],
                target_country="KH",
                target_city="Phnom Penh",
                wants_advice=True,
                wants_commercial=True,
                maturity=Maturity.EXPLORING,
                description=(
                    "Après le Vietnam, nous voulons proposer nos stations de mesure de la "
                    "qualité de l'eau aux projets d'eau potable financés autour du Mékong et "
                    "du Tonlé Sap."
                ),
            )
            .then(8, services.submit, member("hydrelis"), sponsor_body=bodies[CCI_BRETAGNE])
            .then(6, services.endorse, advisor_of(CCI_BRETAGNE))
        )

        # Mécaprécis, Morocco: accompanied, closed and rated.
        stories.append(
            Story(
                now,
                240,
                member("mecaprecis"),
                companies["mecaprecis"],
                target_country="MA",
                target_city="Tanger",
                wants_advice=True,
                wants_commercial=True,
                maturity=Maturity.PROSPECTING,
                description=(
                    "Usinage de précision de pièces de sécurité automobile ; nous voulons "
                    "devenir fournisseur de rang 2 de l'usine de Tanger."
                ),
            )
            .then(238, services.submit, member("mecaprecis"), sponsor_body=bodies[CCI_HDF])
            .then(235, services.endorse, advisor_of(CCI_HDF))
            .then(226, services.propose, staff, interlocutor=interlocutor(renault_ma))
            .then(222, services.accept_match, renault_ma)
            .then(
                40,
                services.close,
                staff,
                outcome=Outcome.BUSINESS,
                note="Premières commandes passées par deux fournisseurs de rang 1.",
            )
            .then(
                38,
                services.rate,
                member("mecaprecis"),
                rating=5,
                comment="Un accès aux acheteurs que nous n'aurions jamais eu seuls. Merci !",
            )
        )

        # Datalyse, United States: rejected after a question.
        stories.append(
            Story(
                now,
                60,
                member("datalyse"),
                companies["datalyse"],
                target_country="US",
                wants_commercial=True,
                maturity=Maturity.EXPLORING,
                description=(
                    "Nous aimerions présenter notre logiciel d'analyse de maintenance aux "
                    "avionneurs américains."
                ),
            )
            .then(58, services.submit, member("datalyse"), sponsor_body=bodies[CCI_PARIS])
            .then(55, services.endorse, advisor_of(CCI_PARIS))
            .then(
                50,
                services.request_information,
                staff,
                question="Avez-vous des références clients en France et un budget pour ce projet ?",
            )
            .then(
                47,
                services.answer_information,
                member("datalyse"),
                answer="Une référence en cours de signature ; pas encore de budget dédié.",
            )
            .then(
                41,
                services.reject,
                staff,
                reason=(
                    "Le projet est trop précoce pour un accompagnement par un grand groupe. "
                    "Rapprochez-vous de la Team France Export pour un premier diagnostic, et "
                    "revenez vers nous avec une première référence."
                ),
            )
        )

        # Solenvie Énergies, China: withdrawn by the SME while proposed to EDF.
        stories.append(
            Story(
                now,
                120,
                member("solenvie"),
                companies["solenvie"],
                target_country="CN",
                target_city="Pékin",
                wants_advice=True,
                maturity=Maturity.EXPLORING,
                description=(
                    "Premier regard sur le marché chinois du solaire industriel et sur ses "
                    "règles d'accès pour une PME étrangère."
                ),
            )
            .then(118, services.submit, member("solenvie"), sponsor_body=bodies[CCE_OCCITANIE])
            .then(114, services.endorse, advisor_of(CCE_OCCITANIE))
            .then(100, services.propose, staff, interlocutor=interlocutor(edf_cn))
            .then(
                95,
                services.withdraw,
                member("solenvie"),
                reason="Nous concentrons nos efforts sur le Vietnam.",
            )
        )

        return len(stories)

    def seed_history(self, now, member, advisor_of, staff, staff2, interlocutor, companies, bodies):
        """The programme's past months, for the figures: applications accompanied, closed and
        rated, or rejected, with reviews of about a month (some paused for the SME's answer).
        What they told people then is long gone: their notifications are deleted once made
        (`forget_history_notifications`)."""
        people = {
            "alstom": User.objects.get(email=INTERLOCUTOR_USER.email),
            "schneider": User.objects.get(email=demo("correspondant2")),
            "edf": User.objects.get(email=demo("correspondant3")),
            "renault": User.objects.get(email=demo("correspondant5")),
        }
        sponsors = [CCI_LYON, CCI_PARIS, CCI_HDF, CCE_OCCITANIE]
        stories = []
        for number, (
            key,
            country,
            city,
            corporation,
            endorsed,
            review,
            paused,
            result,
        ) in enumerate(HISTORY):
            accepted = endorsed - review - paused  # days ago the review ended
            story = (
                Story(
                    now,
                    endorsed + 5,
                    member(key),
                    companies[key],
                    target_country=country,
                    target_city=city,
                    wants_advice=True,
                    wants_commercial=number % 2 == 0,
                    maturity=Maturity.PROSPECTING,
                    description=HISTORY_DESCRIPTION,
                )
                .then(
                    endorsed + 3,
                    services.submit,
                    member(key),
                    sponsor_body=bodies[sponsors[number % 4]],
                )
                .then(endorsed, services.endorse, advisor_of(sponsors[number % 4]))
            )
            reviewer = staff if number % 3 else staff2
            if paused:
                story.then(
                    endorsed - 3,
                    services.request_information,
                    reviewer,
                    question="Quel budget consacrez-vous à ce pays la première année ?",
                ).then(
                    endorsed - 3 - paused,
                    services.answer_information,
                    member(key),
                    answer="Environ 120 000 €, dont un VIE.",
                )
            if result is None:
                story.then(
                    accepted,
                    services.reject,
                    reviewer,
                    reason="Le projet relève d'abord d'un premier diagnostic export.",
                )
            else:
                outcome, rating = result
                someone = people[corporation]
                story.then(
                    accepted + 2, services.propose, reviewer, interlocutor=interlocutor(someone)
                ).then(accepted, services.accept_match, someone).then(
                    accepted - 45, services.close, reviewer, outcome=outcome, note="Bilan fait."
                ).then(accepted - 46, services.rate, member(key), rating=rating)
            stories.append(story)
        self.history = [story.application.pk for story in stories]
        return stories

    # --- Output ----------------------------------------------------------------------------

    def report(self, created_applications: int) -> None:
        if created_applications:
            self.stdout.write(
                self.style.SUCCESS(f"{created_applications} demandes de démonstration créées.")
            )
        else:
            self.stdout.write("Données de démonstration déjà présentes : rien de nouveau.")
        per_state = dict(
            Application.objects.values_list("state").annotate(count=Count("pk")).order_by()
        )
        self.stdout.write(
            "Demandes par état : "
            + ", ".join(f"{State(state).label} {per_state.get(state, 0)}" for state in State)
        )
        accounts = [
            ("PME (Asconit Consultants)", SME_USER.email),
            (f"Conseiller ({CCI_LYON})", ADVISOR_USER.email),
            ("Chargée de mission Pacte PME", STAFF_USER.email),
            ("Correspondant et coordinateur Alstom (Vietnam)", INTERLOCUTOR_USER.email),
            ("Administrateur", ADMIN_USER.email),
        ]
        width = max(len(role) for role, _email in accounts)
        self.stdout.write("")
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD})")
        for role, email in accounts:
            self.stdout.write(f"  {role:<{width}}  {email}")
        self.stdout.write("")
        self.stdout.write(
            "Double authentification (équipe Pacte PME et administrateur) : après le mot de "
            "passe, le code du moment s'obtient avec"
        )
        self.stdout.write(
            f"  .venv/bin/python manage.py demo_totp {STAFF_USER.email}  (ou {ADMIN_USER.email})"
        )
        self.stdout.write(
            "ou dans une application d'authentification, avec la clé de démonstration "
            f"{b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()}."
        )
        self.stdout.write("")
        self.stdout.write(f"Portail : {settings.SITE_URL}")
