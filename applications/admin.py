"""Admin of applications: NAF sectors, companies (SMEs) and their portage applications.

An application's state only moves through the workflow services (which record who, when and
why), so the admin shows the state and the history but never edits them.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sponsors.models import Endorsement

from .forms import CompanyForm, SirenField
from .models import (
    Application,
    ApplicationEvent,
    Company,
    CompanyMembership,
    Message,
    Reminder,
    ReminderSettings,
    Sector,
)
from .validators import normalize_siren


class SirenSearchMixin:
    """The search also finds a SIREN however it is typed ("982.380.578", full-width digits):
    its compact form against the stored one, which is always compact."""

    siren_lookup = "siren"

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        digits = normalize_siren(search_term)
        if digits.isascii() and digits.isdigit():
            found |= queryset.filter(**{f"{self.siren_lookup}__contains": digits})
        return found, may_have_duplicates


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "label_fr", "label_en", "section"]
    list_filter = [("section", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "label_fr", "label_en"]
    list_select_related = ["section"]


class CompanyMembershipInline(admin.TabularInline):
    model = CompanyMembership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


class CompanyAdminForm(forms.ModelForm):
    siren = SirenField(help_text=_("9 chiffres, tels qu'ils figurent sur votre extrait Kbis."))

    class Meta:
        model = Company
        fields = CompanyForm.Meta.fields


@admin.register(Company)
class CompanyAdmin(SirenSearchMixin, admin.ModelAdmin):
    form = CompanyAdminForm
    list_display = ["legal_name", "siren", "sector", "region", "department", "headcount"]
    list_filter = ["region", "headcount", "turnover", "export_experience"]
    search_fields = ["legal_name", "siren"]
    autocomplete_fields = ["sector"]
    list_select_related = ["sector"]
    readonly_fields = ["created_at"]
    inlines = [CompanyMembershipInline]


class ReadOnlyInline(admin.TabularInline):
    """Records written by the workflow: shown in their application, never edited by hand."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ApplicationEventInline(ReadOnlyInline):
    model = ApplicationEvent
    fields = ["created_at", "action", "from_state", "to_state", "actor", "note"]
    readonly_fields = fields


class EndorsementInline(ReadOnlyInline):
    model = Endorsement
    fields = ["created_at", "sponsor_body", "advisor", "decision", "reason"]
    readonly_fields = fields


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ["created_at", "author", "is_internal", "body"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(SirenSearchMixin, admin.ModelAdmin):
    siren_lookup = "company__siren"
    list_display = [
        "reference",
        "company",
        "target_country",
        "state",
        "sponsor_body",
        "submitted_at",
        "endorsed_at",
    ]
    list_filter = ["state", "target_country", "sponsor_body"]
    search_fields = ["company__legal_name", "company__siren", "target_city"]
    list_select_related = ["company", "sponsor_body"]
    date_hierarchy = "submitted_at"
    autocomplete_fields = ["company", "created_by", "sponsor_body"]
    readonly_fields = [
        "reference",
        "state",
        "created_at",
        "updated_at",
        "state_changed_at",
        "submitted_at",
        "endorsed_at",
        "closed_at",
    ]
    fieldsets = [
        (None, {"fields": ["reference", "company", "created_by", "state", "sponsor_body"]}),
        (
            _("Projet"),
            {
                "fields": [
                    "target_country",
                    "target_city",
                    "wants_advice",
                    "wants_hosting",
                    "wants_commercial",
                    "maturity",
                    "description",
                ]
            },
        ),
        (
            _("Hébergement"),
            {
                "fields": [
                    "hosting_desks",
                    "hosting_vie_count",
                    "hosting_start_date",
                    "hosting_budget",
                ]
            },
        ),
        (_("Résultat"), {"fields": ["outcome", "rating", "rating_comment"]}),
        (
            _("Dates"),
            {
                "fields": [
                    "created_at",
                    "updated_at",
                    "state_changed_at",
                    "submitted_at",
                    "endorsed_at",
                    "closed_at",
                ]
            },
        ),
    ]
    inlines = [EndorsementInline, ApplicationEventInline, MessageInline]

    @admin.display(description=_("référence"), ordering="pk")
    def reference(self, application):
        return application.reference

    def has_add_permission(self, request):
        # An application starts in the portal (create_draft), which writes its first event.
        return False


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    """One row: the sweep's thresholds."""

    def has_add_permission(self, request):
        return not ReminderSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """What the sweep did, for reading: the rows are its proof of acting once."""

    list_display = ["application", "milestone", "cycle", "created_at"]
    list_filter = ["milestone"]
    list_select_related = ["application__company"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
