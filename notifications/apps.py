from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from accounts.backends import annotate_request_users

        from . import news
        from .models import unread_count_of_outer_user

        news.connect()
        # The bell's count comes with the request's user, in the query that loads them.
        annotate_request_users(unread_notifications=unread_count_of_outer_user())
