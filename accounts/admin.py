"""Admin of accounts: users (email login), association staff and invitations."""

from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import AdminLoginForm
from .models import Invitation, StaffMembership, User
from .ratelimits import rate_limited

# The admin's login page refuses, as the portal's does, the attempts on an account slowed
# down for password spraying: otherwise it would be the way round.
admin.site.login_form = AdminLoginForm
# ...with the same 429 (the site's URLs, built later, take this wrapped view as admin:login).
admin.site.login = rate_limited(admin.site.login)


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "language"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name", "phone", "language"]}),
        (
            _("Droits"),
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "first_name",
                    "last_name",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined"]

    def has_delete_permission(self, request, obj=None):
        # A user's row is named by the events of the applications' chains (which deleting it
        # would empty, breaking `verify_audit`), by endorsements and proposals. An account is
        # deactivated here, or closed by `privacy.services.delete_account`, which anonymises it.
        return False


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "is_lead", "created_at"]
    list_filter = ["is_lead"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "first_name",
        "last_name",
        "role",
        "sponsor_body",
        "corporation",
        "invited_by",
        "created_at",
        "accepted_at",
    ]
    list_filter = ["role", "accepted_at"]
    search_fields = ["email", "first_name", "last_name"]
    list_select_related = ["sponsor_body", "corporation", "invited_by"]
    autocomplete_fields = ["invited_by", "user"]
    readonly_fields = ["token", "accepted_at", "user"]
    date_hierarchy = "created_at"

    def save_model(self, request, obj, form, change):
        if not change and obj.invited_by_id is None:
            obj.invited_by = request.user
        super().save_model(request, obj, form, change)
