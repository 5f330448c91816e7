"""factory_boy factories for the portal's models, and `make_application_in` to reach any state.

Factories build plain rows. An application in any state other than a draft is made by
`make_application_in`, which walks it there through the real services with real actors, so that
its events, endorsements, information requests and matches exist as they would in production.
"""

from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum import luhn

from accounts.models import StaffMembership, User
from applications import services
from applications.enums import Action, Maturity, Outcome, State
from applications.models import Application, ApplicationEvent, InformationRequest
from companies.enums import ExportExperience, Headcount, TurnoverBand
from companies.models import Company, CompanyMembership
from corporations.models import HostingOffer, Interlocutor, Match, MemberCorporation, Presence
from reference.models import Sector
from sponsors.enums import SponsorKind
from sponsors.models import Advisor, Endorsement, SponsorBody

TEST_PASSWORD = "pacte-test-2026"


def siren_from(number: int) -> str:
    """A valid SIREN: 8 digits from `number`, then its Luhn check digit."""
    base = f"{(12_345_678 + number) % 100_000_000:08d}"
    return base + luhn.calc_check_digit(base)


def sector(code: str) -> Sector:
    """A NAF section or division, as loaded by the data migration."""
    return Sector.objects.get(code=code)


# --- Accounts ------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@pacte-test.example")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    language = "fr"
    is_active = True
    # `make_password`, what `set_password` calls, at build time: one save, not two.
    password = factory.django.Password(TEST_PASSWORD)


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    is_lead = False


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator app (two-factor authentication); its code:
    `accounts.two_factor.current_code(device)`."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Téléphone"
    confirmed = True


# --- Companies and applications -------------------------------------------------------------


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    legal_name = factory.Sequence(lambda n: f"PME Exportatrice {n}")
    siren = factory.Sequence(siren_from)
    # Division 71, "Activités d'architecture et d'ingénierie" (section M), looked up lazily:
    # the sectors exist only once the test database has run its migrations.
    sector = factory.LazyFunction(lambda: sector("71"))
    headcount = Headcount.SMALL
    turnover = TurnoverBand.FROM_2M_TO_10M
    region = "84"  # Auvergne-Rhône-Alpes
    department = "69"  # Rhône
    website = ""
    export_experience = ExportExperience.OCCASIONAL


class CompanyMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyMembership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete draft, ready to be submitted: Hanoi, advice and two hosted desks."""

    class Meta:
        model = Application

    company = factory.SubFactory(CompanyFactory)
    created_by = None
    state = State.DRAFT
    target_country = "VN"
    target_city = "Hanoi"
    wants_advice = True
    wants_hosting = True
    wants_commercial = False
    hosting_desks = 2
    maturity = Maturity.PROSPECTING
    description = (
        "Bureau d'études en environnement : nous voulons suivre les projets de traitement "
        "de l'eau au Vietnam et y installer deux ingénieurs."
    )

    class Params:
        # A draft that cannot be submitted yet: no support kind, no description.
        incomplete = factory.Trait(
            wants_advice=False,
            wants_hosting=False,
            wants_commercial=False,
            hosting_desks=None,
            description="",
        )


# --- Sponsors ------------------------------------------------------------------------------


class SponsorBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SponsorBody

    kind = SponsorKind.CCI
    name = factory.Sequence(lambda n: f"CCI Territoire {n}")
    region = "84"
    departments = factory.LazyFunction(list)
    email = factory.Sequence(lambda n: f"parrainage{n}@cci-test.example")
    is_active = True


class AdvisorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Advisor

    user = factory.SubFactory(UserFactory)
    sponsor_body = factory.SubFactory(SponsorBodyFactory)


# --- Corporations --------------------------------------------------------------------------


class MemberCorporationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberCorporation

    name = factory.Sequence(lambda n: f"Grand Groupe {n}")
    website = ""
    description = ""
    is_active = True


class PresenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Presence
        skip_postgeneration_save = True

    corporation = factory.SubFactory(MemberCorporationFactory)
    country = "VN"
    city = "Hanoi"
    since = None

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)


class InterlocutorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interlocutor
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    corporation = factory.SubFactory(MemberCorporationFactory)
    job_title = "Directeur pays"
    countries = factory.LazyFunction(lambda: ["VN"])
    capacity = 3
    is_active = True

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)


class HostingOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HostingOffer

    corporation = factory.SubFactory(MemberCorporationFactory)
    country = "VN"
    city = "Hanoi"
    desks = 4
    monthly_price = 350
    at_cost = True
    vie_accepted = True
    description = "Plateau de bureaux partagé, accès badge et salle de réunion."


# --- Walking an application through its life -----------------------------------------------

# Each workflow verb, and the texts it is called with unless a test says otherwise.
VERBS = {
    Action.SUBMIT: services.submit,
    Action.ENDORSE: services.endorse,
    Action.DECLINE_ENDORSEMENT: services.decline_endorsement,
    Action.REQUEST_INFORMATION: services.request_information,
    Action.ANSWER_INFORMATION: services.answer_information,
    Action.PROPOSE: services.propose,
    Action.ACCEPT_MATCH: services.accept_match,
    Action.DECLINE_MATCH: services.decline_match,
    Action.REJECT: services.reject,
    Action.WITHDRAW: services.withdraw,
    Action.CLOSE: services.close,
}
DEFAULT_ARGUMENTS = {
    Action.SUBMIT: {},
    Action.ENDORSE: {"note": "Entreprise connue de la CCI, projet sérieux."},
    Action.DECLINE_ENDORSEMENT: {"reason": "Le projet doit d'abord être présenté en comité."},
    Action.REQUEST_INFORMATION: {"question": "Quel budget prévoyez-vous la première année ?"},
    Action.ANSWER_INFORMATION: {"answer": "Environ 150 000 € la première année."},
    Action.PROPOSE: {"note": "Projet cohérent avec vos activités dans le pays."},
    Action.ACCEPT_MATCH: {"note": "Nous recevons la PME dans nos bureaux."},
    Action.DECLINE_MATCH: {"reason": "Pas de bureau disponible cette année."},
    Action.REJECT: {"reason": "Projet hors du champ du programme."},
    Action.WITHDRAW: {"reason": "Projet suspendu par la direction."},
    Action.CLOSE: {"outcome": Outcome.ESTABLISHED, "note": "Bureau ouvert."},
}


def perform(action: Action | str, application_id: int, actor: User, **arguments):
    """Call the verb of `action` with the default texts; `submit` needs `sponsor_body=`,
    `propose` needs `interlocutor=` (an `Interlocutor`, not its user)."""
    action = Action(action)
    return VERBS[action](application_id, actor, **{**DEFAULT_ARGUMENTS[action], **arguments})


# The persona fixture (see tests/conftest.py) entitled to make each move.
ENTITLED_PERSONA = {
    Action.SUBMIT: "sme_user",
    Action.ENDORSE: "advisor",
    Action.DECLINE_ENDORSEMENT: "advisor",
    Action.REQUEST_INFORMATION: "staff_user",
    Action.ANSWER_INFORMATION: "sme_user",
    Action.PROPOSE: "staff_user",
    Action.ACCEPT_MATCH: "interlocutor",
    Action.DECLINE_MATCH: "interlocutor",
    Action.REJECT: "staff_user",
    Action.WITHDRAW: "sme_user",
    Action.CLOSE: "staff_user",
}

# The path taken to reach each state from a complete draft.
PATHS: dict[State, tuple[Action, ...]] = {
    State.DRAFT: (),
    State.AWAITING_SPONSOR: (Action.SUBMIT,),
    State.IN_REVIEW: (Action.SUBMIT, Action.ENDORSE),
    State.AWAITING_INFORMATION: (Action.SUBMIT, Action.ENDORSE, Action.REQUEST_INFORMATION),
    State.PROPOSED: (Action.SUBMIT, Action.ENDORSE, Action.PROPOSE),
    State.ACCOMPANIED: (Action.SUBMIT, Action.ENDORSE, Action.PROPOSE, Action.ACCEPT_MATCH),
    State.CLOSED: (
        Action.SUBMIT,
        Action.ENDORSE,
        Action.PROPOSE,
        Action.ACCEPT_MATCH,
        Action.CLOSE,
    ),
    State.REJECTED: (Action.SUBMIT, Action.ENDORSE, Action.REJECT),
    State.WITHDRAWN: (Action.SUBMIT, Action.ENDORSE, Action.WITHDRAW),
}


def _member_of(company: Company) -> User:
    membership = company.memberships.select_related("user").order_by("pk").first()
    if membership is None:
        membership = CompanyMembershipFactory(company=company)
    return membership.user


def _advisor_of(body: SponsorBody) -> User:
    advisor = body.advisors.select_related("user").order_by("pk").first()
    if advisor is None:
        advisor = AdvisorFactory(sponsor_body=body)
    return advisor.user


def make_application_in(
    state: State | str,
    *,
    application: Application | None = None,
    owner: User | None = None,
    sponsor_body: SponsorBody | None = None,
    advisor: User | None = None,
    staff: User | None = None,
    interlocutor: User | None = None,
    outcome: Outcome = Outcome.ESTABLISHED,
    **fields,
) -> Application:
    """An application brought to `state` by the real services, with real actors.

    Start from `application` (a draft) or a new complete draft built with `fields`. Actors not
    given are found or created: a member of the company, an advisor of `sponsor_body` (a new
    body if none), a staff member, an interlocutor of a corporation present in the target
    country (all users). Pass the persona fixtures to act as them. The path taken is
    `PATHS[state]` (withdrawn and rejected from review). Returns the application as saved.
    """
    state = State(state)
    if application is None:
        application = ApplicationFactory(**fields)
    elif fields:
        raise TypeError("Pass either an application or fields for a new one, not both.")
    if application.created_by is None:
        application.created_by = owner or _member_of(application.company)
        application.save(update_fields=["created_by"])
    owner = owner or application.created_by
    pk = application.pk
    for action in PATHS[state]:
        if action in (Action.SUBMIT, Action.ANSWER_INFORMATION, Action.WITHDRAW):
            actor = owner
        elif action in (Action.ENDORSE, Action.DECLINE_ENDORSEMENT):
            advisor = advisor or _advisor_of(Application.objects.get(pk=pk).sponsor_body)
            actor = advisor
        elif action in (Action.ACCEPT_MATCH, Action.DECLINE_MATCH):
            actor = interlocutor
        else:
            staff = staff or StaffMembershipFactory().user
            actor = staff
        arguments = {}
        if action == Action.SUBMIT:
            sponsor_body = sponsor_body or application.sponsor_body or SponsorBodyFactory()
            arguments["sponsor_body"] = sponsor_body
        elif action == Action.PROPOSE:
            if interlocutor is None:
                presence = PresenceFactory(country=application.target_country)
                interlocutor = InterlocutorFactory(
                    corporation=presence.corporation,
                    countries=[str(application.target_country)],
                ).user
            arguments["interlocutor"] = interlocutor.interlocutor
        elif action == Action.CLOSE:
            arguments["outcome"] = outcome
        perform(action, pk, actor, **arguments)
    application = Application.objects.get(pk=pk)
    assert application.state == state, (application.state, state)
    return application


def snapshot(application: Application) -> dict:
    """Everything a verb may write about an application, to check a refusal wrote nothing."""
    pk = application.pk
    return {
        "application": Application.objects.filter(pk=pk).values().get(),
        "events": list(ApplicationEvent.objects.filter(application_id=pk).order_by("pk").values()),
        "endorsements": list(Endorsement.objects.filter(application_id=pk).order_by("pk").values()),
        "matches": list(Match.objects.filter(application_id=pk).order_by("pk").values()),
        "information_requests": list(
            InformationRequest.objects.filter(application_id=pk).order_by("pk").values()
        ),
    }
