"""The organisations of the demo: the sponsor bodies (CCIs, CCE committees) and the member
corporations with their presences and hosting offers, looked up by name so that seeding again
changes nothing."""

from corporations.models import HostingOffer, MemberCorporation, Presence
from reference.models import Sector
from sponsors.enums import SponsorKind
from sponsors.models import SponsorBody

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


def seed_sponsor_bodies() -> dict[str, SponsorBody]:
    bodies = {}
    for kind, name, region, departments in SPONSOR_BODIES:
        bodies[name], _created = SponsorBody.objects.get_or_create(
            name=name,
            defaults={"kind": kind, "region": region, "departments": departments},
        )
    return bodies


def seed_corporations(sectors: dict[str, Sector]) -> dict[str, MemberCorporation]:
    """Each corporation, then its presences and hosting offers, by name."""
    corporations = {}
    for data in CORPORATIONS:
        corporation = seed_corporation(data)
        corporations[corporation.name] = corporation
        seed_presences(corporation, data["presences"], sectors)
        seed_hosting_offers(corporation, data["hosting"])
    return corporations


def seed_corporation(data: dict) -> MemberCorporation:
    corporation, _created = MemberCorporation.objects.get_or_create(
        name=data["name"],
        defaults={"website": data["website"], "description": data["description"]},
    )
    return corporation


def seed_presences(corporation: MemberCorporation, presences, sectors) -> None:
    """Its presences, each with its NAF divisions (set when the presence is created)."""
    for country, city, since, codes in presences:
        presence, created = Presence.objects.get_or_create(
            corporation=corporation, country=country, city=city, defaults={"since": since}
        )
        if created:
            presence.sectors.set([sectors[code] for code in codes])


def seed_hosting_offers(corporation: MemberCorporation, offers: list[dict]) -> None:
    for offer in offers:
        offer = dict(offer)
        HostingOffer.objects.get_or_create(
            corporation=corporation,
            country=offer.pop("country"),
            city=offer.pop("city"),
            defaults=offer,
        )
