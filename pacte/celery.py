"""The Celery application: configured from Django settings, tasks discovered in each app."""

import os

from celery import Celery

from . import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacte.settings")

# "filesystem://", the broker of development and tests, with messages written whole.
broker.register()

app = Celery("pacte")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
