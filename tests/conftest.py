"""Shared fixtures: the personas of the portal, reference data, eager Celery, fast passwords.

Every persona fixture is a `User` (log it in, pass it to a verb as the actor); reach its role
through the usual relations: `advisor.advisor_membership.sponsor_body`,
`interlocutor.interlocutor` (the `Interlocutor` row to pass to `services.propose`).

The story is the one that started the programme: Asconit Consultants (company A, near Lyon)
wants to set up in Hanoi, sponsored by its CCI, accompanied by Alstom. Everyone else is there
to check they see and do nothing of it.
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.test import Client, TestCase
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from applications.models import Document
from pacte.celery import app as celery_app
from reports.models import Export
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
    UserFactory,
    make_application_in,
    sector,
)

# --- Test environment ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the test database is a file of this run's temporary folder, not Django's
    default in-memory database in shared-cache mode.

    The tests of tests/celery run a worker in a thread, with a connection of its own: in
    shared-cache mode a table that one connection writes is locked for the other, which fails
    at once ("database table is locked"), whatever the `timeout` of the settings. Between two
    connections to a file, SQLite's ordinary locks wait for each other as `timeout` says, as
    the web server and the worker do in development. Its own folder for each run (and each
    xdist worker), so that two runs never share it; no sync to the disk, which test data does
    not need.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")
        database["OPTIONS"] = {
            **database.get("OPTIONS", {}),
            "init_command": "PRAGMA synchronous = OFF",
        }


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """The default hasher costs a good fraction of a second per user; tests make many."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_eager():
    """Run tasks in the test's process, their errors raised.

    The Celery app read its configuration once at import, so `settings.CELERY_*` is too late:
    change the app's own conf, and put it back afterwards. Tasks queued with
    `transaction.on_commit` still run only when the callbacks do: wrap the action in
    `django_capture_on_commit_callbacks(execute=True)` to see its mails in `mailoutbox`.
    """
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager = True
    conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits count in the cache: each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in French: a request through LocaleMiddleware leaves its language
    active in the thread, which made a test after an English page read English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- Companies and their users -------------------------------------------------------------


@pytest.fixture
def company(db):
    """Company A: an environmental engineering consultancy in the Rhône (NAF division 71)."""
    return CompanyFactory(
        legal_name="Asconit Consultants", sector=sector("71"), region="84", department="69"
    )


@pytest.fixture
def sme_user(company):
    """The owner of company A."""
    return CompanyMembershipFactory(
        company=company,
        user__email="claire.martin@asconit.example",
        user__first_name="Claire",
        user__last_name="Martin",
    ).user


@pytest.fixture
def other_company(db):
    """Company B, in Brittany: must see nothing of company A."""
    return CompanyFactory(
        legal_name="Hydro Conseil Bretagne", sector=sector("71"), region="53", department="29"
    )


@pytest.fixture
def other_sme_user(other_company):
    return CompanyMembershipFactory(
        company=other_company,
        user__email="yann.le-goff@hydro-conseil.example",
        user__first_name="Yann",
        user__last_name="Le Goff",
    ).user


# --- Sponsors ------------------------------------------------------------------------------


@pytest.fixture
def sponsor_body(db):
    """The CCI company A addresses its applications to; it covers the Rhône and the Loire."""
    return SponsorBodyFactory(
        name="CCI Lyon Métropole Saint-Étienne Roanne", region="84", departments=["69", "42"]
    )


@pytest.fixture
def advisor(sponsor_body):
    """An advisor of `sponsor_body`."""
    return AdvisorFactory(
        sponsor_body=sponsor_body,
        user__email="sophie.bernard@cci-lyon.example",
        user__first_name="Sophie",
        user__last_name="Bernard",
    ).user


@pytest.fixture
def advisor_colleague(sponsor_body):
    """A second advisor of the body company A addresses its applications to."""
    return AdvisorFactory(sponsor_body=sponsor_body, user__email="paul.roche@cci-lyon.example").user


@pytest.fixture
def other_sponsor_body(db):
    return SponsorBodyFactory(kind="cce", name="Comité local CCE Bretagne", region="53")


@pytest.fixture
def other_advisor(other_sponsor_body):
    """An advisor of another body: never sees company A's applications."""
    return AdvisorFactory(
        sponsor_body=other_sponsor_body,
        user__email="erwan.morvan@cce-bretagne.example",
        user__first_name="Erwan",
        user__last_name="Morvan",
    ).user


# --- The association -----------------------------------------------------------------------


# Staff and administrators must use two-factor authentication: these personas have their
# authenticator app, and the test clients' `force_login` passes it (see `TwoFactorClient`).


@pytest.fixture
def staff_user(db):
    """A chargée de mission of the association."""
    user = StaffMembershipFactory(
        user__email="julie.petit@pacte-pme.example",
        user__first_name="Julie",
        user__last_name="Petit",
    ).user
    TOTPDeviceFactory(user=user)
    return user


@pytest.fixture
def staff_colleague(db):
    """A second member of the association's staff."""
    user = StaffMembershipFactory(
        user__email="hugo.leroy@pacte-pme.example",
        user__first_name="Hugo",
        user__last_name="Leroy",
    ).user
    TOTPDeviceFactory(user=user)
    return user


@pytest.fixture
def admin_user(db):
    """A superuser (Django admin); `is_association_staff` holds for it too."""
    user = UserFactory(
        email="admin@pacte-pme.example",
        first_name="Alain",
        last_name="Dmin",
        is_staff=True,
        is_superuser=True,
    )
    TOTPDeviceFactory(user=user)
    return user


@pytest.fixture
def anonymous_user():
    return AnonymousUser()


# --- Corporations --------------------------------------------------------------------------


@pytest.fixture
def alstom(db):
    """Alstom, present in Hanoi (engineering, division 71)."""
    corporation = MemberCorporationFactory(name="Alstom", website="https://www.alstom.com")
    PresenceFactory(corporation=corporation, country="VN", city="Hanoi", sectors=[sector("71")])
    return corporation


@pytest.fixture
def interlocutor(alstom):
    """Alstom's interlocutor covering Vietnam."""
    return InterlocutorFactory(
        corporation=alstom,
        countries=["VN"],
        sectors=[sector("71")],
        job_title="Directeur pays Vietnam",
        user__email="thomas.lambert@alstom.example",
        user__first_name="Thomas",
        user__last_name="Lambert",
    ).user


@pytest.fixture
def other_corporation(db):
    """EDF, present in China only."""
    corporation = MemberCorporationFactory(name="EDF", website="https://www.edf.fr")
    PresenceFactory(corporation=corporation, country="CN", city="Shanghai")
    return corporation


@pytest.fixture
def other_interlocutor(other_corporation):
    """An interlocutor of another corporation: never sees company A's applications."""
    return InterlocutorFactory(
        corporation=other_corporation,
        countries=["CN"],
        user__email="marc.durand@edf.example",
        user__first_name="Marc",
        user__last_name="Durand",
    ).user


# --- Applications --------------------------------------------------------------------------


@pytest.fixture
def draft_application(company, sme_user):
    """A complete draft of company A: Hanoi, advice and two hosted desks."""
    return ApplicationFactory(company=company, created_by=sme_user)


@pytest.fixture
def application_in(company, sme_user, sponsor_body, advisor, staff_user, interlocutor):
    """Make an application of company A in any state, moved there by the personas.

    `application_in(State.PROPOSED)` is submitted by `sme_user` to `sponsor_body`, endorsed
    by `advisor`, proposed by `staff_user` to `interlocutor`. Extra keyword arguments are
    fields of the new draft (or `application=` an existing draft of company A).
    """

    def make(state, application=None, **fields):
        if application is None:
            application = ApplicationFactory(company=company, created_by=sme_user, **fields)
        return make_application_in(
            state,
            application=application,
            owner=sme_user,
            sponsor_body=sponsor_body,
            advisor=advisor,
            staff=staff_user,
            interlocutor=interlocutor,
        )

    return make


class TwoFactorClient(Client):
    """The test client, whose `force_login` also passes the second factor of a user who has
    an authenticator app (django-otp's session key, as `django_otp.login` sets it): tests of
    other things need not know about two-factor authentication. The real step is tested in
    tests/accounts/test_two_factor.py, with a plain `django.test.Client`."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


@pytest.fixture
def client():
    return TwoFactorClient()


class CommittingClient(TwoFactorClient):
    """A test client whose requests run their after-commit callbacks, as a committed request
    does: the outbox relays the mails it wrote, which the eager tasks send at once."""

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture
def committing_client(db):
    return CommittingClient()


@pytest.fixture(autouse=True)
def private_storage(tmp_path):
    """The applications' documents and the exports of lists go to a folder of the test's own,
    not to var/."""
    fields = [Document._meta.get_field("file"), Export._meta.get_field("file")]
    saved = [field.storage for field in fields]
    storage = FileSystemStorage(location=tmp_path / "private", base_url=None)
    for field in fields:
        field.storage = storage
    yield tmp_path / "private"
    for field, storage in zip(fields, saved, strict=True):
        field.storage = storage
