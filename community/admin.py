"""Django admin for members, teams, notifications and failed tasks (superusers' back room;
day-to-day staff tools live in the Wagtail admin)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from community.background import rerun
from community.models import FailedTask, Member, Notification, Team


@admin.register(Member)
class MemberAdmin(UserAdmin):
    list_display = ("email", "display_name", "is_staff", "plan", "region", "customer_since", "date_joined")
    list_filter = ("is_staff", "plan", "region", "is_active")
    search_fields = ("email", "display_name", "username")
    ordering = ("-date_joined",)
    fieldsets = (
        (None, {"fields": ("email", "username", "password")}),
        (_("Profile"), {"fields": ("display_name", "preferred_language", "email_delivery")}),
        (_("Customer attributes"), {"fields": ("plan", "customer_since", "region")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("members",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    raw_id_fields = ("recipient",)
    search_fields = ("title", "recipient__email")


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    list_display = ("task_path", "attempts", "failed_at", "resolved")
    list_filter = ("resolved", "task_path")
    readonly_fields = ("task_path", "arguments", "attempts", "error", "failed_at")
    actions = ["run_again"]

    @admin.action(description=_("Run again"))
    def run_again(self, request, queryset):
        for failed in queryset.filter(resolved=False):
            rerun(failed)
        messages.success(request, _("The tasks were queued again."))
