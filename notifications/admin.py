from django.contrib import admin

from .models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "kind", "delivery", "created_at", "read_at", "mailed_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["title", "user__email"]
    raw_id_fields = ["user", "application"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
