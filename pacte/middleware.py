"""What every response of the portal says, whatever the view: the size of body it accepts,
what caches may keep, the browser features it denies, and the pages of its errors.

Each class is one rule; `settings.MIDDLEWARE` says where each one sits and why.
"""

import re
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class RequestBodyLimit:
    """A request whose body is larger than the largest legitimate one
    (`REQUEST_BODY_MAX_BYTES`, the most files one form sends) is answered 413 at once, before
    anything reads it; a `Content-Length` that is not a number is a 400.

    First in MIDDLEWARE: the CSRF check, the sessions and the forms would otherwise start
    reading a body declared at 2 GB, and two such requests hold a two-worker portal. A body
    longer than declared is no risk: Django's request never reads more than `CONTENT_LENGTH`
    bytes (its `LimitedStream`), and a body without one (chunked) is read as empty. The proxy
    in front refuses the same bodies before they reach a worker (README, production).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH", "").strip()
        if declared:
            if not (declared.isascii() and declared.isdigit()):
                return refusal(request, 400)
            if int(declared) > settings.REQUEST_BODY_MAX_BYTES:
                return refusal(request, 413)
        return self.get_response(request)


def refusal(request, status: int) -> HttpResponse:
    """The page of a request refused before the sessions and LocaleMiddleware: in the
    language of the cookie or the browser, stand-alone (no user, no database)."""
    with translation.override(translation.get_language_from_request(request)):
        if status == 413:
            title = _("Envoi trop volumineux")
            message = _(
                "Votre envoi est trop volumineux : le portail accepte au plus %(limit)s Mo à "
                "la fois. Envoyez moins de fichiers, ou des fichiers plus petits."
            ) % {"limit": settings.REQUEST_BODY_MAX_BYTES // (1024 * 1024)}
        else:
            title = _("Requête incorrecte")
            message = _("La taille annoncée de la requête n'est pas un nombre.")
        content = render_to_string(
            "error_bare.html", {"status": status, "title": title, "message": message}
        )
    return HttpResponse(content, status=status)


def is_download(response) -> bool:
    """A file to save (a document, a PDF, an export, the data archive), as its
    Content-Disposition says."""
    return response.get("Content-Disposition", "").lower().startswith("attachment")


class PrivateResponsesNotStored:
    """Every response to a logged-in user, and every download wherever the user is, says
    `Cache-Control: no-store` (with `private`, `no-cache`, `max-age=0`): neither the browser's
    cache on a shared computer nor a proxy keeps a person's pages or files. Anonymous public
    pages keep their headers. Headers a view set are merged, never loosened.

    Near the top of MIDDLEWARE so that it sees the last word of every response (a CSRF
    refusal, a lockout page, the two-factor redirect); `request.user` is there once
    AuthenticationMiddleware has run.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or is_download(response):
            add_never_cache_headers(response)
        return response


# Every feature the portal never uses, denied to its pages and anything they could embed
# (ASVS 5.0, V3.4): no camera, microphone or location, no payment, no device access, no
# interest-based advertising. None of static/js (nor the vendored scripts) asks for one.
# Only features Chromium knows: an unknown one is an error in every page's console.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicy:
    """`Permissions-Policy` on every response: the features the portal never uses, denied."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# Control characters: none belongs in a path; in a query string, only the tab and the line
# breaks a text field could hold.
PATH_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
QUERY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class MalformedURLRefused:
    """A path or a query string that is not UTF-8, or holds a NUL byte or another control
    character, is refused before any view sees it: a 404 for the path (no page has such a
    name), a 400 for the query string. Without it, a NUL byte reaches PostgreSQL, which
    refuses it in text (a 500), and a stray byte is silently replaced.

    After AuthenticationMiddleware and LocaleMiddleware, so that the error page is in the
    person's language with their navigation; nothing before it looks the path up.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Django re-escapes the bytes of the path that are not UTF-8 ("%FF"): a "%" left in
        # it is one of them, or a literal percent sign, which no URL of the portal holds.
        if "%" in request.path_info or PATH_CONTROL.search(request.path_info):
            raise Http404
        query = request.META.get("QUERY_STRING", "")
        try:
            query = unquote_to_bytes(query.replace("+", " ")).decode("utf-8")
        except UnicodeError:
            raise BadRequest("The query string is not UTF-8.") from None
        if QUERY_CONTROL.search(query):
            raise BadRequest("A control character in the query string.")
        return self.get_response(request)


class MethodNotAllowedPage:
    """The empty 405 of `require_POST` and friends becomes the portal's page (its `Allow`
    header kept): someone who opened a button's address sees what happened."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
