"""Django admin for ideas: the superusers' back room, read-mostly. Day-to-day staff tools are in
the Wagtail admin (wagtail_hooks.py); writes that have rules go through ideas.services there."""

from django import forms
from django.contrib import admin

from community.admin import ReadOnlyAdmin
from ideas import services
from ideas.models import DEFAULT_SLUGS, Comment, Idea, IdeaTag, Status, StatusChange, Vote


class IdeaForm(forms.ModelForm):
    # The services' own checks, so the form shows their messages next to the field.
    def clean_title(self):
        return services.check_title(self.cleaned_data["title"])

    def clean_body_source(self):
        return services.check_text(
            self.cleaned_data["body_source"], maximum=services.BODY_MAX, required=False
        )


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    form = IdeaForm
    list_display = ("title", "board", "status", "vote_count", "comment_count", "created_at")
    list_filter = ("status", "board")
    list_select_related = ("status", "board")
    search_fields = ("title",)
    raw_id_fields = ("author", "merged_into")
    fields = (
        "title",
        "body_source",
        "tags",
        "board",
        "author",
        "status",
        "merged_into",
        "vote_count",
        "comment_count",
        "trending",
        "version",
        "created_at",
        "edited_at",
        "last_activity_at",
    )
    # Only the text is editable, through services.edit_idea; the rest is state kept by services.
    readonly_fields = tuple(f for f in fields if f not in ("title", "body_source", "tags"))
    filter_horizontal = ("tags",)

    def has_add_permission(self, request):
        return False  # members post ideas on the site

    def has_delete_permission(self, request, obj=None):
        # Deleting would drop votes, comments and the history voters were told about, and skip
        # every notification; staff withdraw or merge ideas through the services instead.
        return False

    def save_model(self, request, obj, form, change):
        services.edit_idea(
            idea=obj,
            by=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body_source"],
            tags=form.cleaned_data["tags"],
        )

    def save_related(self, request, form, formsets, change):
        pass  # edit_idea already set the tags (limited to the board's offer)


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin):
    """The default workflow's statuses are what the services move ideas to (rejecting needs the
    "rejected" status): their slug and stage are fixed and they cannot be deleted. Added statuses
    belong to a listed stage and can go while no idea has them. The same rules as the Wagtail
    admin's status form (ideas.wagtail_hooks.StatusAdminForm)."""

    list_display = ("name", "slug", "stage", "color", "position")
    list_editable = ("position",)
    ordering = ("position", "pk")

    def get_form(self, request, obj=None, **kwargs):
        from ideas.wagtail_hooks import StatusAdminForm

        return super().get_form(request, obj, form=StatusAdminForm, **kwargs)

    def get_actions(self, request):
        # "Delete selected" would skip the per-status check below.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return obj.slug not in DEFAULT_SLUGS and not obj.ideas.exists()


@admin.register(IdeaTag)
class IdeaTagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ("idea", "member", "created_at", "recorded_by", "recorded_via")
    list_select_related = ("idea", "member", "recorded_by")
    raw_id_fields = ("idea", "member", "recorded_by")
    search_fields = ("idea__title", "member__email")


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "by_staff", "created_at", "edited_at", "deleted_at")
    list_filter = ("by_staff",)
    list_select_related = ("author",)
    raw_id_fields = ("idea", "author", "parent")
    search_fields = ("idea__title", "author__email", "body_source")


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ("idea", "from_status", "to_status", "changed_by", "created_at")
    list_filter = ("to_status",)
    list_select_related = ("idea", "from_status", "to_status", "changed_by")
    raw_id_fields = ("idea", "changed_by")
    search_fields = ("idea__title", "response_source")
