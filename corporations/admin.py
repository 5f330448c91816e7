"""Admin of corporations: member corporations, their presences, interlocutors, hosting offers
and the matches (proposals of applications to interlocutors)."""

from django import forms
from django.contrib import admin
from django.db import models

from .models import Absence, HostingOffer, Interlocutor, Match, MemberCorporation, Presence


class PresenceInline(admin.TabularInline):
    model = Presence
    extra = 0
    autocomplete_fields = ["sectors"]


class HostingOfferInline(admin.TabularInline):
    model = HostingOffer
    extra = 0
    fields = [
        "country",
        "city",
        "desks",
        "reserved_desks",
        "monthly_price",
        "at_cost",
        "vie_accepted",
    ]
    readonly_fields = ["reserved_desks"]


class InterlocutorForm(forms.ModelForm):
    """An interlocutor's person and corporation are set when the row is made, then fixed: the
    proposals, accompaniments and ratings recorded on the row are that person's, for that
    corporation, and changing either would hand them, and the dossiers they open, to someone
    else behind the workflow's back. Someone who leaves is made inactive; a new row is added
    for whoever takes over."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            for name in ("user", "corporation"):
                if name in self.fields:
                    self.fields[name].disabled = True


class InterlocutorInline(admin.TabularInline):
    model = Interlocutor
    form = InterlocutorForm
    extra = 0
    fields = ["user", "job_title", "countries", "capacity", "is_coordinator", "is_active"]
    autocomplete_fields = ["user"]
    show_change_link = True


class AbsenceInline(admin.TabularInline):
    model = Absence
    extra = 0


@admin.register(MemberCorporation)
class MemberCorporationAdmin(admin.ModelAdmin):
    list_display = ["name", "website", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    # A website typed without its scheme is an https one (and Django 6 will assume so).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [PresenceInline, HostingOfferInline, InterlocutorInline]


@admin.register(Presence)
class PresenceAdmin(admin.ModelAdmin):
    list_display = ["corporation", "country", "city", "since"]
    list_filter = ["corporation", "country"]
    search_fields = ["corporation__name", "city"]
    list_select_related = ["corporation"]
    filter_horizontal = ["sectors"]


@admin.register(Interlocutor)
class InterlocutorAdmin(admin.ModelAdmin):
    form = InterlocutorForm
    list_display = [
        "user",
        "corporation",
        "job_title",
        "countries",
        "capacity",
        "open_accompaniments",
        "is_coordinator",
        "is_active",
    ]
    list_filter = ["corporation", "is_coordinator", "is_active"]
    # Kept by the workflow when accompaniments start and end, proposals are decided and
    # SMEs rate their support.
    readonly_fields = [
        "open_accompaniments",
        "proposals_decided",
        "proposals_accepted",
        "ratings_sum",
        "ratings_count",
    ]
    inlines = [AbsenceInline]
    search_fields = [
        "user__email",
        "user__first_name",
        "user__last_name",
        "corporation__name",
        "job_title",
    ]
    list_select_related = ["user", "corporation"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["sectors"]


@admin.register(HostingOffer)
class HostingOfferAdmin(admin.ModelAdmin):
    list_display = [
        "corporation",
        "country",
        "city",
        "desks",
        "reserved_desks",
        "monthly_price",
        "at_cost",
        "vie_accepted",
    ]
    list_filter = ["corporation", "country", "at_cost", "vie_accepted"]
    readonly_fields = ["reserved_desks"]
    search_fields = ["corporation__name", "city"]
    list_select_related = ["corporation"]


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    """Read only, never deleted: proposals, acceptances and declines go through the workflow
    services, and the events of the chain name the proposal they are about."""

    list_display = ["application", "interlocutor", "status", "created_at", "decided_at"]
    list_filter = ["status", "interlocutor__corporation"]
    search_fields = [
        "application__company__legal_name",
        "interlocutor__user__email",
        "interlocutor__user__last_name",
        "interlocutor__corporation__name",
    ]
    list_select_related = [
        "application__company",
        "interlocutor__user",
        "interlocutor__corporation",
    ]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
