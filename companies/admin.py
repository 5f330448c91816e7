"""Admin of companies (SMEs) and their members."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .forms import CompanyForm, SirenField
from .models import Company, CompanyMembership
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

    def has_delete_permission(self, request, obj=None):
        # Its applications would go with it (and their events, endorsements, proposals). An SME
        # leaves by deleting its accounts (`privacy.services.delete_account`), which keeps its
        # submitted applications.
        if obj is not None and obj.applications.exists():
            return False
        return super().has_delete_permission(request, obj)
