"""The URL sweep: every URL of the portal, what each persona gets on it, and two rules that
hold everywhere.

`ACCESS` lists every named URL pattern of the project (Django's admin stands in through its
index, see `SKIPPED`), with the status each persona gets on GET and, for the pages that only
take a POST, on a harmless POST (one that is refused). A new URL without an entry fails
`test_every_url_is_in_the_access_matrix`, naming it: decide who may open it, then add it.

The rules, checked on the matrix (`test_the_matrix_keeps_the_rules`) and on the responses:
- anonymous users are sent to the login page, the page asked for in `next`, on every URL but
  the public ones (`PUBLIC`, each with its reason);
- on a URL that names an object (an application, a document, a notification, a corporation),
  a persona of another organisation gets a 404, never a 403 or a page that confirms it exists.

Objects come in two mirrored sets: organisation A (company A's applications, sponsored by
`sponsor_body`, proposed to Alstom's `interlocutor`) and organisation B (company B's, sponsored
by `other_sponsor_body`, proposed to EDF's `other_interlocutor`). A persona gets on B's object
what its mirror (`sme_user` for `other_sme_user`, and so on) gets on A's.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.enums import Role
from accounts.models import Invitation
from accounts.services import email_verification_token
from applications import services
from applications.enums import State
from corporations.models import Interlocutor
from notifications import services as inbox
from notifications.enums import Kind
from notifications.models import Notification
from reports.enums import ExportFormat, ExportSource, ExportStatus
from reports.models import Export
from tests.applications.test_conversation import pdf
from tests.conftest import TwoFactorClient
from tests.factories import ApplicationFactory, UserFactory, make_application_in
from tests.personas import WITH_ADMIN

PERSONAS = ("anonymous", *WITH_ADMIN)
# The persona of organisation B that stands where each persona of organisation A does.
MIRROR = {
    "sme_user": "other_sme_user",
    "advisor": "other_advisor",
    "interlocutor": "other_interlocutor",
}
MIRROR |= {b: a for a, b in MIRROR.items()}
# Who belongs to the other organisation, for an object of A and of B. The association's staff
# (and administrators, who act as staff) are one organisation that sees both.
OUTSIDERS = {
    "A": ("other_sme_user", "other_advisor", "other_interlocutor"),
    "B": ("sme_user", "advisor", "interlocutor"),
}


@dataclass(frozen=True)
class Redirect:
    """A redirect (302) to the page of this URL name."""

    name: str

    def __repr__(self):
        return f"→{self.name}"


# The portal's login page, with the page asked for as `next`.
LOGIN = Redirect("accounts:login")
# Django's admin has its own login page.
ADMIN_LOGIN = Redirect("admin:login")


def login_page_of(name: str) -> Redirect:
    return ADMIN_LOGIN if name.startswith("admin:") else LOGIN


HOME = Redirect("home")
# The password reset link moves on to the same view, under ".../set-password/".
RESET_FORM = Redirect("accounts:password_reset_confirm")


def everyone(status, *, anonymous=LOGIN, **by_persona) -> dict:
    """The status of every persona: `status` unless told otherwise."""
    unknown = set(by_persona) - set(PERSONAS)
    assert not unknown, unknown
    return {persona: status for persona in PERSONAS} | {"anonymous": anonymous} | by_persona


def everyone_but(owner: str, status) -> dict:
    """Everyone's status but the owner's (whose POST would act, so it is not sent)."""
    return {p: s for p, s in everyone(status).items() if p != owner}


# A POST-only page on an object: anonymous users to the login page, outsiders get a 404.
REFUSED_TO_OUTSIDERS = {"anonymous": LOGIN} | {persona: 404 for persona in OUTSIDERS["A"]}


@dataclass(frozen=True)
class Access:
    """Who gets what on one URL.

    `get`: each persona's result on GET (for a URL naming an object, on organisation A's).
    `kwargs(world, side)`: the URL's arguments, for organisation "A" or "B".
    `names_object`: the arguments name an object of one organisation (the other gets 404).
    `post`: for the pages that take only a POST, the result of a POST by the personas for
    whom it is refused (nothing is written); the others are not sent, it would act.
    """

    get: dict
    kwargs: Callable | None = None
    names_object: bool = False
    post: dict = field(default_factory=dict)

    @property
    def post_only(self) -> bool:
        """A GET is a 405 for everyone logged in (before the page looks at anything)."""
        return {status for persona, status in self.get.items() if persona != "anonymous"} == {405}


# --- The objects the URLs name -------------------------------------------------------------


class World:
    """The objects of organisations A and B, made when a URL needs them."""

    def __init__(self, request):
        self.request = request
        self._made: dict = {}

    def persona(self, name: str):
        return self.request.getfixturevalue(name)

    def _once(self, key, make):
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    def owner(self, side: str):
        return self.persona("sme_user" if side == "A" else "other_sme_user")

    def proposed(self, side: str):
        """An application proposed to the interlocutor of the side's corporation: its SME,
        its sponsor's advisor, the staff and that interlocutor all see it."""

        def make():
            if side == "A":
                return self.persona("application_in")(State.PROPOSED)
            owner = self.owner("B")
            return make_application_in(
                State.PROPOSED,
                application=ApplicationFactory(
                    company=self.persona("other_company"),
                    created_by=owner,
                    target_country="CN",
                    target_city="Shanghai",
                ),
                owner=owner,
                sponsor_body=self.persona("other_sponsor_body"),
                advisor=self.persona("other_advisor"),
                staff=self.persona("staff_user"),
                interlocutor=self.persona("other_interlocutor"),
            )

        return self._once(("proposed", side), make)

    def draft(self, side: str):
        """A draft: only its SME sees it."""
        company = self.persona("company" if side == "A" else "other_company")
        return self._once(
            ("draft", side),
            lambda: ApplicationFactory(company=company, created_by=self.owner(side)),
        )

    def document(self, side: str):
        application = self.proposed(side)
        return self._once(
            ("document", side),
            lambda: services.attach_document(
                application.pk, self.owner(side), kind="kbis", upload=pdf("kbis.pdf")
            ),
        )

    def notification(self, side: str):
        application = self.proposed(side)
        return self._once(
            ("notification", side),
            lambda: Notification.objects.create(
                user=self.owner(side),
                kind=Kind.DECISION,
                application=application,
                source="sweep:1",
                title="Votre demande est proposée à un grand groupe.",
                url=application.get_absolute_url(),
            ),
        )

    def export(self, side: str):
        """A ready export of the side's SME owner: theirs alone, staff included."""

        def make():
            export = Export.objects.create(
                user=self.owner(side),
                source=ExportSource.DASHBOARD,
                format=ExportFormat.CSV,
                status=ExportStatus.READY,
                rows=0,
            )
            export.file.save("export.csv", ContentFile(b"\xef\xbb\xbfR\xc3\xa9f\xc3\xa9rence\r\n"))
            return export

        return self._once(("export", side), make)

    def corporation(self, side: str):
        """Alstom (A) or EDF (B), whose interlocutor keeps its presences and offers."""
        interlocutor = self.persona("interlocutor" if side == "A" else "other_interlocutor")
        Interlocutor.objects.filter(user=interlocutor).update(is_coordinator=True)
        return self.persona("alstom" if side == "A" else "other_corporation")

    def forgetful_user(self):
        """Someone who asked for a new password: not a persona, whose logins here would
        use up the link (its token depends on the last login)."""
        return self._once("forgetful", lambda: UserFactory(email="oubli@asconit.example"))

    def newcomer(self):
        """Someone who signed up and has not opened the verification link yet."""
        return self._once(
            "newcomer",
            lambda: UserFactory(email="nouvelle.pme@exemple.example", is_active=False),
        )

    def invitation(self):
        """Company A's owner invites a colleague."""
        return self._once(
            "invitation",
            lambda: Invitation.objects.create(
                email="nouveau.collegue@asconit.example",
                first_name="Léa",
                last_name="Garnier",
                role=Role.COMPANY,
                company=self.persona("company"),
                invited_by=self.owner("A"),
            ),
        )


def uidb64(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def application_of(kind: str = "proposed"):
    """The URL's arguments: the side's application of this kind (`World.proposed`, `.draft`)."""
    return lambda w, side: {"pk": getattr(w, kind)(side).pk}


def export_as(format: str = "csv"):
    """The URL's arguments of a list's export: the file's format."""
    return lambda w, side: {"format": format}


# --- The matrix ------------------------------------------------------------------------------

SKIPPED = {
    "admin": (
        "Django's admin: its own login and its model permissions (is_staff), tested in "
        "tests/accounts/test_admin.py; its index stands for it here, for administrators only."
    ),
}

PUBLIC = {
    "home": "the front page of the programme; logged-in people are sent to their own page",
    "accounts:signup": "an SME's sign-up",
    "accounts:signup_done": "after the sign-up: check your mail",
    "accounts:resend_verification": "asks for a new verification link",
    "accounts:verify_email": "the verification link of the sign-up mail (its token)",
    "accounts:login": "the login page",
    "accounts:logout": "logging out needs no login (and takes only a POST)",
    "accounts:password_reset": "a forgotten password",
    "accounts:password_reset_done": "after asking for a reset: check your mail",
    "accounts:password_reset_confirm": "the link of the reset mail (its token)",
    "accounts:password_reset_complete": "after the new password",
    "accounts:invitation_accept": "an invitation's link (its token): no account yet",
    "notifications:unsubscribe": "the digest's link (signed), opened from a mail client (RFC 8058)",
    "set_language": "choosing the language, before logging in too",
    "privacy:retention": "what the portal keeps and for how long, to read before signing up",
    "reports:programme": "the programme explained, with its live figures (counts only)",
    "reports:corporations": "the member corporations and their countries (no person named)",
}

ACCESS: dict[str, Access] = {
    # --- Public pages
    "home": Access(
        get=everyone(
            Redirect("applications:staff_queue"),
            anonymous=200,
            sme_user=Redirect("applications:dashboard"),
            other_sme_user=Redirect("applications:dashboard"),
            advisor=Redirect("applications:sponsor_queue"),
            other_advisor=Redirect("applications:sponsor_queue"),
            interlocutor=Redirect("applications:interlocutor_queue"),
            other_interlocutor=Redirect("applications:interlocutor_queue"),
        ),
    ),
    "accounts:signup": Access(get=everyone(HOME, anonymous=200)),
    "accounts:signup_done": Access(get=everyone(200, anonymous=200)),
    "accounts:resend_verification": Access(get=everyone(200, anonymous=200)),
    "accounts:verify_email": Access(
        # A page with a button (mail scanners that open links must not use them up).
        get=everyone(200, anonymous=200),
        kwargs=lambda w, side: {
            "uidb64": uidb64(w.newcomer()),
            "token": email_verification_token.make_token(w.newcomer()),
        },
    ),
    "accounts:login": Access(get=everyone(HOME, anonymous=200)),
    "accounts:logout": Access(get=everyone(405, anonymous=405)),
    "accounts:password_reset": Access(get=everyone(200, anonymous=200)),
    "accounts:password_reset_done": Access(get=everyone(200, anonymous=200)),
    "accounts:password_reset_confirm": Access(
        # The mail's link: Django keeps the token in the session and hides it from the URL.
        get=everyone(RESET_FORM, anonymous=RESET_FORM),
        kwargs=lambda w, side: {
            "uidb64": uidb64(w.forgetful_user()),
            "token": default_token_generator.make_token(w.forgetful_user()),
        },
    ),
    "accounts:password_reset_complete": Access(get=everyone(200, anonymous=200)),
    "accounts:invitation_accept": Access(
        get=everyone(200, anonymous=200),
        kwargs=lambda w, side: {"token": w.invitation().token},
    ),
    "notifications:unsubscribe": Access(
        get=everyone(200, anonymous=200),
        kwargs=lambda w, side: {"token": inbox.unsubscribe_token(w.persona("sme_user"))},
    ),
    "set_language": Access(get=everyone(Redirect("home"), anonymous=Redirect("home"))),
    # --- Two-factor authentication (anyone may turn it on; staff and administrators must)
    "accounts:two_factor": Access(get=everyone(200)),
    "accounts:two_factor_setup": Access(get=everyone(200)),
    # A verified session (or one without a device) goes on to the home page.
    "accounts:two_factor_verify": Access(get=everyone(HOME)),
    # The codes are shown once, just after they are made; otherwise back to the status page.
    "accounts:two_factor_recovery_codes": Access(get=everyone(Redirect("accounts:two_factor"))),
    "accounts:two_factor_regenerate_codes": Access(
        # No recovery codes without an authenticator app: sme_user has none.
        get=everyone(405),
        post={"anonymous": LOGIN, "sme_user": 403},
    ),
    # Those who must keep it may not turn it off; for the others, nothing to turn off.
    "accounts:two_factor_disable": Access(
        get=everyone(Redirect("accounts:two_factor"), staff_user=403, admin_user=403)
    ),
    # --- The account's settings (its language): everyone logged in sees theirs
    "accounts:account": Access(get=everyone(200)),
    # --- Sessions: everyone logged in sees theirs and may end them all (a POST that acts)
    "accounts:sessions": Access(get=everyone(200)),
    "accounts:logout_everywhere": Access(get=everyone(405), post={"anonymous": LOGIN}),
    # --- Login lockouts (django-axes), lifted by the association's staff
    "accounts:lockout_list": Access(get=everyone(403, staff_user=200, admin_user=200)),
    "accounts:lockout_unlock": Access(
        get=everyone(405),
        post={"anonymous": LOGIN, "sme_user": 403, "advisor": 403, "interlocutor": 403},
    ),
    # --- Invitations (the association invites; SMEs invite colleagues from their page)
    "accounts:invitation_create": Access(get=everyone(403, staff_user=200, admin_user=200)),
    # --- The SME's company and applications
    "applications:dashboard": Access(get=everyone(HOME, sme_user=200, other_sme_user=200)),
    # Every persona already belongs to an organisation.
    "companies:create": Access(get=everyone(HOME)),
    "companies:edit": Access(get=everyone(HOME, sme_user=200, other_sme_user=200)),
    "companies:invite": Access(
        # Someone without a company has no colleague to invite.
        get=everyone(405),
        post={"anonymous": LOGIN, "advisor": 403, "staff_user": 403},
    ),
    "applications:create": Access(get=everyone(403, sme_user=200, other_sme_user=200)),
    "applications:detail": Access(
        get=everyone(200, other_sme_user=404, other_advisor=404, other_interlocutor=404),
        kwargs=application_of(),
        names_object=True,
    ),
    # The PDF of the application: to whoever sees its page.
    "applications:pdf": Access(
        get=everyone(200, other_sme_user=404, other_advisor=404, other_interlocutor=404),
        kwargs=application_of(),
        names_object=True,
    ),
    "applications:edit": Access(
        get=everyone(404, sme_user=200), kwargs=application_of("draft"), names_object=True
    ),
    "applications:submit": Access(
        get=everyone(404, sme_user=200), kwargs=application_of("draft"), names_object=True
    ),
    "applications:delete": Access(
        get=everyone(405),
        kwargs=application_of("draft"),
        names_object=True,
        post=everyone_but("sme_user", 404),
    ),
    "applications:action": Access(
        get=everyone(405),
        kwargs=lambda w, side: {"pk": w.proposed(side).pk, "action": "withdraw"},
        names_object=True,
        post=REFUSED_TO_OUTSIDERS,
    ),
    "applications:assign_owner": Access(
        get=everyone(405),
        kwargs=application_of(),
        names_object=True,
        post=REFUSED_TO_OUTSIDERS,
    ),
    "applications:message_post": Access(
        get=everyone(405),
        kwargs=application_of(),
        names_object=True,
        post=REFUSED_TO_OUTSIDERS,
    ),
    "applications:document_upload": Access(
        get=everyone(405),
        kwargs=application_of(),
        names_object=True,
        # Those who see the application but may not attach documents to it: a 403.
        post=REFUSED_TO_OUTSIDERS | {"advisor": 403, "staff_user": 403, "interlocutor": 403},
    ),
    "applications:document": Access(
        get=everyone(200, other_sme_user=404, other_advisor=404, other_interlocutor=404),
        kwargs=lambda w, side: {"pk": w.proposed(side).pk, "document_pk": w.document(side).pk},
        names_object=True,
    ),
    # --- The queues of each role
    "applications:sponsor_queue": Access(get=everyone(403, advisor=200, other_advisor=200)),
    "applications:staff_queue": Access(get=everyone(403, staff_user=200, admin_user=200)),
    "applications:interlocutor_queue": Access(
        get=everyone(403, interlocutor=200, other_interlocutor=200)
    ),
    # --- Corporations
    "corporations:list": Access(get=everyone(403, staff_user=200, admin_user=200)),
    "corporations:profile": Access(get=everyone(403, interlocutor=200, other_interlocutor=200)),
    "corporations:corporation_edit": Access(
        get=everyone(404, interlocutor=200, staff_user=200, admin_user=200),
        kwargs=lambda w, side: {"slug": w.corporation(side).slug},
        names_object=True,
    ),
    # --- Figures: staff the programme's, an advisor their body's, a coordinator their
    # corporation's (the dashboard sends a coordinator there; a plain interlocutor gets a 403).
    "reports:dashboard": Access(
        get=everyone(403, staff_user=200, admin_user=200, advisor=200, other_advisor=200)
    ),
    "reports:corporation": Access(
        get=everyone(404, interlocutor=200, staff_user=200, admin_user=200),
        kwargs=lambda w, side: {"slug": w.corporation(side).slug},
        names_object=True,
    ),
    # --- Notifications (each person's own)
    "notifications:list": Access(get=everyone(200)),
    "notifications:preferences": Access(get=everyone(200)),
    "notifications:mark_all_read": Access(get=everyone(405), post={"anonymous": LOGIN}),
    # A group of one's own list (a day and an application, posted): nothing names another's.
    "notifications:mark_group_read": Access(get=everyone(405), post={"anonymous": LOGIN}),
    "notifications:open": Access(
        get=everyone(405),
        kwargs=lambda w, side: {"pk": w.notification(side).pk},
        names_object=True,
        post=everyone_but("sme_user", 404),
    ),
    # --- Personal data: each person's own, found from the session (no id to tamper with)
    "privacy:overview": Access(get=everyone(200)),
    "privacy:export": Access(get=everyone(200)),
    # The page says whether the account may be deleted (the last member of a company with
    # applications under way may not); the deletion itself is a POST with the password.
    "privacy:delete_account": Access(get=everyone(200)),
    "privacy:retention": Access(get=everyone(200, anonymous=200)),
    # --- The programme's public pages
    "reports:programme": Access(get=everyone(200, anonymous=200)),
    "reports:corporations": Access(get=everyone(200, anonymous=200)),
    # --- Exports of lists of applications: each list's with the rule of its page (a short
    # list is sent at once); "Mes exports" is each person's own, a file its owner's only.
    "reports:export_list": Access(get=everyone(200)),
    "reports:export_download": Access(
        get=everyone(404, sme_user=200),
        kwargs=lambda w, side: {"pk": w.export(side).pk},
        names_object=True,
    ),
    "reports:export_dashboard": Access(
        get=everyone(403, sme_user=200, other_sme_user=200), kwargs=export_as()
    ),
    "reports:export_sponsor_queue": Access(
        get=everyone(403, advisor=200, other_advisor=200), kwargs=export_as()
    ),
    "reports:export_staff_queue": Access(
        get=everyone(403, staff_user=200, admin_user=200), kwargs=export_as()
    ),
    "reports:export_interlocutor_queue": Access(
        get=everyone(403, interlocutor=200, other_interlocutor=200), kwargs=export_as()
    ),
    # --- Django's admin
    "admin:index": Access(
        get=everyone(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, admin_user=200),
    ),
}


# --- Walking the URLconf ----------------------------------------------------------------------


def project_url_names() -> dict[str, str]:
    """Every named pattern of the project, namespaced ("applications:detail"), with its
    route; admin's own patterns are left to `admin:index` (see SKIPPED)."""
    names: dict[str, str] = {}
    unnamed: list[str] = []

    def walk(patterns, namespace: str, prefix: str):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner, route)
            elif isinstance(pattern, URLPattern):
                if pattern.name is None:
                    unnamed.append(route)
                else:
                    names[namespace + pattern.name] = route

    walk(get_resolver().url_patterns, "", "/")
    skipped = tuple(f"{namespace}:" for namespace in SKIPPED)
    assert [route for route in unnamed if not route.startswith("/admin/")] == [], (
        "Give these URL patterns a name, then an entry in ACCESS"
    )
    return {
        name: route
        for name, route in names.items()
        if not name.startswith(skipped) or name == "admin:index"
    }


def test_every_url_is_in_the_access_matrix():
    urls = project_url_names()

    missing = {name: route for name, route in urls.items() if name not in ACCESS}
    assert missing == {}, (
        "These URLs are not in the access matrix of tests/test_url_sweep.py: say who may "
        f"open them (ACCESS), and why if anonymous users may (PUBLIC): {missing}"
    )
    assert sorted(set(ACCESS) - set(urls)) == [], "Entries for URLs that no longer exist"


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_the_matrix_keeps_the_rules(name):
    access = ACCESS[name]

    assert set(access.get) == set(PERSONAS)
    if name in PUBLIC:
        assert PUBLIC[name].strip()
        assert access.get["anonymous"] != LOGIN
    else:
        assert access.get["anonymous"] == login_page_of(name)
        if access.post_only:  # the POST is checked too
            assert access.post["anonymous"] == login_page_of(name)
    if access.names_object:
        assert access.kwargs is not None
        for outsider in OUTSIDERS["A"]:
            if access.post_only:
                assert access.post[outsider] == 404, outsider
            else:
                assert access.get[outsider] == 404, outsider


# --- Asking the portal -----------------------------------------------------------------------


def mirror(persona: str, side: str) -> str:
    """On B's object, a persona gets what its mirror gets on A's."""
    return MIRROR.get(persona, persona) if side == "B" else persona


def result(response, path: str):
    """A status, or the page a redirect leads to (the login page only with `next`)."""
    if response.status_code not in (301, 302):
        return response.status_code
    location = urlsplit(response["Location"])
    target = resolve(location.path).view_name
    if target in ("accounts:login", "admin:login"):
        if parse_qs(location.query).get("next") != [path]:
            return Redirect(f"{target} without next={path}")
    return Redirect(target)


class Personas:
    """A logged-in test client per persona (the second factor passed for those who have one),
    made once per test."""

    def __init__(self, world: World):
        self.world = world
        self._clients: dict = {}

    def client(self, persona: str) -> TwoFactorClient:
        if persona not in self._clients:
            client = TwoFactorClient()
            if persona != "anonymous":
                client.force_login(self.world.persona(persona))
            self._clients[persona] = client
        return self._clients[persona]

    def ask(self, persona: str, method: str, path: str):
        response = getattr(self.client(persona), method)(path)
        if response.streaming:
            # Read to the end: the test client then closes the file (a document, an archive),
            # keeping the test's database connection open (`response.close()` would not).
            b"".join(response.streaming_content)
        return result(response, path)


@pytest.fixture
def world(request, db) -> World:
    return World(request)


def url_of(name: str, world: World, side: str = "A") -> str:
    access = ACCESS[name]
    return reverse(name, kwargs=access.kwargs(world, side) if access.kwargs else None)


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_each_persona_gets_what_the_matrix_says(name, world):
    access = ACCESS[name]
    personas = Personas(world)
    sides = ("A", "B") if access.names_object else ("A",)
    expected, actual = {}, {}

    for side in sides:
        path = url_of(name, world, side)
        for persona in PERSONAS:
            expected[side, "get", persona] = access.get[mirror(persona, side)]
            actual[side, "get", persona] = personas.ask(persona, "get", path)
        for persona, status in access.post.items():
            persona = mirror(persona, side)
            expected[side, "post", persona] = status
            actual[side, "post", persona] = personas.ask(persona, "post", path)

    wrong = {
        key: f"{got!r}, expected {expected[key]!r}"
        for key, got in actual.items()
        if got != expected[key]
    }
    assert wrong == {}


@pytest.mark.parametrize("name", sorted(set(ACCESS) - set(PUBLIC)))
def test_anonymous_users_are_sent_to_login(name, world):
    path = url_of(name, world)
    personas = Personas(world)

    assert personas.ask("anonymous", "get", path) == login_page_of(name)
    assert personas.ask("anonymous", "post", path) == login_page_of(name)


@pytest.mark.parametrize("name", sorted(n for n, a in ACCESS.items() if a.names_object))
def test_another_organisation_gets_404(name, world):
    personas = Personas(world)
    results = {}

    # A page that takes only a POST answers a GET with 405 before it looks: POST to it.
    method = "post" if ACCESS[name].post_only else "get"
    for side in ("A", "B"):
        path = url_of(name, world, side)
        for outsider in OUTSIDERS[side]:
            results[outsider, f"on the object of {side}"] = personas.ask(outsider, method, path)

    assert set(results.values()) == {404}, results


def test_a_document_asked_through_ones_own_application_is_still_a_404(world):
    """The document's id is checked against the application in the URL: B's owner cannot
    fetch A's document through B's application."""
    own, others_document = world.proposed("B"), world.document("A")
    personas = Personas(world)

    path = reverse("applications:document", args=[own.pk, others_document.pk])

    assert personas.ask("other_sme_user", "get", path) == 404


# --- What every response says about caching ---------------------------------------------------


def stored_by_caches(response) -> bool:
    """Whether a cache (the browser's, a proxy's) may keep the response."""
    directives = {
        d.strip().split("=")[0].lower() for d in response.get("Cache-Control", "").split(",")
    }
    return "no-store" not in directives


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_no_response_to_a_logged_in_user_or_download_is_stored(name, world):
    """Every response to someone logged in, and every file download, says `no-store`: a
    shared computer's browser cache or a proxy keeps nothing of a person's pages or files."""
    access = ACCESS[name]
    personas = Personas(world)
    path = url_of(name, world)
    stored = {}

    for persona in PERSONAS:
        response = personas.client(persona).get(path)
        if response.streaming:
            b"".join(response.streaming_content)
        download = response.get("Content-Disposition", "").startswith("attachment")
        if (persona != "anonymous" or download) and stored_by_caches(response):
            stored[persona, "get"] = response.get("Cache-Control")
    for persona in access.post:
        response = personas.client(persona).post(path)
        if persona != "anonymous" and stored_by_caches(response):
            stored[persona, "post"] = response.get("Cache-Control")

    assert stored == {}


# --- Malformed parameters: a 404 or a 400, never a 500 ----------------------------------------

# A NUL byte (PostgreSQL refuses it in text), an integer beyond 64 bits (beyond bigint), and a
# byte that is not UTF-8.
MALFORMED = {"nul": "%00", "huge integer": "9" * 30, "not utf-8": "%FF", "control": "a%01b"}
# The query parameters the portal's pages read (filters, pagination, the next page).
QUERY_PARAMETERS = (
    "page",
    "next",
    "tous",
    "state",
    "country",
    "sector",
    "sponsor_body",
    "sort",
    "mine",
    "start",
    "end",
    "owner",
    "q",
)
CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def route_with(name: str, world: World, probe: str | None = None, value: str = "") -> str:
    """The URL of `name` from its route, each parameter its valid value (for A) but the one
    named `probe`, which gets `value` as it is (already percent-encoded)."""
    route = project_url_names()[name]
    access = ACCESS[name]
    kwargs = access.kwargs(world, "A") if access.kwargs else {}

    def argument(match):
        if match["name"] == probe:
            return value
        return quote(str(kwargs[match["name"]]), safe="")

    return CONVERTER.sub(argument, route)


def malformed_urls(name: str, world: World) -> dict[str, str]:
    """`name`'s URL with each malformed value in each parameter, and in the query string."""
    route = project_url_names()[name]
    urls = {}
    for what, value in MALFORMED.items():
        for match in CONVERTER.finditer(route):
            urls[f"{what} in <{match['name']}>"] = route_with(name, world, match["name"], value)
        query = "&".join(f"{parameter}={value}" for parameter in QUERY_PARAMETERS)
        urls[f"{what} in the query string"] = f"{route_with(name, world)}?{query}"
    return urls


def first_admitted(name: str) -> str:
    """A logged-in persona that gets the page itself (or the SME owner if nobody does)."""
    access = ACCESS[name]
    return next((p for p in PERSONAS if p != "anonymous" and access.get[p] == 200), "sme_user")


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_malformed_parameters_are_a_404_or_a_400(name, world):
    personas = Personas(world)
    answers = {}

    for persona in ("anonymous", first_admitted(name)):
        client = personas.client(persona)
        client.raise_request_exception = False
        for what, url in malformed_urls(name, world).items():
            for method in ("get", "post") if ACCESS[name].post_only else ("get",):
                response = getattr(client, method)(url)
                if response.streaming:
                    b"".join(response.streaming_content)
                answers[persona, method, what] = response.status_code

    # A value no URL of the portal can hold is refused before any view looks at it: a 404 in
    # the path, a 400 in the query string. A huge integer is a well-formed value that names
    # nothing: whatever the page says about a missing object, never a 500.
    expected = {
        key: 404 if "<" in key[2] else 400
        for key in answers
        if not key[2].startswith("huge integer")
    }
    assert {key: answers[key] for key in expected} == expected
    assert {key: s for key, s in answers.items() if s >= 500} == {}
