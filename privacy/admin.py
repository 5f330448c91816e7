"""Admin of privacy: the draft reminders the retention sweep sent, read-only."""

from django.contrib import admin

from .models import DraftReminder


@admin.register(DraftReminder)
class DraftReminderAdmin(admin.ModelAdmin):
    list_display = ["application", "cycle", "sent_at"]
    date_hierarchy = "sent_at"
    list_select_related = ["application__company"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
