"""App configuration for accounts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from .middleware import record_login_time
        from .spraying import on_login_failed

        user_logged_in.connect(record_login_time, dispatch_uid="accounts.record_login_time")
        # After django-axes's receiver (axes comes first in INSTALLED_APPS), which records the
        # failure that this one counts.
        user_login_failed.connect(on_login_failed, dispatch_uid="accounts.spraying")
