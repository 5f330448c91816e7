"""The outbox in the admin: what waits for the broker, for reading."""

from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["pk", "task", "created_at", "relayed_at", "attempts", "last_error"]
    list_filter = ["task", ("relayed_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
