"""WSGI entry point (gunicorn pacte.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacte.settings")

application = get_wsgi_application()

# What is loaded by now (Django, the project's modules, their settings) lives as long as the
# process: freeze it out of the garbage collector's full passes, which would otherwise walk it
# all in the middle of a request (a ranking of a crowded country allocates enough to trigger
# them). `manage.py bench` times the ranking the same way.
gc.freeze()
