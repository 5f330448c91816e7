"""Who plays whom in the demo's stories: the accounts by email, the SMEs by key, the sponsor
bodies by name, and the moment the stories are told from."""

from dataclasses import dataclass
from datetime import date, datetime

from accounts.models import User
from companies.models import Company
from corporations.models import HostingOffer, Interlocutor
from sponsors.models import SponsorBody
from tooling.demo.companies import COMPANIES
from tooling.demo.people import ADVISORS, STAFF_USER, demo
from tooling.demo.story import Story


@dataclass
class Cast:
    now: datetime
    today: date
    users: dict[str, User]
    companies: dict[str, Company]
    bodies: dict[str, SponsorBody]

    def story(self, days_ago: int, key: str, **fields) -> Story:
        """A draft made by the member of the SME `key`, `days_ago` days back."""
        return Story(self.now, days_ago, self.member(key), self.companies[key], **fields)

    def member(self, key: str) -> User:
        """The member of the SME `key` (COMPANIES), who made it."""
        return self.users[COMPANIES[key][0].email]

    def advisor_of(self, body_name: str) -> User:
        return next(self.users[person.email] for person, name in ADVISORS if name == body_name)

    def demo_user(self, local: str) -> User:
        """The account `local`@demo.pacte-pme.fr."""
        return self.users[demo(local)]

    @property
    def staff(self) -> User:
        """The demo's staff account (the lead)."""
        return self.users[STAFF_USER.email]

    @property
    def staff2(self) -> User:
        return self.demo_user("instruction2")

    @staticmethod
    def interlocutor(user: User) -> Interlocutor:
        return Interlocutor.objects.get(user=user)

    @staticmethod
    def hosting_offer(corporation: str, country: str, city: str) -> HostingOffer:
        """An offer a proposal names, so that its desks are reserved once accepted."""
        return HostingOffer.objects.get(corporation__name=corporation, country=country, city=city)
