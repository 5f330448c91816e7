"""Security headers and the strict Content-Security-Policy: no inline script or style in any
template or rendered page, the headers on every page, and HTTPS-only in production."""

import importlib.util
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from applications.enums import State
from tests.conftest import TwoFactorClient
from tests.factories import TEST_PASSWORD

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
# Mails are read in mail clients, not under the portal's CSP (and HTML mail needs inline style).
NOT_UNDER_CSP = TEMPLATES_DIR / "emails"

# What a strict CSP (no 'unsafe-inline') refuses to run or apply. Attributes only count inside
# a tag, so that prose such as "style=" in a sentence is not taken for one.
INLINE_CODE = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"<[a-z][^<>]*\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"<[a-z][^<>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}

CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}


def inline_code_in(html: str) -> list[str]:
    """Each piece of inline code in `html`, as "what: the text found"."""
    return [
        f"{what}: {match.group(0)[:80]!r}"
        for what, pattern in INLINE_CODE.items()
        for match in pattern.finditer(html)
    ]


def csp_directives(header: str) -> dict[str, list[str]]:
    # django-csp does not keep the directives in a fixed order.
    directives = [part.split() for part in header.split(";")]
    return {name: sources for name, *sources in directives}


# --- Templates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<script type="module">import "/x.js";</script>',
        "<style>p { color: red }</style>",
        '<div class="alert" style="display:none">',
        '<button type="button"\n        onclick="history.back()">',
        '<body onload="start()">',
        '<a href="javascript:void(0)">',
    ],
)
def test_the_scan_finds_inline_code(html):
    assert len(inline_code_in(html)) == 1


@pytest.mark.parametrize(
    "html",
    [
        "<script src=\"{% static 'vendor/bootstrap/js/bootstrap.bundle.min.js' %}\"></script>",
        '<script\n  src="/static/app.js" defer></script>',
        '<button type="button" data-bs-toggle="collapse" data-bs-target="#menu">',
        "<p>Le style de la page, one=two, onze = 11.</p>",
    ],
)
def test_the_scan_lets_external_code_and_prose_through(html):
    assert inline_code_in(html) == []


def test_no_template_has_inline_script_or_style():
    templates = [
        path
        for path in sorted(TEMPLATES_DIR.rglob("*.html"))
        if not path.is_relative_to(NOT_UNDER_CSP)
    ]
    offences = [
        f"{path.relative_to(TEMPLATES_DIR)}: {offence}"
        for path in templates
        for offence in inline_code_in(path.read_text())
    ]

    assert len(templates) > 50
    assert offences == []


HTMX_CONFIG = re.compile(r"<meta name=\"htmx-config\" content='([^']*)'>")


def test_templates_that_load_htmx_turn_off_its_inline_styles():
    # htmx injects its indicator <style> when it loads unless `includeIndicatorStyles` is
    # false, and runs `hx-on` code and inline scripts unless told not to: a `htmx-config` meta
    # tag says so next to the script that loads it.
    loaders = sorted(
        path
        for path in TEMPLATES_DIR.rglob("*.html")
        if "vendor/htmx/htmx.min.js" in path.read_text()
    )
    configs = {
        path.relative_to(TEMPLATES_DIR): [
            json.loads(config) for config in HTMX_CONFIG.findall(path.read_text())
        ]
        for path in loaders
    }
    safe = [{"includeIndicatorStyles": False, "allowEval": False, "allowScriptTags": False}]

    assert configs
    assert configs == {path: safe for path in configs}


# --- Rendered pages: crispy-forms, widgets and inline SVG add no inline code either --------------


PAGES = {
    None: [
        ("accounts:login", []),
        ("accounts:signup", []),
        ("accounts:password_reset", []),
        ("accounts:resend_verification", []),
        ("home", []),
    ],
    "sme_user": [
        ("applications:dashboard", []),
        ("companies:edit", []),
        ("applications:create", []),
        ("applications:detail", ["draft"]),
        ("applications:edit", ["draft"]),
        ("applications:submit", ["draft"]),
        ("notifications:list", []),
        ("notifications:preferences", []),
        ("accounts:sessions", []),
        ("accounts:two_factor", []),
        ("accounts:two_factor_setup", []),
        ("privacy:overview", []),
        ("reports:export_list", []),
    ],
    "advisor": [
        ("applications:sponsor_queue", []),
        ("applications:detail", ["awaiting_sponsor"]),
    ],
    "staff_user": [
        ("applications:staff_queue", []),
        ("applications:detail", ["in_review"]),
        ("accounts:invitation_create", []),
        ("corporations:list", []),
    ],
    "interlocutor": [
        ("applications:interlocutor_queue", []),
        ("applications:detail", ["proposed"]),
        ("corporations:profile", []),
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "name", "args"),
    [(persona, name, args) for persona, pages in PAGES.items() for name, args in pages],
)
def test_rendered_pages_have_no_inline_script_or_style(request, persona, name, args):
    application_in = request.getfixturevalue("application_in")
    applications = {state: application_in(State(state)) for state in args}
    client = TwoFactorClient()
    if persona is not None:
        client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse(name, args=[applications[state].pk for state in args]))

    assert response.status_code == 200
    assert inline_code_in(response.content.decode()) == []


# --- Headers ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [None, "sme_user"])
def test_pages_carry_the_security_headers(request, persona, draft_application):
    client = TwoFactorClient()
    url = reverse("accounts:login")
    if persona is not None:
        client.force_login(request.getfixturevalue(persona))
        url = reverse("applications:detail", args=[draft_application.pk])

    response = client.get(url)

    assert response.status_code == 200
    assert csp_directives(response.headers["Content-Security-Policy"]) == CSP_DIRECTIVES
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_policy_is_the_one_in_the_settings():
    assert settings.CONTENT_SECURITY_POLICY == {"DIRECTIVES": CSP_DIRECTIVES}


# --- Production: HTTPS only ----------------------------------------------------------------------

PRODUCTION_ENVIRONMENT = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-key-" + "k" * 40,
    "DJANGO_ALLOWED_HOSTS": "portail.example",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://portail.example",
    "PACTE_SITE_URL": "https://portail.example",
}
# Settings an operator may set; production defaults apply without them.
OPERATOR_OVERRIDES = ("DJANGO_SECURE_COOKIES", "DJANGO_SSL_REDIRECT", "DJANGO_HSTS_SECONDS")
HTTPS_SETTINGS = (
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
)


@pytest.fixture
def production(settings, monkeypatch, tmp_path):
    """The HTTPS settings of pacte/settings.py read with a production environment, in force
    for the test (the rest stays the test set-up's: its database, its static files)."""
    for name, value in PRODUCTION_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    for name in OPERATOR_OVERRIDES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PACTE_VAR_DIR", str(tmp_path))
    spec = importlib.util.spec_from_file_location(
        "production_settings", Path(settings.BASE_DIR) / "pacte" / "settings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in HTTPS_SETTINGS:
        setattr(settings, name, getattr(module, name))
    return module


def test_production_redirects_plain_http_to_https(production):
    response = Client().get(reverse("accounts:login"), HTTP_HOST="portail.example")

    assert response.status_code == 301
    assert response.url == "https://portail.example/comptes/connexion/"


@pytest.mark.django_db
def test_production_sends_hsts_and_secure_cookies(production, sme_user):
    client = Client(HTTP_HOST="portail.example")

    page = client.get(reverse("accounts:login"), secure=True)
    login = client.post(
        reverse("accounts:login"),
        {"username": sme_user.email, "password": TEST_PASSWORD},
        secure=True,
    )

    assert production.DEBUG is False
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    csrf_cookie = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf_cookie["secure"] is True
    assert login.status_code == 302
    session_cookie = login.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"] is True
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"
    assert session_cookie["max-age"] == 7200


def test_development_sends_no_hsts():
    # HSTS over plain HTTP would lock a developer's browser out of localhost.
    assert settings.SECURE_HSTS_SECONDS == 0
    assert settings.SECURE_SSL_REDIRECT is False
