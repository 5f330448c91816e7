"""Admin for the year's goals (exports are looked at, not edited)."""

from django.contrib import admin

from .models import Export, Goal


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["year", "smes_accompanied"]


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "source", "format", "status", "rows"]
    list_filter = ["status", "format"]
    readonly_fields = [f.name for f in Export._meta.fields]

    def has_add_permission(self, request):
        return False
