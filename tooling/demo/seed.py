"""The demo data set seeded in order. Reference data and accounts are looked up by their natural
keys, so seeding again changes nothing; the applications are walked through the workflow only on
the first run (when Asconit Consultants does not exist yet)."""

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from companies.models import Company
from pacte.celery import app as celery_app
from reference.models import Sector
from tooling.demo.cast import Cast
from tooling.demo.companies import ASCONIT_SIREN, seed_companies
from tooling.demo.history import forget_history_notifications, seed_goals, seed_history
from tooling.demo.organisations import seed_corporations, seed_sponsor_bodies
from tooling.demo.people import Accounts, seed_people
from tooling.demo.walkthroughs import seed_walkthroughs


@dataclass
class Seeded:
    applications: int = 0  # created by this run
    history: list[int] = field(default_factory=list)  # the past months' applications (pks)


def seed_demo() -> int:
    """Seeds the demo; the number of applications created (0 once seeded)."""
    with tasks_in_process(), transaction.atomic():
        seeded = seed()
    forget_history_notifications(seeded.history)
    return seeded.applications


@contextmanager
def tasks_in_process():
    """No mail may leave during seeding: the tasks the services queue run in this process
    (the filesystem broker would keep them for a worker) and their mails stay in memory.
    Celery's own conf is set, not the Django setting: once anything has set it on the app
    (the test fixtures do), the app no longer reads the setting."""
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
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            yield
    finally:
        conf.task_always_eager = eager
        for logger, level in zip(chatty, levels, strict=True):
            logger.setLevel(level)


def seed() -> Seeded:
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    corporations = seed_corporations(sectors)
    bodies = seed_sponsor_bodies()
    accounts = Accounts()
    seed_people(accounts, bodies, corporations, sectors)
    seed_goals()
    first_run = not Company.objects.filter(siren=ASCONIT_SIREN).exists()
    companies = seed_companies(accounts, sectors)
    if not first_run:
        return Seeded()
    cast = Cast(timezone.now(), timezone.localdate(), accounts.users, companies, bodies)
    # The past months first: each is closed, so the interlocutors' capacity is free again
    # for the accompaniments under way.
    history = seed_history(cast)
    current = seed_walkthroughs(cast)
    return Seeded(
        applications=len(history) + len(current),
        history=[story.application.pk for story in history],
    )
