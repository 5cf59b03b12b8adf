"""Django admin for members, teams, notifications and failed tasks (superusers' back room;
day-to-day staff tools live in the Wagtail admin). It writes through the services, or not at all."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from community import services
from community.background import rerun
from community.forms import DisplayNameMixin
from community.models import FailedTask, Member, Notification, Team


class MemberChangeForm(DisplayNameMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = Member


@admin.register(Member)
class MemberAdmin(UserAdmin):
    form = MemberChangeForm
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
    # Staff is the flag plus the Staff group (which opens the Wagtail admin) plus teams: set
    # one alone and the member is half staff. The actions below go through the services.
    readonly_fields = ("is_staff", "is_superuser", "groups")
    actions = ["grant_staff", "revoke_staff"]

    @admin.action(description=_("Grant staff"))
    def grant_staff(self, request, queryset):
        for member in queryset:
            services.grant_staff(member)
        messages.success(request, _("The selected members are staff now."))

    @admin.action(description=_("Revoke staff"))
    def revoke_staff(self, request, queryset):
        if queryset.filter(pk=request.user.pk).exists():
            messages.error(request, _("You cannot revoke your own staff access."))
            return
        for member in queryset:
            services.revoke_staff(member)
        messages.success(request, _("The selected members are no longer staff."))


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("members",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only services write (they keep counters and versions): view, never edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """A change here would skip the member's notification_version, so open pages would never
    hear of it (services.notify and mark_notifications_read keep it)."""

    list_display = ("title", "recipient", "kind", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
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
