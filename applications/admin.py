"""Admin of the SMEs' portage applications (the companies' is `companies.admin`).

An application's state only moves through the workflow services (which record who, when and
why), so the admin shows the state and the history but never edits them, and deletes none of
the records the workflow writes (applications, events, reminders).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from companies.admin import SirenSearchMixin
from sponsors.models import Endorsement

from . import services
from .models import Application, ApplicationEvent, Message, Reminder, ReminderSettings


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
    """What the workflow owns is read-only; what an administrator may correct is
    `services.ADMIN_EDITABLE_FIELDS`, saved by `services.correct_by_admin` with an event in the
    chain. Nothing is deleted here: the SME deletes its own drafts, the retention sweep the
    abandoned ones."""

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
    fieldsets = [
        (
            None,
            {"fields": ["reference", "company", "created_by", "state", "sponsor_body", "owner"]},
        ),
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
                    "archived_at",
                ]
            },
        ),
        (
            _("Instruction"),
            {
                "fields": [
                    "review_due_at",
                    "review_paused_at",
                    "review_paused_for",
                    "review_stopped_at",
                    "audit_head",
                ]
            },
        ),
    ]
    inlines = [EndorsementInline, ApplicationEventInline, MessageInline]

    @admin.display(description=_("référence"), ordering="pk")
    def reference(self, application):
        return application.reference

    def get_readonly_fields(self, request, obj=None):
        # Computed from the one list of what may change: any other field, present or to come,
        # is read-only.
        editable = set(services.ADMIN_EDITABLE_FIELDS)
        fields = Application._meta.concrete_fields
        return [
            "reference",
            *(f.name for f in fields if not f.primary_key and f.name not in editable),
        ]

    def has_add_permission(self, request):
        # An application starts in the portal (create_draft), which writes its first event.
        return False

    def has_change_permission(self, request, obj=None):
        # An archived application's free text was erased on purpose: nobody writes it back.
        if obj is not None and obj.archived_at is not None:
            return False
        return services.can_correct(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting would take its events, endorsements and proposals with it.
        return False

    def save_model(self, request, obj, form, change):
        # Not `obj.save()`: the service writes only the listed fields, under the row's lock,
        # and records who changed what in the chain.
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        services.correct_by_admin(obj.pk, request.user, changes=changes)


class RecordAdmin(admin.ModelAdmin):
    """Rows the workflow writes, for reading only: never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(RecordAdmin):
    """The chain of events, for reading: rows are only ever added, by the services."""

    list_display = ["application", "action", "from_state", "to_state", "actor", "created_at"]
    list_filter = ["action"]
    search_fields = ["application__company__legal_name", "actor__email", "note"]
    list_select_related = ["application__company", "actor"]
    date_hierarchy = "created_at"


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    """One row: the sweep's thresholds."""

    def has_add_permission(self, request):
        return not ReminderSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(RecordAdmin):
    """What the sweep did, for reading: the rows are its proof of acting once."""

    list_display = ["application", "milestone", "cycle", "created_at"]
    list_filter = ["milestone"]
    list_select_related = ["application__company"]
    date_hierarchy = "created_at"
