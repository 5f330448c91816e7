"""The bare view the page benchmark (`manage.py bench_pages`) measures the portal's pages
against: one Django view rendering a 25-row table template, nothing else (no database, no
middleware, no session). It is a WSGI application of its own, served by a gunicorn of its own
beside the portal's (`gunicorn tooling.bench_bare:application`), never one of the portal's URLs.

Comparing a page with it, in the same run on the same machine, gives a figure that travels:
`page_ratio_<name>` is the page's requests per second over the bare view's, and
`<name>_x_bare` (`tooling.bench.with_bare_ratios`) a timed figure over one render of the same
template in-process.
"""

import functools
import secrets
from datetime import date

from django.template import Context, Engine

ROWS = 25
TEMPLATE_NAME = "bare.html"
TEMPLATE = """<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<h1>{{ title }}</h1>
<table>
<thead><tr><th>Référence</th><th>PME</th><th>Pays</th><th>État</th><th>Déposée le</th></tr></thead>
<tbody>
{% for row in rows %}<tr>
<td>{{ row.reference }}</td><td>{{ row.company }}</td><td>{{ row.country }}</td>
<td>{{ row.state|upper }}</td><td>{{ row.submitted|date:"d/m/Y" }}</td>
</tr>
{% endfor %}</tbody>
</table>
</body>
</html>
"""


def context() -> dict:
    """The same 25 rows every time."""
    return {
        "title": "Demandes",
        "rows": [
            {
                "reference": f"PME-2026-{i:05d}",
                "company": f"Entreprise <{i}> & fils",  # something to escape
                "country": "Viet Nam",
                "state": "en instruction",
                "submitted": date(2026, 1, 1 + i),
            }
            for i in range(ROWS)
        ],
    }


def render_in_process() -> str:
    """The template rendered by a standalone engine, as the bare view renders it: what
    `tooling.bench.bare_render_ms` times in the benchmark's own process."""
    return _engine().get_template(TEMPLATE_NAME).render(Context(context()))


@functools.cache
def _engine() -> Engine:
    return Engine(loaders=[("django.template.loaders.locmem.Loader", _templates())])


def _templates() -> dict[str, str]:
    return {TEMPLATE_NAME: TEMPLATE}


# --- The WSGI application (in its own gunicorn) ------------------------------------------------


def view(request):
    from django.shortcuts import render

    return render(request, TEMPLATE_NAME, context())


urlpatterns = []  # filled in when the application is made


def _make_handler():
    """Minimal settings of its own, made in the gunicorn worker at its first request: this
    module is also imported by the portal's process (for `render_in_process`), whose settings
    are the portal's."""
    import django
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.urls import path

    settings.configure(
        DEBUG=False,
        SECRET_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        USE_TZ=True,
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {
                    "loaders": [("django.template.loaders.locmem.Loader", _templates())],
                },
            }
        ],
    )
    django.setup(set_prefix=False)
    urlpatterns.append(path("", view))
    return WSGIHandler()


_handler = None


def application(environ, start_response):
    global _handler
    if _handler is None:
        _handler = _make_handler()
    return _handler(environ, start_response)
