"""`manage.py bench_sweep`: time one sweep of the review clock, in a throwaway database.

It builds 100,000 open applications (waiting for their sponsor, under review, proposed,
waiting for the SME) of which 1,000 reached a milestone, runs one sweep on a business day and
prints one `name=value` line per figure on stdout: `sweep_100k_s` (its wall time, the outbox
relayed to an in-memory broker included) and `sweep_queries` (its queries), then the same
query count for 2,000 open applications with the same 1,000 due (`sweep_queries_2k_open`): the
sweep's queries depend on what is due, never on how many applications are open. The
counts are taken on a rolled-back sweep: the relay after the commits (two queries per 500
messages) is timed, not counted.

`--in-place` builds in the current database inside a transaction rolled back at the end (the
test of this command uses it); the relay then happens at no commit, and is not timed.
"""

import itertools
import random
import time
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import StaffMembership, User
from applications.enums import State
from applications.models import Application, InformationRequest, ReminderSettings
from applications.reminders import sweep
from companies.enums import ExportExperience, Headcount, TurnoverBand
from companies.models import Company
from corporations.enums import MatchStatus
from corporations.models import Interlocutor, Match, MemberCorporation
from pacte.celery import app as celery_app
from reference.business_days import is_business_day
from reference.models import Sector
from sponsors.enums import SponsorKind
from sponsors.models import Advisor, SponsorBody
from tooling.bench import analyze, bare_render_ms, rolled_back, throwaway_database, with_bare_ratios

BATCH = 5000
DAY = timedelta(days=1)
COMPANIES = 500


class Command(BaseCommand):
    help = (
        "Mesure une passe de relances sur 100 000 demandes ouvertes dont 1 000 arrivées à une "
        "étape, dans une base jetable ; affiche une ligne nom=valeur par mesure."
    )

    def add_arguments(self, parser):
        parser.add_argument("--open", type=int, default=100_000, dest="open_count")
        parser.add_argument("--due", type=int, default=1000)
        parser.add_argument("--small-open", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2009)
        parser.add_argument("--in-place", action="store_true")

    def handle(self, *args, open_count, due, small_open, seed, in_place, **options):
        saved = (celery_app.conf.broker_write_url, celery_app.conf.task_always_eager)
        # The relay publishes to a broker in memory: measured, and lost on purpose.
        celery_app.conf.broker_write_url = "memory://"
        celery_app.conf.task_always_eager = False
        try:
            with throwaway_database(enabled=not in_place):
                figures = self.measure(open_count, due, small_open, seed, commit=not in_place)
        finally:
            celery_app.conf.broker_write_url, celery_app.conf.task_always_eager = saved
        figures = with_bare_ratios(figures, bare_render_ms())
        for name, value in figures.items():
            self.stdout.write(f"{name}={value}")

    def measure(self, open_count, due, small_open, seed, *, commit) -> dict[str, object]:
        now = next_business_morning()
        figures: dict[str, object] = {}
        with rolled_back(enabled=not commit):
            self.stderr.write(f"Building {open_count} open applications, {due} due…")
            started = time.perf_counter()
            with transaction.atomic():
                World(seed, now).build(open_count, due)
            analyze(vacuum=commit)
            ReminderSettings.current()  # as on a portal in service: the row exists
            figures["build_s"] = round(time.perf_counter() - started, 1)
            figures["sweep_queries"] = count_queries(now)
            started = time.perf_counter()
            done = sweep(now)
            figures["sweep_100k_s"] = round(time.perf_counter() - started, 2)
            figures["sweep_acted"] = sum(v for k, v in done.items() if k != "relayed")
            figures["sweep_relayed"] = done["relayed"]
        with rolled_back():
            World(seed, now).build(small_open, due)
            ReminderSettings.current()
            figures[f"sweep_queries_{small_open // 1000}k_open"] = count_queries(now)
        figures["open_applications"] = open_count
        figures["due"] = due
        return figures


def count_queries(now: datetime) -> int:
    """The queries of one sweep, rolled back (so the relay after its commits, two queries
    per 500 messages, is not in the count; the timed sweep does relay)."""
    with rolled_back(), CaptureQueriesContext(connection) as queries:
        sweep(now)
    return len(queries)


def next_business_morning() -> datetime:
    """10:00 in Paris on the next business day (the sweep sends nothing on other days)."""
    day = timezone.localdate() + DAY
    while not is_business_day(day):
        day += DAY
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=10)


class World:
    """Open applications at every stage, a quarter of the due ones at each kind of milestone:
    waiting for their sponsor 7 days, under review on day 21, proposed 5 days ago, waiting for
    the SME's answer 14 days."""

    built = itertools.count()  # worlds built by this process: their names never clash

    def __init__(self, seed: int, now: datetime):
        # Synthetic data, not security (bandit B311, ruff S311).
        self.rng = random.Random(seed)  # noqa: S311  # nosec B311
        self.now = now
        self.number = next(self.built)
        self.tag = f"{seed}-{self.number}"

    def build(self, open_count: int, due: int) -> None:
        body = SponsorBody.objects.create(
            kind=SponsorKind.CCI, name=f"CCI du banc d'essai {self.tag}", region="84"
        )
        advisor = User.objects.create(email=f"conseil-{self.tag}@bench.example")
        Advisor.objects.create(user=advisor, sponsor_body=body)
        staff = User.objects.create(email=f"equipe-{self.tag}@bench.example")
        StaffMembership.objects.create(user=staff)
        corporation = MemberCorporation.objects.create(
            name=f"Groupe {self.tag}", slug=f"groupe-banc-{self.tag}"
        )
        person = User.objects.create(email=f"correspondant-{self.tag}@bench.example")
        interlocutor = Interlocutor.objects.create(
            user=person, corporation=corporation, capacity=100
        )
        divisions = list(Sector.objects.filter(section__isnull=False).values_list("pk", flat=True))
        companies = Company.objects.bulk_create(
            Company(
                legal_name=f"PME {self.tag}-{i}",
                siren=f"{800000000 + self.number * COMPANIES + i:09d}",
                sector_id=self.rng.choice(divisions),
                headcount=self.rng.choice(Headcount.values),
                turnover=self.rng.choice(TurnoverBand.values),
                region="84",
                department="69",
                export_experience=self.rng.choice(ExportExperience.values),
            )
            for i in range(COMPANIES)
        )
        stages = [
            State.AWAITING_SPONSOR,
            State.IN_REVIEW,
            State.PROPOSED,
            State.AWAITING_INFORMATION,
        ]
        rows, matches, questions = [], [], []
        for i in range(open_count):
            stage = stages[i % 4]
            is_due = i < due
            rows.append(self.application(stage, companies[i % COMPANIES], body, staff, is_due))
        created = Application.objects.bulk_create(rows, batch_size=BATCH)
        for i, application in enumerate(created):
            is_due = i < due
            if application.state == State.PROPOSED:
                days = 5 if is_due else self.rng.uniform(0, 4.5)
                matches.append(
                    Match(
                        application=application,
                        interlocutor=interlocutor,
                        status=MatchStatus.PROPOSED,
                        created_at=self.now - days * DAY,
                    )
                )
            elif application.state == State.AWAITING_INFORMATION:
                days = 14 if is_due else self.rng.uniform(0, 13.5)
                questions.append(
                    InformationRequest(
                        application=application,
                        question="Pouvez-vous préciser votre calendrier ?",
                        asked_by=staff,
                        asked_at=self.now - days * DAY,
                    )
                )
        Match.objects.bulk_create(matches, batch_size=BATCH)
        InformationRequest.objects.bulk_create(questions, batch_size=BATCH)

    def application(self, stage, company, body, staff, is_due) -> Application:
        now, rng = self.now, self.rng
        fields = {
            "company": company,
            "state": stage,
            "target_country": "VN",
            "wants_advice": True,
            "sponsor_body": body,
        }
        if stage == State.AWAITING_SPONSOR:
            submitted = now - (7 if is_due else rng.uniform(0, 6.5)) * DAY
            return Application(**fields, submitted_at=submitted, created_at=submitted)
        # Under review since `day` days (21 for those due), on a running clock...
        day = 21 if is_due and stage == State.IN_REVIEW else rng.uniform(0, 20)
        endorsed = now - day * DAY
        fields |= {
            "submitted_at": endorsed - 2 * DAY,
            "created_at": endorsed - 3 * DAY,
            "endorsed_at": endorsed,
            "review_due_at": endorsed + 30 * DAY,
            "owner": staff,
        }
        if stage == State.AWAITING_INFORMATION:  # ...or paused, waiting for the SME
            fields["review_paused_at"] = now - rng.uniform(0, 13) * DAY
        return Application(**fields)
