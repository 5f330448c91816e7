"""The hand-built history of the figures' tests: its table is in tests/reports/test_figures.py."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from applications import services
from applications.enums import Action
from reports.models import Goal
from tests.factories import (
    AdvisorFactory,
    ApplicationFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    InterlocutorFactory,
    MemberCorporationFactory,
    PresenceFactory,
    SponsorBodyFactory,
    StaffMembershipFactory,
    TOTPDeviceFactory,
    perform,
    sector,
)

PARIS = ZoneInfo("Europe/Paris")
TODAY = datetime(2026, 3, 15, 12, 0, tzinfo=PARIS)


def at(month_day: str, hour: int = 9, minute: int = 0) -> datetime:
    """A moment in Paris: "2026-01-05" at 9:00 unless told."""
    return datetime.fromisoformat(month_day).replace(hour=hour, minute=minute, tzinfo=PARIS)


class History:
    """The people of the hand-built history, and a way to walk an application through it."""

    def __init__(self):
        self.body = SponsorBodyFactory(name="CCI Hauts-de-France")
        self.other_body = SponsorBodyFactory(name="Comité CCE Bretagne")
        self.advisors = {
            self.body.pk: AdvisorFactory(sponsor_body=self.body).user,
            self.other_body.pk: AdvisorFactory(sponsor_body=self.other_body).user,
        }
        self.staff = StaffMembershipFactory().user
        TOTPDeviceFactory(user=self.staff)  # staff must have two-factor authentication
        self.schneider = MemberCorporationFactory(name="Schneider Electric")
        self.total = MemberCorporationFactory(name="Total")
        for country in ("VN", "MA", "BR"):
            PresenceFactory(corporation=self.schneider, country=country)
        self.interlocutors = {
            "schneider": InterlocutorFactory(
                corporation=self.schneider, countries=["VN", "MA"], capacity=5
            ),
            "total": InterlocutorFactory(corporation=self.total, countries=["BR"], capacity=2),
        }
        self.companies = {}

    def company(self, name: str, section: str):
        if name not in self.companies:
            company = CompanyFactory(legal_name=f"PME {name}", sector=sector(section))
            CompanyMembershipFactory(company=company)
            self.companies[name] = company
        return self.companies[name]

    def walk(self, company, country, body, *steps, interlocutor="schneider"):
        owner = company.memberships.first().user
        application = ApplicationFactory(company=company, created_by=owner, target_country=country)
        for action, when, *extra in steps:
            arguments = dict(extra[0]) if extra else {}
            actor = {
                Action.SUBMIT: owner,
                Action.ANSWER_INFORMATION: owner,
                Action.WITHDRAW: owner,
                Action.RATE: owner,
                Action.ENDORSE: self.advisors[body.pk],
                Action.DECLINE_ENDORSEMENT: self.advisors[body.pk],
                Action.ACCEPT_MATCH: self.interlocutors[interlocutor].user,
                Action.DECLINE_MATCH: self.interlocutors[interlocutor].user,
            }.get(action, self.staff)
            if action == Action.SUBMIT:
                arguments["sponsor_body"] = body
            if action == Action.PROPOSE:
                arguments["interlocutor"] = self.interlocutors[interlocutor]
            with time_machine.travel(when, tick=False):
                if action == Action.RATE:
                    services.rate(application.pk, actor, **arguments)
                else:
                    perform(action, application.pk, actor, **arguments)
        application.refresh_from_db()
        return application


def accepted(submitted, endorsed, accepted_at, *, interlocutor_step=None):
    steps = [
        (Action.SUBMIT, submitted),
        (Action.ENDORSE, endorsed),
        *(interlocutor_step or []),
        (Action.PROPOSE, endorsed + timedelta(hours=1)),
        (Action.ACCEPT_MATCH, accepted_at),
    ]
    return steps


@pytest.fixture
def history():
    h = History()
    body, other = h.body, h.other_body
    a = {}
    a["A"] = h.walk(
        h.company("a", "62"),
        "VN",
        body,
        *accepted(at("2025-12-01"), at("2025-12-02"), at("2025-12-31", 23, 30)),
    )
    a["A2"] = h.walk(
        h.company("a2", "71"),
        "VN",
        body,
        *accepted(at("2025-12-09"), at("2025-12-10", 0, 30), at("2026-01-01", 0, 30)),
    )
    a["B"] = h.walk(
        h.company("b", "62"),
        "VN",
        body,
        (Action.SUBMIT, at("2026-01-01")),
        (Action.ENDORSE, at("2026-01-02")),
        (Action.REQUEST_INFORMATION, at("2026-01-05")),
        (Action.ANSWER_INFORMATION, at("2026-01-15")),
        (Action.PROPOSE, at("2026-01-16")),
        (Action.ACCEPT_MATCH, at("2026-01-25")),
        (Action.CLOSE, at("2026-03-02")),
        (Action.RATE, at("2026-03-03"), {"rating": 5}),
    )
    a["C"] = h.walk(
        h.company("c", "71"),
        "VN",
        other,
        *accepted(at("2026-01-04"), at("2026-01-05"), at("2026-02-14")),
        (Action.CLOSE, at("2026-03-01")),
        (Action.RATE, at("2026-03-01", 10), {"rating": 4}),
    )
    a["D"] = h.walk(
        h.company("d", "10"),
        "MA",
        body,
        (Action.SUBMIT, at("2026-01-09")),
        (Action.ENDORSE, at("2026-01-10")),
        (Action.REJECT, at("2026-02-09")),
    )
    a["F"] = h.walk(
        h.company("b", "62"),
        "BR",
        body,
        *accepted(at("2026-01-31"), at("2026-02-01"), at("2026-02-21")),
        interlocutor="total",
    )
    a["E"] = h.walk(
        h.company("e", "10"),
        "MA",
        other,
        (Action.SUBMIT, at("2026-01-11")),
        (Action.ENDORSE, at("2026-01-12")),
        (Action.WITHDRAW, at("2026-01-20")),
    )
    a["G"] = h.walk(
        h.company("g", "62"),
        "VN",
        body,
        (Action.SUBMIT, at("2026-01-19")),
        (Action.ENDORSE, at("2026-01-20")),
    )
    a["H"] = h.walk(
        h.company("h", "71"),
        "VN",
        body,
        (Action.SUBMIT, at("2026-01-19")),
        (Action.ENDORSE, at("2026-01-20")),
        (Action.REQUEST_INFORMATION, at("2026-01-25")),
    )
    a["I"] = h.walk(h.company("i", "10"), "MA", other, (Action.SUBMIT, at("2026-03-01")))
    a["J"] = h.walk(
        h.company("j", "62"),
        "VN",
        body,
        (Action.SUBMIT, at("2026-02-01")),
        (Action.DECLINE_ENDORSEMENT, at("2026-02-02")),
    )
    h.applications = a
    Goal.objects.create(year=2026, smes_accompanied=100)
    Goal.objects.create(year=2025, smes_accompanied=65)
    return h


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY
