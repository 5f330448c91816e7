"""`manage.py bench`: time the matching engine on a synthetic data set, in a throwaway database.

It creates a test database the way the test runner does (`test_<name>` on PostgreSQL, in
memory on SQLite), builds 1,000 member corporations, 20,000 presences, 5,000 interlocutors,
500 hosting offers and a history of decided proposals, ranks 200 applications in review, and
prints one `name=value` line per figure on stdout (progress goes to stderr). The query count of
one ranking is measured on a small data set (10 corporations) too: it must be the same.

`--in-place` builds in the current database instead, inside a transaction rolled back at the
end (the test of this command uses it: pytest-django has already made the test database).
"""

import gc
import math
import random
import statistics
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone, translation

from accounts.models import User
from applications.enums import Outcome, State
from applications.models import Application
from applications.ranking import need_of, ranking_for
from companies.enums import ExportExperience, Headcount, TurnoverBand
from companies.models import Company
from corporations.enums import MatchStatus
from corporations.matching import rank
from corporations.models import (
    Absence,
    HostingOffer,
    Interlocutor,
    Match,
    MemberCorporation,
    Presence,
)
from corporations.selectors import load_candidates
from corporations.services import recount_records
from reference.models import Sector
from sponsors.enums import SponsorKind
from sponsors.models import SponsorBody
from tooling.bench import analyze, bare_render_ms, rolled_back, throwaway_database, with_bare_ratios

BATCH = 2000
SMALL_CORPORATIONS = 10

# (ISO code, weight, cities). A few crowded countries, where most corporations are present,
# and a long tail; every M49 sub-region the programme works in is represented.
COUNTRIES: list[tuple[str, float, tuple[str, ...]]] = [
    ("VN", 10, ("Hanoi", "Hô Chi Minh-Ville", "Da Nang", "Haiphong", "Cần Thơ")),
    ("CN", 10, ("Shanghai", "Pékin", "Shenzhen", "Canton", "Tianjin", "Chengdu")),
    ("IN", 9, ("Bangalore", "Mumbai", "New Delhi", "Chennai", "Pune", "Hyderabad")),
    ("BR", 8, ("São Paulo", "Rio de Janeiro", "Curitiba", "Belo Horizonte", "Recife")),
    ("US", 8, ("New York", "Houston", "Chicago", "Atlanta", "San Francisco", "Mobile")),
    ("MA", 4, ("Casablanca", "Tanger", "Rabat", "Marrakech")),
    ("GB", 4, ("Londres", "Manchester", "Birmingham")),
    ("DE", 4, ("Munich", "Francfort", "Hambourg", "Berlin")),
    ("SG", 3, ("Singapour",)),
    ("TH", 3, ("Bangkok", "Chonburi", "Chiang Mai")),
    ("ID", 3, ("Jakarta", "Surabaya", "Batam")),
    ("MX", 3, ("Mexico", "Monterrey", "Guadalajara")),
    ("AE", 3, ("Dubaï", "Abou Dabi")),
    ("JP", 3, ("Tokyo", "Osaka", "Nagoya")),
    ("NG", 2, ("Lagos", "Port Harcourt", "Abuja")),
    ("ZA", 2, ("Johannesburg", "Le Cap", "Durban")),
    ("KR", 2, ("Séoul", "Busan")),
    ("TR", 2, ("Istanbul", "Ankara", "Bursa")),
    ("EG", 2, ("Le Caire", "Alexandrie")),
    ("SA", 2, ("Riyad", "Djeddah")),
    ("QA", 1.5, ("Doha",)),
    ("MY", 1.5, ("Kuala Lumpur", "Penang")),
    ("PH", 1, ("Manille", "Cebu")),
    ("AU", 1.5, ("Sydney", "Melbourne", "Perth")),
    ("CA", 1.5, ("Montréal", "Toronto", "Vancouver")),
    ("AR", 1, ("Buenos Aires", "Córdoba")),
    ("CL", 1, ("Santiago", "Antofagasta")),
    ("CO", 1, ("Bogota", "Medellín")),
    ("PE", 1, ("Lima",)),
    ("CI", 1.5, ("Abidjan",)),
    ("SN", 1, ("Dakar",)),
    ("KE", 1, ("Nairobi", "Mombasa")),
    ("ET", 0.5, ("Addis-Abeba",)),
    ("GH", 0.5, ("Accra",)),
    ("CM", 0.8, ("Douala", "Yaoundé")),
    ("AO", 0.8, ("Luanda",)),
    ("DZ", 1, ("Alger", "Oran")),
    ("TN", 1, ("Tunis", "Sfax")),
    ("PL", 1.5, ("Varsovie", "Cracovie", "Wrocław")),
    ("RO", 1, ("Bucarest", "Pitești")),
    ("CZ", 1, ("Prague", "Brno")),
    ("RU", 0.5, ("Moscou",)),
    ("UA", 0.5, ("Kyiv",)),
    ("IT", 1.5, ("Milan", "Rome", "Turin")),
    ("ES", 1.5, ("Madrid", "Barcelone", "Valence")),
    ("PT", 1, ("Lisbonne", "Porto")),
    ("NL", 1, ("Amsterdam", "Rotterdam")),
    ("BE", 1, ("Bruxelles", "Anvers")),
    ("CH", 1, ("Genève", "Zurich", "Bâle")),
    ("SE", 0.8, ("Stockholm", "Göteborg")),
    ("NO", 0.5, ("Oslo", "Stavanger")),
    ("KZ", 0.5, ("Almaty", "Astana")),
    ("UZ", 0.3, ("Tachkent",)),
    ("PK", 0.5, ("Karachi", "Lahore")),
    ("BD", 0.5, ("Dacca",)),
    ("LK", 0.3, ("Colombo",)),
    ("IL", 0.8, ("Tel Aviv-Jaffa",)),
    ("JO", 0.3, ("Amman",)),
    ("NZ", 0.3, ("Auckland",)),
    ("KH", 0.3, ("Phnom Penh",)),
]
CODES = [code for code, _weight, _cities in COUNTRIES]
WEIGHTS = [weight for _code, weight, _cities in COUNTRIES]
CITIES = {code: cities for code, _weight, cities in COUNTRIES}

FIRST_NAMES = ["Anne", "Bruno", "Claire", "David", "Emma", "Farid", "Hélène", "Ibrahim", "Julie"]
LAST_NAMES = ["Martin", "Bernard", "Nguyen", "Petit", "Durand", "Leroy", "Moreau", "Benali"]


class Command(BaseCommand):
    help = (
        "Mesure le moteur de mise en relation sur un jeu de données synthétique, dans une base "
        "jetable ; affiche une ligne nom=valeur par mesure."
    )

    def add_arguments(self, parser):
        parser.add_argument("--corporations", type=int, default=1000)
        parser.add_argument("--interlocutors", type=int, default=5000)
        parser.add_argument("--presences", type=int, default=20000)
        parser.add_argument("--offers", type=int, default=500)
        parser.add_argument("--applications", type=int, default=200)
        parser.add_argument("--seed", type=int, default=2009)
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="Construit dans la base courante, dans une transaction annulée à la fin.",
        )

    def handle(self, *args, **options):
        if options["corporations"] < 1 or options["interlocutors"] < options["corporations"]:
            raise CommandError("At least one corporation, and an interlocutor for each.")
        if options["applications"] < 1:
            raise CommandError("At least one application to rank.")
        in_place = options["in_place"]
        if not in_place:
            self.progress(f"Creating a throwaway database ({connection.vendor})…")
        with throwaway_database(enabled=not in_place):
            figures = self.measure(options, in_place=in_place)
        figures = with_bare_ratios(figures, bare_render_ms())
        for name, value in figures.items():
            self.stdout.write(f"{name}={value}")

    def progress(self, message: str) -> None:
        self.stderr.write(message)

    # --- The measures ------------------------------------------------------------------------

    def measure(self, options, *, in_place: bool) -> dict[str, object]:
        if not Sector.objects.filter(section__isnull=False).exists():
            raise CommandError("No NAF division: the sectors data migration has not run.")
        figures: dict[str, object] = {}

        # The small data set first, always rolled back: only its query count matters.
        small = scaled(options, SMALL_CORPORATIONS)
        with rolled_back():
            self.progress(f"Small data set: {SMALL_CORPORATIONS} corporations…")
            probe = Dataset(small, seed=options["seed"]).build()[0]
            small_queries = count_queries(probe)

        self.progress(
            f"Building {options['corporations']} corporations, {options['presences']} "
            f"presences, {options['interlocutors']} interlocutors, {options['offers']} "
            f"hosting offers…"
        )
        with rolled_back(enabled=in_place):
            started = time.perf_counter()
            with transaction.atomic():
                applications = Dataset(options, seed=options["seed"]).build()
            analyze(vacuum=not in_place)
            build_seconds = time.perf_counter() - started
            self.progress(f"Built in {build_seconds:.1f} s; ranking {len(applications)}…")

            queries = count_queries(applications[0])
            # As in a request: no query log (production runs without DEBUG), the language
            # activated (gettext is slower without), and what is loaded by now frozen out of
            # the garbage collector's full passes, as `pacte.wsgi` does.
            gc.collect()  # the data set's garbage first: a fresh process has none
            gc.freeze()
            with (
                override_settings(DEBUG=False),
                translation.override(settings.LANGUAGE_CODE),
                unfrozen_after(),
            ):
                # One untimed pass first, as a portal in service has its data in the
                # database's buffers and is past the checkpoint that follows a bulk load.
                for application in applications:
                    ranking_for(application)
                timings = []
                for application in applications:
                    started = time.perf_counter()
                    ranking_for(application)
                    timings.append((time.perf_counter() - started) * 1000)
                # A second pass, split as `ranking_for` is: where the time goes.
                loading, ranking, sizes = [], [], []
                for application in applications:
                    started = time.perf_counter()
                    need = need_of(application)
                    candidates = load_candidates(need, application_id=application.pk)
                    loaded = time.perf_counter()
                    rank(need, candidates)
                    loading.append((loaded - started) * 1000)
                    ranking.append((time.perf_counter() - loaded) * 1000)
                    sizes.append(len(candidates))

        figures["matching_p50_ms"] = round(statistics.median(timings), 1)
        figures["matching_p95_ms"] = round(percentile(timings, 95), 1)
        figures["matching_max_ms"] = round(max(timings), 1)
        figures["matching_load_p95_ms"] = round(percentile(loading, 95), 1)
        figures["matching_rank_p95_ms"] = round(percentile(ranking, 95), 1)
        figures["candidates_p50"] = round(statistics.median(sizes))
        figures["candidates_max"] = max(sizes)
        figures["matching_queries"] = queries
        figures[f"matching_queries_{SMALL_CORPORATIONS}_corporations"] = small_queries
        figures["corporations"] = options["corporations"]
        figures["interlocutors"] = options["interlocutors"]
        figures["presences"] = options["presences"]
        figures["hosting_offers"] = options["offers"]
        figures["applications_ranked"] = len(applications)
        figures["build_s"] = round(build_seconds, 1)
        return figures


def scaled(options, corporations: int) -> dict[str, int]:
    """The same shape of data set, for `corporations` corporations."""
    ratio = min(corporations / options["corporations"], 1)
    return {
        "corporations": min(corporations, options["corporations"]),
        "interlocutors": max(round(options["interlocutors"] * ratio), corporations),
        "presences": max(round(options["presences"] * ratio), 1),
        "offers": max(round(options["offers"] * ratio), 1),
        "applications": 1,
    }


def count_queries(application: Application) -> int:
    ranking_for(application)  # the first in a process may probe the database's features
    with CaptureQueriesContext(connection) as queries:
        ranking_for(application)
    return len(queries)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


@contextmanager
def unfrozen_after():
    try:
        yield
    finally:
        gc.unfreeze()


# --- The data set ------------------------------------------------------------------------


class Dataset:
    """A synthetic data set built with `bulk_create`; `build()` returns the applications to
    rank, fetched as the ranking page fetches them, the first one a crowded country with
    hosting asked (the one whose queries are counted)."""

    def __init__(self, sizes, *, seed: int):
        self.sizes = sizes
        # Synthetic data, not security (bandit B311, ruff S311).
        self.rng = random.Random(seed)  # noqa: S311  # nosec B311
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.tag = f"{seed}-{sizes['corporations']}"

    def country(self) -> str:
        return self.rng.choices(CODES, WEIGHTS)[0]

    def build(self) -> list[Application]:
        divisions = list(
            Sector.objects.filter(section__isnull=False).values_list("pk", "section_id")
        )
        self.divisions = [pk for pk, _section in divisions]
        corporations = self.corporations()
        presences = self.presences(corporations)
        interlocutors = self.interlocutors(corporations, presences)
        self.offers(presences)
        body = SponsorBody.objects.create(
            kind=SponsorKind.CCI, name=f"CCI du banc d'essai {self.tag}", region="84"
        )
        companies = self.companies()
        self.history(companies, interlocutors, body)
        return self.applications(companies, interlocutors, presences, body)

    def corporations(self) -> list[tuple[MemberCorporation, list[int]]]:
        """Each corporation with its trades (2 to 4 NAF divisions)."""
        rows = [
            MemberCorporation(name=f"Groupe {self.tag}-{i:04d}", slug=f"groupe-{self.tag}-{i:04d}")
            for i in range(self.sizes["corporations"])
        ]
        created = MemberCorporation.objects.bulk_create(rows, batch_size=BATCH)
        return [(c, self.rng.sample(self.divisions, self.rng.randint(2, 4))) for c in created]

    def presences(self, corporations) -> list[Presence]:
        """Presences in distinct places; each in 1 to 3 of its corporation's trades."""
        seen = set()
        rows, sectors = [], []
        for _ in range(self.sizes["presences"]):
            for _attempt in range(20):
                corporation, trades = self.rng.choice(corporations)
                country = self.country()
                city = self.rng.choice(CITIES[country] + ("",))
                if (corporation.pk, country, city) not in seen:
                    seen.add((corporation.pk, country, city))
                    rows.append(Presence(corporation=corporation, country=country, city=city))
                    sectors.append(
                        self.rng.sample(trades, self.rng.randint(1, min(3, len(trades))))
                    )
                    break
        created = Presence.objects.bulk_create(rows, batch_size=BATCH)
        through = Presence.sectors.through
        through.objects.bulk_create(
            [
                through(presence_id=presence.pk, sector_id=sector_id)
                for presence, codes in zip(created, sectors, strict=True)
                for sector_id in codes
            ],
            batch_size=BATCH,
        )
        return created

    def interlocutors(self, corporations, presences) -> list[Interlocutor]:
        countries_of = defaultdict(set)
        for presence in presences:
            countries_of[presence.corporation_id].add(str(presence.country))
        n = self.sizes["interlocutors"]
        unusable = make_password(None)
        users = User.objects.bulk_create(
            [
                User(
                    email=f"correspondant-{self.tag}-{i}@bench.invalid",
                    first_name=self.rng.choice(FIRST_NAMES),
                    last_name=self.rng.choice(LAST_NAMES),
                    password=unusable,
                )
                for i in range(n)
            ],
            batch_size=BATCH,
        )
        rows = []
        trades_of = {}
        # How many interlocutors know each country (present there and covering it).
        self.knowing = Counter()
        for i, user in enumerate(users):
            # Every corporation has at least one interlocutor.
            if i < len(corporations):
                corporation, trades = corporations[i]
            else:
                corporation, trades = self.rng.choice(corporations)
            trades_of[i] = trades
            known = sorted(countries_of[corporation.pk]) or [self.country()]
            # One in ten covers all the corporation's countries (an empty list).
            covers = (
                []
                if self.rng.random() < 0.1
                else self.rng.sample(known, min(self.rng.randint(1, 3), len(known)))
            )
            self.knowing.update(set(covers or known) & countries_of[corporation.pk])
            capacity = self.rng.randint(1, 5)
            busy = self.rng.random() < 0.3
            rows.append(
                Interlocutor(
                    user=user,
                    corporation=corporation,
                    countries=covers,
                    capacity=capacity,
                    open_accompaniments=self.rng.randint(1, capacity) if busy else 0,
                    is_coordinator=i < len(corporations),
                )
            )
        created = Interlocutor.objects.bulk_create(rows, batch_size=BATCH)
        through = Interlocutor.sectors.through
        through.objects.bulk_create(
            [
                through(interlocutor_id=it.pk, sector_id=s)
                for i, it in enumerate(created)
                for s in self.rng.sample(
                    trades_of[i], self.rng.randint(1, min(3, len(trades_of[i])))
                )
            ],
            batch_size=BATCH,
        )
        absences = []
        for interlocutor in created:
            draw = self.rng.random()
            if draw < 0.03:  # absent today
                start = self.today - timedelta(days=self.rng.randint(0, 10))
                end = self.today + timedelta(days=self.rng.randint(1, 30))
            elif draw < 0.1:  # absent some other time
                start = self.today + timedelta(days=self.rng.choice([-90, -40, 20, 60]))
                end = start + timedelta(days=self.rng.randint(3, 20))
            else:
                continue
            absences.append(Absence(interlocutor=interlocutor, start=start, end=end))
        Absence.objects.bulk_create(absences, batch_size=BATCH)
        return created

    def offers(self, presences) -> None:
        rows = []
        for _ in range(self.sizes["offers"]):
            presence = self.rng.choice(presences)
            desks = self.rng.randint(1, 10)
            rows.append(
                HostingOffer(
                    corporation_id=presence.corporation_id,
                    country=presence.country,
                    city=presence.city or CITIES[str(presence.country)][0],
                    desks=desks,
                    reserved_desks=self.rng.randint(0, desks) if self.rng.random() < 0.4 else 0,
                    monthly_price=self.rng.randrange(0, 1500, 50),
                    at_cost=self.rng.random() < 0.5,
                    vie_accepted=self.rng.random() < 0.8,
                )
            )
        HostingOffer.objects.bulk_create(rows, batch_size=BATCH)

    def companies(self) -> list[Company]:
        count = max(self.sizes["applications"], self.sizes["interlocutors"] // 20, 1)
        rows = [
            Company(
                legal_name=f"PME {self.tag}-{i}",
                siren=f"{900000000 + self.sizes['corporations'] * 1000 + i:09d}",
                sector_id=self.rng.choice(self.divisions),
                headcount=self.rng.choice(Headcount.values),
                turnover=self.rng.choice(TurnoverBand.values),
                region="84",
                department="69",
                export_experience=self.rng.choice(ExportExperience.values),
            )
            for i in range(count)
        ]
        return Company.objects.bulk_create(rows, batch_size=BATCH)

    def history(self, companies, interlocutors, body) -> None:
        """Closed (mostly rated) accompaniments: one accepted proposal and three declined each,
        so that the record part of the ranking has something to count."""
        decided = round(len(interlocutors) * 0.4)
        closed = max(decided // 4, 1)
        rows = []
        for _ in range(closed):
            endorsed = self.now - timedelta(days=self.rng.randint(120, 900))
            rows.append(
                Application(
                    company=self.rng.choice(companies),
                    state=State.CLOSED,
                    target_country=self.country(),
                    wants_advice=True,
                    sponsor_body=body,
                    outcome=self.rng.choice(Outcome.values),
                    rating=self.rng.randint(1, 5) if self.rng.random() < 0.8 else None,
                    created_at=endorsed - timedelta(days=10),
                    submitted_at=endorsed - timedelta(days=5),
                    endorsed_at=endorsed,
                    closed_at=endorsed + timedelta(days=200),
                    state_changed_at=endorsed + timedelta(days=200),
                )
            )
        applications = Application.objects.bulk_create(rows, batch_size=BATCH)
        matches = []
        for application in applications:
            chosen = self.rng.sample(interlocutors, min(4, len(interlocutors)))
            for position, interlocutor in enumerate(chosen):
                matches.append(
                    Match(
                        application=application,
                        interlocutor=interlocutor,
                        status=MatchStatus.ACCEPTED if position == 0 else MatchStatus.DECLINED,
                        decided_at=application.endorsed_at + timedelta(days=7),
                        created_at=application.endorsed_at + timedelta(days=2),
                    )
                )
        Match.objects.bulk_create(matches, batch_size=BATCH)

    def applications(self, companies, interlocutors, presences, body) -> list[Application]:
        # The first one goes where the most interlocutors know the country: every query of
        # the loader runs for it.
        crowded = self.knowing.most_common(1)[0][0] if self.knowing else self.country()
        corporations_in = defaultdict(set)
        for presence in presences:
            corporations_in[str(presence.country)].add(presence.corporation_id)
        people_of = defaultdict(list)
        for interlocutor in interlocutors:
            people_of[interlocutor.corporation_id].append(interlocutor)
        rows = []
        for i in range(self.sizes["applications"]):
            company = companies[i % len(companies)]
            country = crowded if i == 0 else self.country()
            hosting = i == 0 or self.rng.random() < 0.5
            endorsed = self.now - timedelta(days=self.rng.randint(1, 40))
            rows.append(
                Application(
                    company=company,
                    state=State.IN_REVIEW,
                    target_country=country,
                    target_city=self.rng.choice(CITIES[country]) if self.rng.random() < 0.5 else "",
                    wants_advice=True,
                    wants_hosting=hosting,
                    wants_commercial=self.rng.random() < 0.5,
                    hosting_desks=self.rng.randint(1, 3) if hosting else None,
                    hosting_vie_count=self.rng.randint(0, 1) if hosting else None,
                    sponsor_body=body,
                    created_at=endorsed - timedelta(days=5),
                    submitted_at=endorsed - timedelta(days=3),
                    endorsed_at=endorsed,
                    state_changed_at=endorsed,
                )
            )
        created = Application.objects.bulk_create(rows, batch_size=BATCH)
        # A quarter were declined once by someone present in their country.
        declined = []
        for application in created:
            if self.rng.random() >= 0.25:
                continue
            there = sorted(corporations_in[str(application.target_country)])
            if not there:
                continue
            people = people_of[self.rng.choice(there)]
            if people:
                declined.append(
                    Match(
                        application=application,
                        interlocutor=self.rng.choice(people),
                        status=MatchStatus.DECLINED,
                        decided_at=application.endorsed_at + timedelta(hours=20),
                    )
                )
        Match.objects.bulk_create(declined, batch_size=BATCH)
        recount_records()  # bulk inserts bypass the services that keep the records
        by_pk = Application.objects.select_related("company__sector__section").in_bulk(
            [a.pk for a in created]
        )
        return [by_pk[a.pk] for a in created]
