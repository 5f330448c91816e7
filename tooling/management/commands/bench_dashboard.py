"""`manage.py bench_dashboard`: time the staff dashboard over 100,000 applications, in a
throwaway database.

It builds three calendar years of the programme up to now (100,000 applications of 5,000 SMEs
for 60 countries, 150 sponsor bodies, 40 member corporations with 400 interlocutors and 100
hosting offers, each application walked through the workflow to where it stands today), then
GETs the staff dashboard (`reports:dashboard`) as a staff member with a verified two-factor
session: one untimed request, then `--runs` timed ones with the default filters (this year so
far) and as many with one country and one sector. It prints one `name=value` line per figure on
stdout (progress goes to stderr): `dashboard_ms` (the median), `dashboard_p95_ms`,
`dashboard_filtered_ms` (the filtered median), `dashboard_queries` (the queries of one
request) and `dashboard_queries_small`, the same on 500 applications: it must be equal, every
figure being an aggregate query whatever the data.

`--in-place` builds in the current database instead, inside a transaction rolled back at the
end (the test of this command uses it: pytest-django has already made the test database).
"""

import gc
import itertools
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import StaffMembership, User
from applications import audit, clock
from applications.enums import Action, Outcome, State
from applications.models import Application, ApplicationEvent
from applications.workflow import TRANSITIONS
from companies.enums import ExportExperience, Headcount, TurnoverBand
from companies.models import Company
from corporations.enums import MatchStatus
from corporations.models import HostingOffer, Interlocutor, Match, MemberCorporation
from corporations.services import recount_records
from reference.geography import DEPARTMENTS
from reference.models import Sector
from reports.forms import FiguresFilterForm
from reports.models import Goal
from sponsors.enums import SponsorKind
from sponsors.models import SponsorBody
from tooling.bench import analyze, bare_render_ms, rolled_back, throwaway_database, with_bare_ratios
from tooling.management.commands.bench import (
    CODES,
    FIRST_NAMES,
    LAST_NAMES,
    WEIGHTS,
    percentile,
    unfrozen_after,
)

BATCH = 5000
DAY = timedelta(days=1)
COUNTRY_WEIGHTS = list(itertools.accumulate(WEIGHTS))  # cumulated once: drawn 100,000 times
SMALL_APPLICATIONS = 500


class Command(BaseCommand):
    help = (
        "Mesure le tableau de bord de l'équipe sur 100 000 demandes, dans une base jetable ; "
        "affiche une ligne nom=valeur par mesure."
    )

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=100_000)
        parser.add_argument("--small-applications", type=int, default=SMALL_APPLICATIONS)
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--seed", type=int, default=2009)
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="Construit dans la base courante, dans une transaction annulée à la fin.",
        )

    def handle(self, *args, applications, small_applications, runs, seed, in_place, **options):
        if applications < 100 or small_applications < 100:
            raise CommandError("At least 100 applications: every state must have some.")
        if runs < 1:
            raise CommandError("At least one timed run.")
        if not in_place:
            self.progress(f"Creating a throwaway database ({connection.vendor})…")
        # The test client's host; the rest of the settings are the portal's.
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with throwaway_database(enabled=not in_place), override_settings(ALLOWED_HOSTS=hosts):
            figures = self.measure(applications, small_applications, runs, seed, in_place)
        figures = with_bare_ratios(figures, bare_render_ms())
        for name, value in figures.items():
            self.stdout.write(f"{name}={value}")

    def progress(self, message: str) -> None:
        self.stderr.write(message)

    def measure(self, count, small_count, runs, seed, in_place) -> dict[str, object]:
        if not Sector.objects.filter(section__isnull=False).exists():
            raise CommandError("No NAF division: the sectors data migration has not run.")
        # The small data set first, always rolled back: only its query count matters.
        with rolled_back():
            self.progress(f"Small data set: {small_count} applications…")
            small = Programme(small_count, seed=seed).build()
            small_queries = count_queries(small.client(), small.url, {})

        self.progress(f"Building {count} applications over three years…")
        with rolled_back(enabled=in_place):
            started = time.perf_counter()
            with transaction.atomic():
                programme = Programme(count, seed=seed).build()
            analyze(vacuum=not in_place)
            build_seconds = time.perf_counter() - started
            self.progress(
                f"Built in {build_seconds:.1f} s ({programme.summary()}); "
                f"timing {runs} requests of each kind…"
            )
            client = programme.client()
            filtered = programme.filtered()
            queries = count_queries(client, programme.url, {})
            # As in a request served in production: no query log, the language activated, and
            # what is loaded by now frozen out of the garbage collector's full passes, as
            # `pacte.wsgi` does.
            gc.collect()  # the data set's garbage first: a fresh process has none
            gc.freeze()
            with (
                override_settings(DEBUG=False),
                translation.override(settings.LANGUAGE_CODE),
                unfrozen_after(),
            ):
                # One untimed request of each kind first: a portal in service has its data in
                # the database's buffers and is past the checkpoint that follows a bulk load.
                get(client, programme.url, {})
                get(client, programme.url, filtered)
                timings = [timed(client, programme.url, {}) for _ in range(runs)]
                filtered_timings = [timed(client, programme.url, filtered) for _ in range(runs)]

        return {
            "dashboard_ms": round(statistics.median(timings), 1),
            "dashboard_p95_ms": round(percentile(timings, 95), 1),
            "dashboard_filtered_ms": round(statistics.median(filtered_timings), 1),
            "dashboard_queries": queries,
            "dashboard_queries_small": small_queries,
            "applications": count,
            "build_s": round(build_seconds, 1),
        }


def get(client: Client, url: str, params: dict) -> None:
    response = client.get(url, params)
    if response.status_code != 200:
        raise CommandError(f"GET {url} {params} answered {response.status_code}.")


def timed(client: Client, url: str, params: dict) -> float:
    started = time.perf_counter()
    get(client, url, params)
    return (time.perf_counter() - started) * 1000


def count_queries(client: Client, url: str, params: dict) -> int:
    get(client, url, params)  # the first in a process may probe the database's features
    with CaptureQueriesContext(connection) as queries:
        get(client, url, params)
    return len(queries)


# --- The data set ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    applications: int
    companies: int
    sponsor_bodies: int
    corporations: int
    interlocutors: int
    offers: int
    staff: int

    @classmethod
    def of(cls, applications: int) -> "Sizes":
        """100,000 applications: 5,000 SMEs, 150 sponsor bodies, 40 corporations, 400
        interlocutors, 100 hosting offers; proportionally fewer for fewer applications."""
        corporations = min(max(applications // 2500, 4), 40)
        return cls(
            applications=applications,
            companies=max(applications // 20, 10),
            sponsor_bodies=min(max(applications // 650, 5), 150),
            corporations=corporations,
            interlocutors=corporations * 10,
            offers=max(corporations * 5 // 2, 2),
            staff=min(max(applications // 12_500, 2), 8),
        )


@dataclass
class Step:
    """One move of the workflow in an application's planned life."""

    at: datetime
    action: Action
    match: int | None = None  # which of the application's proposals (PROPOSE, DECLINE_MATCH)


# The fate of a submitted application, were it given all the time it needs.
FATES = ("declined_by_sponsor", "withdrawn", "rejected", "accepted")
FATE_WEIGHTS = (4, 8, 12, 76)
OUTCOMES = (Outcome.ESTABLISHED, Outcome.BUSINESS, Outcome.POSTPONED, Outcome.ABANDONED)
OUTCOME_WEIGHTS = (35, 35, 20, 10)
RATING_WEIGHTS = (4, 6, 15, 35, 40)  # 1 to 5 stars
NOTES = {
    Action.WITHDRAW: "Projet mis en attente.",
    Action.REJECT: "Projet hors du champ du programme.",
}


class Programme:
    """Three calendar years of the programme up to now, built with `bulk_create`.

    Each application gets a planned life (submission, endorsement, perhaps a question to the
    SME, perhaps a proposal declined, a proposal accepted, the closing; or a sponsor's refusal,
    a rejection, a withdrawal at some point), cut at now and replayed through the workflow's
    transition table and `applications.clock`, so that its state, dates, review clock,
    proposals and events are those the services would have left.
    """

    def __init__(self, applications: int, *, seed: int, every_event: bool = False):
        self.sizes = Sizes.of(applications)
        # Only the withdrawals and rejections the dashboard reads, or (the page benchmark)
        # every move, as the services would have recorded them.
        self.every_event = every_event
        # Synthetic data, not security (bandit B311, ruff S311).
        self.rng = random.Random(seed)  # noqa: S311  # nosec B311
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        paris = timezone.get_current_timezone()
        # In UTC, as `timezone.now()` is: adding days to a time in Paris would add wall-clock
        # days, an hour off across a change of daylight saving time.
        self.start = datetime(self.today.year - 2, 1, 1, tzinfo=paris).astimezone(UTC)
        self.tag = f"{seed}-{applications}"
        self.url = reverse("reports:dashboard")

    # --- What the benchmark reads back -------------------------------------------------------

    def client(self) -> Client:
        """A test client logged in as the staff member, past the second factor."""
        client = Client()
        client.force_login(self.user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = self.device.persistent_id
        session.save()
        return client

    def filtered(self) -> dict[str, str]:
        """The dashboard's filters for the most frequent target country and NAF section."""
        field = FiguresFilterForm(with_sponsor_body=True).fields["sector"]
        section = self.sections[self.section_counts.most_common(1)[0][0]]
        return {
            "country": self.country_counts.most_common(1)[0][0],
            "sector": str(getattr(section, field.to_field_name or "pk")),
        }

    def summary(self) -> str:
        return ", ".join(f"{state} {n}" for state, n in self.state_counts.most_common())

    # --- The build -----------------------------------------------------------------------------

    def build(self) -> "Programme":
        sectors = list(Sector.objects.all())
        self.sections = {s.pk: s for s in sectors if s.section_id is None}
        self.divisions = [s for s in sectors if s.section_id is not None]
        self.staff()
        bodies = self.sponsor_bodies()
        corporations = self.corporations()
        users = self.users("correspondant", self.sizes.interlocutors)
        self.offers(corporations)
        companies = self.companies(bodies)
        plans = [self.plan(i, companies) for i in range(self.sizes.applications)]
        # Inserted in the order they were created, as in a database in service: the tables'
        # physical order follows time, which the planner counts on (pg_stats.correlation).
        plans.sort(key=lambda plan: plan[0].created_at)
        applications, proposals, events = self.replay(plans)
        self.applications = Application.objects.bulk_create(applications, batch_size=BATCH)
        self.interlocutors(corporations, users, proposals)
        self.matches(proposals)
        self.events(events)
        self.goals()
        recount_records()  # bulk inserts bypass the services that keep the records
        return self

    def skewed(self, n: int) -> list[float]:
        """Weights for `n` things a few of which take most of the share."""
        return [self.rng.paretovariate(1.5) for _ in range(n)]

    def staff(self) -> None:
        people = self.users("equipe", self.sizes.staff)
        StaffMembership.objects.bulk_create(StaffMembership(user=user) for user in people)
        self.owners = people
        self.user = people[0]  # the one whose dashboard is timed: with an authenticator app
        self.device = TOTPDevice.objects.create(user=self.user, name="Téléphone", confirmed=True)

    def sponsor_bodies(self) -> list[SponsorBody]:
        regions = sorted({region for _code, _name, region in DEPARTMENTS})
        rows = []
        for i in range(self.sizes.sponsor_bodies):
            kind = SponsorKind.CCI if i % 3 else SponsorKind.CCE
            label = "CCI" if kind == SponsorKind.CCI else "Comité local CCE"
            rows.append(
                SponsorBody(
                    kind=kind,
                    name=f"{label} du banc d'essai {self.tag}-{i:03d}",
                    region=regions[i % len(regions)],
                )
            )
        return SponsorBody.objects.bulk_create(rows)

    def corporations(self) -> list[MemberCorporation]:
        return MemberCorporation.objects.bulk_create(
            MemberCorporation(
                name=f"Groupe {self.tag}-{i:02d}",
                slug=f"groupe-tableau-{self.tag}-{i:02d}",
                is_active=i % 20 != 19,  # a few have left the programme
            )
            for i in range(self.sizes.corporations)
        )

    def users(self, role: str, count: int) -> list[User]:
        """`count` people who cannot log in (no usable password), with plausible names."""
        unusable = make_password(None)
        return User.objects.bulk_create(
            [
                User(
                    email=f"{role}-{self.tag}-{i}@bench.invalid",
                    first_name=self.rng.choice(FIRST_NAMES),
                    last_name=self.rng.choice(LAST_NAMES),
                    password=unusable,
                )
                for i in range(count)
            ],
            batch_size=BATCH,
        )

    def offers(self, corporations) -> None:
        rows = []
        for i in range(self.sizes.offers):
            desks = self.rng.randint(1, 12)
            rows.append(
                HostingOffer(
                    corporation=corporations[i % len(corporations)],
                    country=self.rng.choices(CODES, WEIGHTS)[0],
                    city="Bureau",
                    desks=desks,
                    reserved_desks=self.rng.randint(0, desks),
                    monthly_price=self.rng.randrange(0, 1500, 50),
                    at_cost=self.rng.random() < 0.5,
                )
            )
        HostingOffer.objects.bulk_create(rows)

    def companies(self, bodies) -> list[tuple[Company, SponsorBody]]:
        """The SMEs, each with the sponsor body of its region it addresses its applications
        to (a few bodies see most of them, the trades are skewed too)."""
        departments = {}
        for code, _name, region in DEPARTMENTS:
            departments.setdefault(region, []).append(code)
        body_weights = list(itertools.accumulate(self.skewed(len(bodies))))
        division_weights = list(itertools.accumulate(self.skewed(len(self.divisions))))
        rows, chosen = [], []
        for i in range(self.sizes.companies):
            body = self.rng.choices(bodies, cum_weights=body_weights)[0]
            rows.append(
                Company(
                    legal_name=f"PME {self.tag}-{i}",
                    siren=f"{700000000 + i:09d}",
                    sector=self.rng.choices(self.divisions, cum_weights=division_weights)[0],
                    headcount=self.rng.choice(Headcount.values),
                    turnover=self.rng.choice(TurnoverBand.values),
                    region=body.region,
                    department=self.rng.choice(departments[body.region]),
                    export_experience=self.rng.choice(ExportExperience.values),
                )
            )
            chosen.append(body)
        created = Company.objects.bulk_create(rows, batch_size=BATCH)
        return list(zip(created, chosen, strict=True))

    def interlocutors(self, corporations, users, proposals) -> None:
        """The interlocutors, their accompaniments under way counted from the proposals
        accepted whose application is still accompanied, their capacity at or above it."""
        open_count = Counter(
            person
            for match, person in proposals
            if match.status == MatchStatus.ACCEPTED and match.application.state == State.ACCOMPANIED
        )
        rows = []
        for i, user in enumerate(users):
            under_way = open_count[i]
            rows.append(
                Interlocutor(
                    user=user,
                    corporation=corporations[i % len(corporations)],
                    countries=self.rng.sample(CODES[:20], self.rng.randint(1, 3)),
                    # Some at capacity; the volumes are a benchmark's, not the programme's.
                    capacity=under_way + self.rng.choice((0, 0, 1, 2, 3, 5)),
                    open_accompaniments=under_way,
                    is_coordinator=i < len(corporations),
                    is_active=self.rng.random() < 0.92 or under_way > 0,
                )
            )
        self.people = Interlocutor.objects.bulk_create(rows, batch_size=BATCH)
        through = Interlocutor.sectors.through
        through.objects.bulk_create(
            [
                through(interlocutor_id=person.pk, sector_id=division.pk)
                for person in self.people
                for division in self.rng.sample(self.divisions, self.rng.randint(1, 3))
            ],
            batch_size=BATCH,
        )

    def matches(self, proposals) -> None:
        for match, person in proposals:
            match.interlocutor = self.people[person]
        Match.objects.bulk_create([match for match, _person in proposals], batch_size=BATCH)

    def events(self, events) -> None:
        """The withdrawals and rejections, with the state they left (the funnel reads them),
        or every move (`every_event`).

        `bulk_create` bypasses `ApplicationEvent.save`, which links each event into its
        application's tamper-evident chain (`applications.audit`): the chains are computed
        here as `audit.chain` would (each application's events come in the order they
        happened), and the heads recorded after.
        """
        heads: dict[int, str] = {}
        for event in events:
            event.application_id = event.application.pk  # inserted since the event was made
            event.previous_hash = heads.get(event.application_id, audit.GENESIS)
            event.hash = audit.digest(event, event.previous_hash)
            heads[event.application_id] = event.hash
        ApplicationEvent.objects.bulk_create(events, batch_size=BATCH)
        # The heads known here, written in batches: a correlated subquery over every event
        # takes minutes once every move is an event.
        chained = [application for application in self.applications if application.pk in heads]
        for application in chained:
            application.audit_head = heads[application.pk]
        Application.objects.bulk_update(chained, ["audit_head"], batch_size=1000)

    def goals(self) -> None:
        """A goal for each year near what the year achieves (this year's, at its pace)."""
        accompanied = Counter()
        for application in self.applications:
            if application.state in (State.ACCOMPANIED, State.CLOSED):
                year = timezone.localtime(application.review_stopped_at).year
                accompanied[year, application.company_id] = 1
        by_year = Counter(year for year, _company in accompanied)
        goals = []
        for year in range(self.today.year - 2, self.today.year + 1):
            achieved = by_year[year]
            if year == self.today.year:
                elapsed = (self.today - date(year, 1, 1)).days + 1
                achieved = achieved * 365 / elapsed
            goal = round(achieved * self.rng.uniform(0.9, 1.2))
            goals.append(Goal(year=year, smes_accompanied=max(goal, 1)))
        Goal.objects.filter(year__in=[g.year for g in goals]).delete()
        Goal.objects.bulk_create(goals)

    # --- One application's life ---------------------------------------------------------------

    def moment(self, after: datetime, days: float) -> datetime:
        return after + timedelta(days=days)

    def plan(self, i: int, companies) -> tuple[Application, list[Step]]:
        """An application and its planned life, not yet cut at now."""
        rng = self.rng
        company, body = rng.choice(companies)
        hosting = rng.random() < 0.4
        span = (self.now - self.start).total_seconds()
        created = self.start + timedelta(seconds=rng.uniform(0, span))
        application = Application(
            company=company,
            target_country=rng.choices(CODES, cum_weights=COUNTRY_WEIGHTS)[0],
            wants_advice=rng.random() < 0.8 or not hosting,
            wants_hosting=hosting,
            wants_commercial=rng.random() < 0.4,
            hosting_desks=rng.randint(1, 3) if hosting else None,
            sponsor_body=body,
            created_at=created,
            state_changed_at=created,
        )
        if rng.random() < 0.05:  # a draft never submitted
            return application, []
        submitted = self.moment(created, rng.uniform(0, 10))
        steps = [Step(submitted, Action.SUBMIT)]
        # The last few wait now at each open stage, whatever the draw: even a small data set
        # has every state, overdue reviews among them.
        waiting = self.sizes.applications - i
        if waiting <= 4 * max(self.sizes.applications // 1000, 2):
            return application, self.waiting(application, stage=waiting % 4)
        fate = rng.choices(FATES, FATE_WEIGHTS)[0]
        sponsor_days = rng.uniform(0.2, 10) if rng.random() < 0.9 else rng.uniform(10, 40)
        endorsed = self.moment(submitted, sponsor_days)
        if fate == "declined_by_sponsor":
            return application, [*steps, Step(endorsed, Action.DECLINE_ENDORSEMENT)]
        steps.append(Step(endorsed, Action.ENDORSE))
        # The review's own work, before the proposal that is accepted (or the rejection), on
        # a scale of 0 to 1; a question to the SME (a pause) and a proposal declined fit in.
        work = rng.uniform(6, 35) if rng.random() < 0.9 else rng.uniform(35, 120)
        pause = rng.uniform(2, 25) if rng.random() < 0.3 else 0
        asked = rng.uniform(0.05, 0.4)

        def at(x: float) -> datetime:
            return self.moment(endorsed, x * work + (pause if pause and x > asked else 0))

        if pause:
            steps += [
                Step(at(asked), Action.REQUEST_INFORMATION),
                Step(self.moment(at(asked), pause), Action.ANSWER_INFORMATION),
            ]
        proposals = 0
        if rng.random() < (0.2 if fate == "accepted" else 0.1):  # a proposal declined first
            start = rng.uniform(asked + 0.05, 0.7)
            steps += [
                Step(at(start), Action.PROPOSE, match=0),
                Step(at(rng.uniform(start + 0.05, 0.9)), Action.DECLINE_MATCH, match=0),
            ]
            proposals = 1
        if fate == "rejected":
            if pause and rng.random() < 0.15:  # rejected while waiting for the SME
                del steps[-(1 + 2 * proposals) :]  # the answer and what followed never came
                steps.append(Step(self.moment(at(asked), rng.uniform(1, pause)), Action.REJECT))
            else:
                steps.append(Step(at(1), Action.REJECT))
            return application, steps
        accepted = self.moment(at(1), rng.uniform(0.5, 10))
        steps += [
            Step(at(1), Action.PROPOSE, match=proposals),
            Step(accepted, Action.ACCEPT_MATCH, match=proposals),
            Step(self.moment(accepted, rng.uniform(60, 400)), Action.CLOSE),
        ]
        if fate == "withdrawn":  # at some moment before the acceptance
            withdrawn = submitted + (accepted - submitted) * rng.uniform(0.02, 0.98)
            steps = [step for step in steps if step.at < withdrawn]
            steps.append(Step(withdrawn, Action.WITHDRAW))
        return application, steps

    def waiting(self, application: Application, stage: int) -> list[Step]:
        """The life so far of an application waiting now: for its sponsor, under review past
        its due date, for the SME's answer, or for the interlocutor's."""
        rng = self.rng
        if stage == 0:
            submitted = self.now - timedelta(days=rng.uniform(0.5, 6))
            application.created_at = submitted - DAY
            return [Step(submitted, Action.SUBMIT)]
        days = rng.uniform(35, 100) if stage == 1 else rng.uniform(8, 25)
        endorsed = self.now - timedelta(days=days)
        application.created_at = endorsed - 5 * DAY
        steps = [Step(endorsed - 3 * DAY, Action.SUBMIT), Step(endorsed, Action.ENDORSE)]
        if stage == 2:
            steps.append(Step(self.moment(endorsed, rng.uniform(1, 6)), Action.REQUEST_INFORMATION))
        elif stage == 3:
            steps.append(Step(self.moment(endorsed, rng.uniform(2, 7)), Action.PROPOSE, match=0))
        return steps

    def replay(self, plans):
        """Each application's life up to now, move by move: its state and dates as the
        services set them, its review clock as `applications.clock` moves it, its proposals,
        and the events the dashboard reads (withdrawals and rejections)."""
        rng = self.rng
        applications, proposals, events = [], [], []
        self.state_counts = Counter()
        self.country_counts = Counter()  # submitted applications, by target country
        self.section_counts = Counter()  # and by the NAF section of their company
        interlocutor_weights = list(itertools.accumulate(self.skewed(self.sizes.interlocutors)))
        people = range(self.sizes.interlocutors)
        for application, steps in plans:
            application.state = State.DRAFT
            matches: dict[int, tuple[Match, int]] = {}  # with the interlocutor's index
            for step in steps:
                if step.at > self.now:
                    break
                sources, target = TRANSITIONS[step.action]
                if application.state not in sources:
                    raise CommandError(f"Bad plan: {step.action} from {application.state}.")
                from_state, application.state = application.state, target
                application.state_changed_at = step.at
                if step.action == Action.SUBMIT:
                    application.submitted_at = step.at
                elif step.action == Action.ENDORSE:
                    application.endorsed_at = step.at
                    application.owner = rng.choice(self.owners)
                elif step.action == Action.PROPOSE:
                    person = rng.choices(people, cum_weights=interlocutor_weights)[0]
                    matches[step.match] = (
                        Match(application=application, created_at=step.at),
                        person,
                    )
                elif step.action in (Action.DECLINE_MATCH, Action.ACCEPT_MATCH):
                    match = matches[step.match][0]
                    match.status = (
                        MatchStatus.ACCEPTED
                        if step.action == Action.ACCEPT_MATCH
                        else MatchStatus.DECLINED
                    )
                    match.decided_at = step.at
                elif step.action in (Action.REJECT, Action.WITHDRAW, Action.CLOSE):
                    application.closed_at = step.at
                clock.apply(application, step.action, step.at)
                if step.action == Action.WITHDRAW:
                    for match, _person in matches.values():
                        if match.status == MatchStatus.PROPOSED:  # cancelled, as withdraw does
                            match.status, match.decided_at = MatchStatus.CANCELLED, step.at
                if self.every_event or step.action in (Action.WITHDRAW, Action.REJECT):
                    events.append(
                        ApplicationEvent(
                            application=application,
                            action=step.action,
                            from_state=from_state,
                            to_state=target,
                            note=NOTES.get(step.action, ""),
                            created_at=step.at,
                        )
                    )
            if application.state == State.CLOSED:
                application.outcome = rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0]
                if rng.random() < 0.85:
                    application.rating = rng.choices(range(1, 6), RATING_WEIGHTS)[0]
            applications.append(application)
            proposals += matches.values()
            self.state_counts[application.state] += 1
            if application.submitted_at is not None:
                self.country_counts[str(application.target_country)] += 1
                self.section_counts[application.company.sector.section_id] += 1
        return applications, proposals, events
