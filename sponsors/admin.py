"""Admin of sponsors: CCI and CCE bodies with their advisors, and the endorsements given."""

from django.contrib import admin

from .models import Advisor, Endorsement, SponsorBody


class AdvisorInline(admin.TabularInline):
    model = Advisor
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(SponsorBody)
class SponsorBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "departments", "email", "is_active"]
    list_filter = ["kind", "region", "is_active"]
    search_fields = ["name"]
    inlines = [AdvisorInline]


@admin.register(Endorsement)
class EndorsementAdmin(admin.ModelAdmin):
    """Read only, never deleted: an endorsement is a decision taken in the portal, recorded with
    its event."""

    list_display = ["application", "sponsor_body", "advisor", "decision", "created_at"]
    list_filter = ["decision", "sponsor_body"]
    search_fields = ["application__company__legal_name", "sponsor_body__name", "advisor__email"]
    list_select_related = ["application__company", "sponsor_body", "advisor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
