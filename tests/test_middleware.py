"""The portal-wide rules of pacte/middleware.py: the largest request body, caching of private
responses, and the browser features denied. (Malformed URLs and Cache-Control are also swept
over every URL pattern in tests/test_url_sweep.py.)"""

import socket
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from applications import services
from tests.applications.test_conversation import pdf

pytestmark = pytest.mark.django_db

TWO_GIGABYTES = "2000000000"


# --- The largest request body ------------------------------------------------------------------


def test_the_body_limit_is_the_most_files_one_form_sends_and_its_fields():
    # Five attachments of 10 MiB, and the 2.5 MiB Django allows the other fields.
    assert settings.DOCUMENT_MAX_PER_REQUEST == 5
    assert settings.REQUEST_BODY_MAX_BYTES == (
        5 * settings.DOCUMENT_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )
    assert settings.REQUEST_BODY_MAX_BYTES == 55_050_240


def test_a_body_declared_at_two_gigabytes_is_a_413_without_being_read(client):
    # The test client's body holds 5 bytes: reading it as 2 GB would fail loudly.
    started = time.monotonic()

    response = client.generic(
        "POST",
        reverse("accounts:login"),
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=TWO_GIGABYTES,
    )

    assert response.status_code == 413
    assert time.monotonic() - started < 1
    page = response.content.decode()
    assert "Envoi trop volumineux" in page
    assert "le portail accepte au plus 52 Mo à la fois" in page
    assert 'href="/"' in page


def test_the_413_page_is_in_english_for_whoever_chose_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.generic("POST", reverse("accounts:login"), b"x", CONTENT_LENGTH=TWO_GIGABYTES)

    assert response.status_code == 413
    assert "Upload too large" in response.content.decode()


def test_a_body_up_to_the_limit_goes_through_one_byte_more_does_not(client):
    limit = settings.REQUEST_BODY_MAX_BYTES
    url = reverse("reports:programme")  # a GET: the page never reads the body

    at_limit = client.generic("GET", url, b"x", CONTENT_LENGTH=str(limit))
    over = client.generic("GET", url, b"x", CONTENT_LENGTH=str(limit + 1))

    assert (at_limit.status_code, over.status_code) == (200, 413)


@pytest.mark.parametrize("declared", ["-1", "abc", "1e9", "+12", "１２"])
def test_a_content_length_that_is_not_a_number_is_a_400(client, declared):
    response = client.generic("POST", reverse("accounts:login"), b"x", CONTENT_LENGTH=declared)

    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()


# The live server commits: the database is emptied after the test and, serialized, given back
# (as the other live-server tests do), so that a later test that restores the serialized
# database does not meet the content types a flush would have written again.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_server_answers_413_at_once_to_a_huge_declared_body(live_server):
    """Measured before the fix: the worker kept reading what the client said it would send.
    Here the client sends a few bytes of a 2 GB body and keeps the connection open; the
    status line must come back within two seconds (the timeout fails the test, not hang)."""
    address = urlsplit(live_server.url)
    request = (
        b"POST /comptes/connexion/ HTTP/1.1\r\n"
        b"Host: localhost\r\n"
        b"Content-Type: multipart/form-data; boundary=x\r\n"
        b"Content-Length: " + TWO_GIGABYTES.encode() + b"\r\n"
        # A well-formed CSRF cookie: the check would then read the form for its token.
        b"Cookie: csrftoken=" + b"a" * 32 + b"\r\n"
        b"\r\n"
        b'--x\r\nContent-Disposition: form-data; name="username"\r\n\r\n'
    )
    with socket.create_connection((address.hostname, address.port), timeout=2) as connection:
        connection.sendall(request)
        status_line = connection.makefile("rb").readline()

    assert status_line.split(b" ", 2)[:2] == [b"HTTP/1.1", b"413"]


# --- What caches may keep --------------------------------------------------------------------


NO_STORE = {"no-store", "no-cache", "must-revalidate", "private", "max-age=0"}


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize(
    "name", ["reports:programme", "reports:corporations", "privacy:retention", "home"]
)
def test_public_pages_stay_cacheable_for_anonymous_visitors(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert "no-store" not in cache_control(response)


def test_a_public_page_is_not_stored_once_logged_in(client, sme_user):
    client.force_login(sme_user)

    response = client.get(reverse("reports:programme"))

    assert response.status_code == 200
    assert cache_control(response) == NO_STORE


def test_a_document_download_is_not_stored(client, sme_user, application_in):
    application = application_in("proposed")
    document = services.attach_document(
        application.pk, sme_user, kind="kbis", upload=pdf("kbis.pdf")
    )
    client.force_login(sme_user)

    response = client.get(reverse("applications:document", args=[application.pk, document.pk]))
    b"".join(response.streaming_content)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert cache_control(response) == NO_STORE


# --- Permissions-Policy ------------------------------------------------------------------------

# Nothing in static/js (nor the vendored Bootstrap, HTMX) asks for any of these.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), "
    "display-capture=(), encrypted-media=(), fullscreen=(), gamepad=(), geolocation=(), "
    "gyroscope=(), hid=(), idle-detection=(), local-fonts=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), picture-in-picture=(), "
    "publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), "
    "xr-spatial-tracking=()"
)


def test_every_response_denies_the_features_the_portal_never_uses(client, sme_user):
    anonymous = client.get(reverse("accounts:login"))
    missing = client.get("/nulle-part/")
    client.force_login(sme_user)
    logged_in = client.get(reverse("applications:dashboard"))

    policies = {r.get("Permissions-Policy") for r in (anonymous, missing, logged_in)}
    assert policies == {PERMISSIONS_POLICY}
