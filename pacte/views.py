"""The portal's error pages (400, 403, 404, 429 and the CSRF failure), in its layout and the
person's language, each with a way back; 500 is Django's own handler, which renders
`500.html` without a request, so without the database (see that template)."""

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django_ratelimit.exceptions import Ratelimited


def back_url(request) -> str:
    """The page the person came from, when it is one of the portal's and not this one."""
    referer = request.headers.get("Referer", "")
    if (
        referer
        and referer != request.build_absolute_uri()
        and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return referer
    return ""


def error_page(request, template: str, status: int, **context):
    return render(request, template, {"back_url": back_url(request), **context}, status=status)


def bad_request(request, exception):
    return error_page(request, "400.html", 400)


def permission_denied(request, exception):
    # django-ratelimit's decorator refuses with `Ratelimited`, a PermissionDenied: a 429.
    if isinstance(exception, Ratelimited):
        return error_page(request, "429.html", 429)
    return error_page(request, "403.html", 403)


def page_not_found(request, exception):
    return error_page(request, "404.html", 404)


def csrf_failure(request, reason=""):
    """`CSRF_FAILURE_VIEW`: the form could not be checked (an old page, cookies refused).
    `reason` is for the logs Django already writes, not for the page."""
    return error_page(request, "403_csrf.html", 403)
