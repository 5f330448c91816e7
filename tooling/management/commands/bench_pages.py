"""`manage.py bench_pages`: the portal's pages under load, as production serves them, each
compared with a bare Django view served the same way in the same run.

It needs PostgreSQL: gunicorn's processes must reach the data. With `DATABASE_URL` pointing at
a PostgreSQL server (`make bench` gives `postgres://postgres@127.0.0.1:5432/pacte_bench`), it
creates a throwaway database there as the test runner does (`test_<name>`) and drops it at the
end. It builds the programme (`bench_dashboard.Programme`, every move recorded as an event) at
20,000 applications in every state, with their messages and documents' metadata, 3,000 SMEs,
150 sponsor bodies, 40 member corporations with 1,000 presences and 400 interlocutors, and 10
staff (`--volume` scales it all); the SME measured and its two applications measured (one in
review, one proposed to the interlocutor measured) have a long history: 30 events, 20
messages, 5 documents each.

Then it collects the static files into a temporary folder and starts two gunicorns with
`--workers 4` (`--workers`) and the production settings (`DJANGO_DEBUG=0`, a Redis cache of its
own, `PACTE_BENCH_REDIS_DB`, emptied first): the portal, and the bare view (`tooling.bench_bare`,
a 25-row table template, never one of the portal's URLs). It logs each persona in through the
login form (staff past the second factor), checks every page answers 200 for its persona, and
loads each with `wrk -t2 -c16 -d10s --latency` (`--threads`, `--connections`, `--duration`,
`--quick` for one second), the bare view before each page and after the last. It prints
`page_ratio_<name>` (the page's requests per second over the mean of the bare view's just
before and just after), `page_p50_ms_<name>`, `page_p99_ms_<name>`, `page_rss_mb_max` (the
largest resident memory of a portal worker after the run), the in-process ratios of
`tooling.bench.with_bare_ratios`, and `pages_min_ratio` last.
"""

import os
import random
import signal
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import two_factor
from accounts.models import User
from applications import audit
from applications.enums import Action, DocumentKind, State
from applications.models import Application, ApplicationEvent, Document, Message
from companies.models import CompanyMembership
from corporations.enums import MatchStatus
from corporations.models import Interlocutor, MemberCorporation, Presence
from notifications.enums import Kind
from notifications.models import Notification
from sponsors.models import Advisor
from tooling import bench_http
from tooling.bench import analyze, bare_render_ms, throwaway_database, with_bare_ratios
from tooling.management.commands.bench import CITIES, CODES
from tooling.management.commands.bench_dashboard import BATCH, Programme, Sizes

# The personas' password, in a throwaway database (bandit B105, ruff S105).
PASSWORD = "banc-d-essai-des-pages"  # noqa: S105  # nosec B105
HISTORY_EVENTS = 30
HISTORY_MESSAGES = 20
HISTORY_DOCUMENTS = 5

# (name, persona, the page's URL for the data set): the list, in its order.
PAGES = [
    ("home", None, lambda data: reverse("home")),
    ("programme", None, lambda data: reverse("reports:programme")),
    ("login", None, lambda data: reverse("accounts:login")),
    ("sme_dashboard", "sme", lambda data: reverse("applications:dashboard")),
    ("sponsor_queue", "advisor", lambda data: reverse("applications:sponsor_queue")),
    ("corporations", None, lambda data: reverse("reports:corporations")),
    ("interlocutor_queue", "interlocutor", lambda data: reverse("applications:interlocutor_queue")),
    ("sme_detail", "sme", lambda data: data.in_review.get_absolute_url()),
    ("staff_queue", "staff", lambda data: reverse("applications:staff_queue")),
    ("staff_detail", "staff", lambda data: data.in_review.get_absolute_url()),
    ("staff_dashboard", "staff", lambda data: reverse("reports:dashboard")),
    ("notifications", "sme", lambda data: reverse("notifications:list")),
    ("sponsor_detail", "advisor", lambda data: data.in_review.get_absolute_url()),
    ("interlocutor_detail", "interlocutor", lambda data: data.proposed.get_absolute_url()),
]


class Command(BaseCommand):
    help = (
        "Mesure les pages du portail sous charge (gunicorn, réglages de production, wrk) "
        "rapportées à une vue Django minimale servie de la même façon ; exige PostgreSQL "
        "(DATABASE_URL), où il crée puis supprime une base jetable test_<nom>."
    )

    def add_arguments(self, parser):
        parser.add_argument("--volume", type=float, default=1.0, help="échelle des données")
        parser.add_argument("--duration", type=int, default=10, help="secondes par mesure")
        parser.add_argument("--quick", action="store_true", help="une seconde par mesure")
        parser.add_argument("--threads", type=int, default=2)
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--seed", type=int, default=2009)

    def handle(self, *args, volume, duration, quick, threads, connections, workers, seed, **opts):
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_pages needs PostgreSQL, which gunicorn's processes can reach: set "
                "DATABASE_URL=postgres://postgres@127.0.0.1:5432/pacte_bench (a throwaway "
                "test_pacte_bench is created there and dropped at the end)."
            )
        if volume <= 0 or duration < 1:
            raise CommandError("--volume must be positive and --duration at least 1.")
        redis_host, redis_port = "127.0.0.1", 6379
        if not bench_http.reachable(redis_host, redis_port):
            raise CommandError(f"No Redis at {redis_host}:{redis_port}: production caches in it.")
        if quick:  # one second, one connection per worker: no request waits for another
            duration, connections = 1, workers
        # Stopped (SIGTERM), it still stops its servers and drops its database on the way out.
        stopped = signal.signal(signal.SIGTERM, lambda *_: sys.exit("bench_pages: stopped."))
        try:
            bench_http.wrk_path()
            self.progress(f"Creating a throwaway database ({connection.vendor})…")
            with throwaway_database(), tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
                run = Run(
                    self,
                    Path(tmp),
                    seconds=duration,
                    threads=threads,
                    connections=connections,
                    workers=workers,
                )
                try:
                    started = time.perf_counter()
                    with transaction.atomic():
                        data = DataSet(sizes_for(volume), seed=seed).build()
                    analyze(vacuum=True)
                    build_seconds = time.perf_counter() - started
                    self.progress(f"Built in {build_seconds:.1f} s ({data.programme.summary()}).")
                    figures = run.measure(data)
                finally:
                    run.close()
                connection.close()  # before the database is dropped
        except bench_http.BenchError as error:
            raise CommandError(str(error)) from error
        finally:
            signal.signal(signal.SIGTERM, stopped)
        figures["applications"] = data.programme.sizes.applications
        figures["build_s"] = round(build_seconds, 1)
        minimum = figures.pop("pages_min_ratio")
        figures = with_bare_ratios(figures, bare_render_ms())
        figures["pages_min_ratio"] = minimum  # last, as `make bench` readers expect
        for name, value in figures.items():
            self.stdout.write(f"{name}={value}")

    def progress(self, message: str) -> None:
        self.stderr.write(message)


def sizes_for(volume: float) -> Sizes:
    """The issue's volumes times `volume`, with enough of each for every state and page."""

    def n(full: int, least: int) -> int:
        return max(round(full * volume), least)

    return Sizes(
        applications=n(20_000, 200),
        companies=n(3_000, 20),
        sponsor_bodies=n(150, 3),
        corporations=n(40, 3),
        interlocutors=n(400, 6),
        offers=n(100, 3),
        staff=n(10, 2),
    )


PRESENCES = 1_000


class DataSet:
    """The programme, with the messages, documents, presences, personas and long histories
    the pages read."""

    def __init__(self, sizes: Sizes, *, seed: int):
        self.programme = Programme(sizes.applications, seed=seed, every_event=True)
        self.programme.sizes = sizes
        self.presence_count = max(
            round(PRESENCES * sizes.applications / 20_000), sizes.corporations
        )
        # Synthetic data, not security (bandit B311, ruff S311).
        self.rng = random.Random(seed + 1)  # noqa: S311  # nosec B311
        self.logins: dict[str, str] = {}
        self.device = None

    def build(self) -> "DataSet":
        programme = self.programme.build()
        self.presences()
        self.conversations(programme.applications)
        self.personas()
        return self

    def presences(self) -> None:
        corporations = list(MemberCorporation.objects.order_by("pk"))
        places = [(code, city) for code in CODES for city in CITIES[code]]
        rows = []
        for i in range(min(self.presence_count, len(corporations) * len(places))):
            # The k-th place of corporation c: distinct for each (a unique constraint).
            c, k = i % len(corporations), i // len(corporations)
            country, city = places[(c * 7 + k) % len(places)]
            rows.append(Presence(corporation=corporations[c], country=country, city=city))
        created = Presence.objects.bulk_create(rows, batch_size=BATCH)
        through = Presence.sectors.through
        divisions = self.programme.divisions
        through.objects.bulk_create(
            [
                through(presence_id=presence.pk, sector_id=division.pk)
                for presence in created
                for division in self.rng.sample(divisions, self.rng.randint(1, 3))
            ],
            batch_size=BATCH,
        )

    def conversations(self, applications) -> None:
        """A few messages on each submitted application, and its documents' metadata."""
        messages, documents = [], []
        for application in applications:
            if application.submitted_at is None:
                continue
            span = (application.state_changed_at - application.submitted_at).total_seconds()
            for _ in range(self.rng.choice((0, 1, 1, 2, 3))):
                at = application.submitted_at + timedelta(seconds=self.rng.uniform(0, span))
                messages.append(message(application, self.rng, at, author=application.owner))
            for i in range(self.rng.randint(1, 3)):
                documents.append(document(application, self.rng, i, application.submitted_at))
        Message.objects.bulk_create(messages, batch_size=BATCH)
        Document.objects.bulk_create(documents, batch_size=BATCH)

    def personas(self) -> None:
        """The SME, its advisor, the interlocutor and the staff member measured, who can log
        in; the application in review and the one proposed to the interlocutor, both the
        SME's, with their long histories."""
        programme = self.programme
        in_review = (
            Application.objects.filter(state=State.IN_REVIEW, sponsor_body__isnull=False)
            .order_by("-endorsed_at")
            .first()
        )
        proposed = (
            Application.objects.filter(state=State.PROPOSED, matches__status=MatchStatus.PROPOSED)
            .order_by("-state_changed_at")
            .first()
        )
        if in_review is None or proposed is None:
            raise CommandError("The data set has no application in review or proposed.")
        Application.objects.filter(pk=proposed.pk).update(
            company=in_review.company, sponsor_body=in_review.sponsor_body
        )
        sme = User.objects.create(email="pme@bench.invalid", first_name="Léa", last_name="Roux")
        CompanyMembership.objects.create(user=sme, company=in_review.company)
        advisor = User.objects.create(email="parrain@bench.invalid", first_name="Marc")
        Advisor.objects.create(user=advisor, sponsor_body=in_review.sponsor_body)
        person = Interlocutor.objects.get(
            matches__application=proposed, matches__status=MatchStatus.PROPOSED
        )
        Interlocutor.objects.filter(pk=person.pk).update(is_active=True)
        staff = programme.user
        self.device = programme.device
        self.logins = {
            "sme": sme.email,
            "advisor": advisor.email,
            "interlocutor": person.user.email,
            "staff": staff.email,
        }
        User.objects.filter(email__in=self.logins.values()).update(
            password=make_password(PASSWORD), is_active=True
        )
        Application.objects.filter(pk=in_review.pk).update(owner=staff)
        authors = [sme, advisor, staff, person.user]
        for application in (in_review, proposed):
            application.refresh_from_db()
            self.history(application, authors)
        self.in_review, self.proposed = in_review, proposed
        self.notifications(sme, in_review)

    def history(self, application: Application, authors: list[User]) -> None:
        """30 events (submitted, endorsed, questions and answers, and the proposal for the
        one proposed), 20 messages and 5 documents, chained as `audit.chain` would."""
        ApplicationEvent.objects.filter(application=application).delete()
        Message.objects.filter(application=application).delete()
        Document.objects.filter(application=application).delete()
        moves = [
            (Action.SUBMIT, State.DRAFT, State.AWAITING_SPONSOR),
            (Action.ENDORSE, State.AWAITING_SPONSOR, State.IN_REVIEW),
        ]
        tail = []
        if application.state == State.PROPOSED:
            tail = [(Action.PROPOSE, State.IN_REVIEW, State.PROPOSED)]
        while len(moves) + len(tail) < HISTORY_EVENTS - 1:
            moves += [
                (Action.REQUEST_INFORMATION, State.IN_REVIEW, State.AWAITING_INFORMATION),
                (Action.ANSWER_INFORMATION, State.AWAITING_INFORMATION, State.IN_REVIEW),
            ]
        moves += tail
        if len(moves) < HISTORY_EVENTS:  # one owner assigned: not a move of state
            moves.insert(2, (Action.ASSIGN_OWNER, State.IN_REVIEW, State.IN_REVIEW))
        start = application.submitted_at
        step = (timezone.now() - start) / (HISTORY_EVENTS + 1)
        previous, events = audit.GENESIS, []
        for i, (action, from_state, to_state) in enumerate(moves):
            event = ApplicationEvent(
                application=application,
                action=action,
                from_state=from_state,
                to_state=to_state,
                actor=authors[i % len(authors)],
                note="Précisions apportées." if action == Action.ANSWER_INFORMATION else "",
                created_at=start + step * i,
            )
            event.previous_hash, event.hash = previous, audit.digest(event, previous)
            previous = event.hash
            events.append(event)
        ApplicationEvent.objects.bulk_create(events)
        Application.objects.filter(pk=application.pk).update(audit_head=previous)
        Message.objects.bulk_create(
            message(application, self.rng, start + step * i, author=authors[i % len(authors)])
            for i in range(HISTORY_MESSAGES)
        )
        Document.objects.bulk_create(
            document(application, self.rng, i, start) for i in range(HISTORY_DOCUMENTS)
        )

    def notifications(self, user: User, application: Application) -> None:
        now = timezone.now()
        Notification.objects.bulk_create(
            Notification(
                user=user,
                kind=self.rng.choice(Kind.values),
                application=application,
                source=f"event:bench-{i}",
                title=f"Votre demande {application.reference} a avancé ({i})",
                excerpt="Une nouvelle étape de votre dossier.",
                url=application.get_absolute_url(),
                created_at=now - timedelta(hours=i),
                read_at=None if i < 10 else now,
            )
            for i in range(40)
        )

    def totp_code(self) -> str:
        self.device.refresh_from_db()
        return two_factor.current_code(self.device)


def message(application, rng, at, *, author) -> Message:
    return Message(
        application=application,
        author=author,
        body=rng.choice(
            (
                "Bonjour, pouvez-vous préciser le calendrier de votre implantation ?",
                "Nous avons mis à jour le business plan, il est joint au dossier.",
                "Le correspondant vous contactera la semaine prochaine.",
                "Merci pour ces précisions, le dossier est complet.",
            )
        ),
        is_internal=rng.random() < 0.2,
        created_at=at,
    )


def document(application, rng, i, at) -> Document:
    kind = rng.choice(DocumentKind.values)
    return Document(
        application=application,
        kind=kind,
        file=f"documents/bench/{application.pk}/{i}.pdf",  # metadata only: no file behind it
        name=f"{kind}-{i}.pdf",
        content_type="application/pdf",
        size=rng.randint(20_000, 4_000_000),
        created_at=at,
    )


class Run:
    """The servers, the logins, and the loads, bare view and page in turn."""

    def __init__(self, command, tmp: Path, *, seconds, threads, connections, workers):
        self.command, self.tmp = command, tmp
        self.seconds, self.threads, self.connections = seconds, threads, connections
        self.workers = workers
        self.cache_url = f"redis://127.0.0.1:6379/{os.environ.get('PACTE_BENCH_REDIS_DB', '13')}"
        self.env = bench_http.production_env(
            database_url=database_url(connection.settings_dict),
            cache_url=self.cache_url,
            static_root=tmp / "static",
            var_dir=tmp / "var",
        )
        command.progress("Collecting the static files (production's manifest), meanwhile…")
        self.static_log = tmp / "collectstatic.log"
        self.collecting = bench_http.start_collectstatic(
            self.env, cwd=settings.BASE_DIR, log=self.static_log
        )

    def close(self) -> None:
        """collectstatic stopped, if the data set failed to build while it ran."""
        if self.collecting.poll() is None:
            self.collecting.kill()
            self.collecting.wait()

    def measure(self, data: "DataSet") -> dict[str, object]:
        self.data = data
        bench_http.finish(self.collecting, self.static_log)
        # The data set was built without that cache: pages or generations a previous run left
        # there would describe another database.
        bench_http.flush_cache(self.cache_url)
        env = self.env
        portal = bench_http.Server(
            "portal", "pacte.wsgi:application", bench_http.free_port(), self.tmp / "portal.log"
        )
        bare = bench_http.Server(
            "bare", "tooling.bench_bare:application", bench_http.free_port(), self.tmp / "bare.log"
        )
        bare_env = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}
        try:
            portal.start(env=env, workers=self.workers, cwd=settings.BASE_DIR)
            bare.start(env=bare_env, workers=self.workers, cwd=settings.BASE_DIR)
            portal.wait_ready()
            bare.wait_ready()
            return self.load(portal, bare)
        finally:
            portal.stop()
            bare.stop()

    def load(self, portal, bare) -> dict[str, object]:
        data = self.data
        sessions = {}
        for persona, email in data.logins.items():
            code = data.totp_code if persona == "staff" else None
            sessions[persona] = bench_http.log_in(portal.url, email, PASSWORD, code)
        targets = []
        for name, persona, url_of in PAGES:
            url = portal.url + url_of(data)
            session = sessions.get(persona)
            client = session or bench_http.requests.Session()
            response = client.get(url, allow_redirects=False, timeout=60)
            if response.status_code != 200:
                raise bench_http.BenchError(
                    f"{name}: GET {url} as {persona or 'anonymous'} answered "
                    f"{response.status_code}.\n{portal.log_tail()}"
                )
            targets.append((name, url, bench_http.cookie_header(session)))
        self.command.progress(
            f"Loading {len(targets)} pages, {self.seconds} s each, the bare view between…"
        )
        bare_loads = [self.wrk(bare.url + "/", "")]
        figures: dict[str, object] = {}
        ratios = {}
        for name, url, cookie in targets:
            page = self.wrk(url, cookie)
            if page.requests == 0:
                raise bench_http.BenchError(
                    f"{name}: no request answered in {self.seconds} s: a longer --duration."
                )
            if page.errors:
                raise bench_http.BenchError(
                    f"{name}: {page.errors} answers other than 2xx or 3xx under load.\n"
                    f"{portal.log_tail()}"
                )
            bare_loads.append(self.wrk(bare.url + "/", ""))
            bare_rps = statistics.mean(load.rps for load in bare_loads[-2:])
            ratios[name] = page.rps / bare_rps
            figures[f"page_ratio_{name}"] = round(ratios[name], 3)
            figures[f"page_rps_{name}"] = round(page.rps, 1)
            figures[f"page_p50_ms_{name}"] = round(page.p50_ms, 1)
            figures[f"page_p99_ms_{name}"] = round(page.p99_ms, 1)
            self.command.progress(
                f"  {name}: {page.rps:.1f} req/s (bare {bare_rps:.1f}), ratio "
                f"{ratios[name]:.3f}, p99 {page.p99_ms:.1f} ms"
                + (f", {page.timeouts} timeouts" if page.timeouts else "")
            )
        figures["bare_rps_mean"] = round(statistics.mean(load.rps for load in bare_loads), 1)
        figures["page_rss_mb_max"] = round(max(portal.workers_rss_mb()), 1)
        figures["pages_min_ratio"] = round(min(ratios.values()), 3)
        return figures

    def wrk(self, url: str, cookie: str) -> bench_http.Load:
        return bench_http.run_wrk(
            url,
            cookie=cookie,
            threads=self.threads,
            connections=self.connections,
            seconds=self.seconds,
        )


def database_url(db: dict) -> str:
    """The URL of the throwaway database, for gunicorn's processes."""
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{quote(db['NAME'])}"
