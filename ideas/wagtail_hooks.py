"""Staff tools in the Wagtail admin: ideas (edit, change status, merge, approve, reject), statuses, tags.

Every write goes through ideas.services, like the site and the API: the admin never saves an
idea's status directly, so no idea changes status without a response and no voter goes untold.
"""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import RegexValidator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.log_actions import log
from wagtail.permissions import policy_registry

from community.services import NotAllowed
from ideas import queries, rules, services
from ideas.forms import MergeForm, RejectForm, StatusForm, WithdrawForm
from ideas.models import DEFAULT_SLUGS, LISTED_STAGES, Idea, IdeaTag, Stage, Status

# --- Ideas: which actions fit an idea ------------------------------------------------------------


def idea_actions(idea: Idea, user) -> list[tuple[str, str, str]]:
    """(url name, label, icon) of the staff actions the rules allow this user on the idea now."""
    candidates = [
        ("approve", _("Approve"), "check", rules.can_approve(user, idea)),
        ("reject", _("Reject"), "cross", rules.can_reject(user, idea)),
        ("change_status", _("Change status"), "tag", rules.can_change_status(user, idea)),
        ("merge", _("Merge into…"), "resubmit", rules.can_merge(user, idea)),
        ("withdraw", _("Withdraw"), "bin", rules.can_withdraw(user, idea)),
    ]
    return [(name, label, icon) for name, label, icon, allowed in candidates if allowed]


def action_buttons(idea: Idea, user) -> list[HeaderButton]:
    buttons = [
        HeaderButton(label, url=reverse(f"ideas:{name}", args=[idea.pk]), icon_name=icon, priority=5 + n)
        for n, (name, label, icon) in enumerate(idea_actions(idea, user))
    ]
    if not idea.status.is_hidden:
        buttons.append(
            HeaderButton(_("View on site"), url=idea.get_absolute_url(), icon_name="view", priority=20)
        )
    return buttons


# --- Ideas: listing, edit and inspect --------------------------------------------------------------


class IdeaFilterSet(WagtailFilterSet):
    stage = django_filters.ChoiceFilter(field_name="status__stage", choices=Stage.choices, label=_("Stage"))

    class Meta:
        model = Idea
        fields = ["stage", "status", "board"]


class IdeaIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("status", "board")

    def get_list_more_buttons(self, instance):
        more = [
            Button(label, url=reverse(f"ideas:{name}", args=[instance.pk]), icon_name=icon, priority=5)
            for name, label, icon in idea_actions(instance, self.request.user)
        ]
        return [*more, *super().get_list_more_buttons(instance)]


class IdeaAdminForm(WagtailAdminModelForm):
    """Title, text and tags only: the status changes through its own action, with a response."""

    class Meta:
        model = Idea
        fields = ["title", "body_source", "tags"]
        widgets = {"tags": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["tags"].queryset = self.instance.board.offered_tags.all()
            self.fields["tags"].help_text = _("The tags this idea's board offers.")


class IdeaEditView(generic.EditView):
    def get_page_subtitle(self):
        return f"{self.object.title} ({self.object.status.label})"

    @cached_property
    def header_buttons(self):
        return action_buttons(self.object, self.request.user)

    def save_instance(self):
        data = self.form.cleaned_data
        idea = services.edit_idea(
            idea=self.object,
            by=self.request.user,
            title=data["title"],
            body=data["body_source"],
            tags=data["tags"],
        )
        log(instance=idea, action="wagtail.edit", user=self.request.user)
        return idea

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            form.add_error("title" if exc.code == "title" else "body_source", exc)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        self.produced_error_message = self.get_error_message()
        return self.form_invalid(form)


class IdeaInspectView(generic.InspectView):
    @cached_property
    def header_buttons(self):
        return action_buttons(self.object, self.request.user)

    def get_field_label(self, field_name, field):
        if field_name == "body_html":
            return _("Description")
        return super().get_field_label(field_name, field)

    def get_body_html_display_value(self):
        return mark_safe(self.object.body_html)  # noqa: S308  (cleaned by the content pipeline on write)


# --- Ideas: the staff actions --------------------------------------------------------------------
# The forms are the site's own (ideas/forms.py) and every action calls the same service, so the
# admin and the site validate, refuse and notify alike.


class ApproveForm(forms.Form):
    pass


class IdeaActionView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """A form about one idea that calls one service, then returns to the idea."""

    model = Idea
    permission_required = "change"
    template_name = "wagtailadmin/generic/form.html"
    index_url_name = None
    edit_url_name = None
    header_icon = "tasks"
    action_name = ""
    submit_button_label = _("Save")
    success_message = ""
    error_field = "response"  # where a service's ValidationError is shown

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.idea = get_object_or_404(Idea.objects.select_related("status", "board"), pk=kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if not rules.can_moderate(request.user):
            raise PermissionDenied
        if reason := self.refusal(request.user):
            return render(request, "community/forbidden.html", {"message": reason, "back": self.edit_url}, status=403)
        if self.action_name not in {name for name, _label, _icon in idea_actions(self.idea, request.user)}:
            messages.error(request, _("This action does not apply to the idea in its current status."))
            return redirect(self.edit_url)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def edit_url(self):
        return reverse(self.edit_url_name, args=[self.idea.pk])

    def get_page_subtitle(self):
        return f"{self.idea.title} ({self.idea.status.label})"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": Idea._meta.verbose_name_plural.capitalize()},
            {"url": self.edit_url, "label": self.idea.title},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=self.request.path,
            submit_button_label=self.submit_button_label,
            submit_button_active_label=self.submit_button_label,
        )
        return context

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.perform(form.cleaned_data)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            form.add_error(self.error_field if self.error_field in form.fields else None, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message % {"title": self.idea.title})
        return redirect(self.edit_url)

    def form_invalid(self, form):
        messages.validation_error(self.request, _("The idea was not changed: see the errors below."), form)
        return super().form_invalid(form)

    def refusal(self, user) -> str | None:
        """The rule's reason this staff member may not take the action at all (a 403 with its words)."""
        return None

    def perform(self, data):
        raise NotImplementedError


class ChangeStatusView(IdeaActionView):
    action_name = "change_status"
    form_class = StatusForm
    page_title = _("Change status")
    submit_button_label = _("Change status and notify")
    success_message = _("“%(title)s” has a new status; its voters and followers are being told.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "statuses": queries.status_choices(self.idea)}

    def refusal(self, user):
        return rules.why_not_answer_for_board(user, self.idea.board)

    def perform(self, data):
        services.change_status(
            idea=self.idea, to=data["status"], response=data["response"], by=self.request.user,
            show_name=data["show_name"],
        )


class MergeView(IdeaActionView):
    action_name = "merge"
    form_class = MergeForm
    page_title = _("Merge into another idea")
    submit_button_label = _("Merge")
    success_message = _("“%(title)s” was merged; its voters are being told.")

    def perform(self, data):
        services.merge_ideas(
            source=self.idea, target=data["target"], by=self.request.user, response=data["response"]
        )


class ApproveView(IdeaActionView):
    action_name = "approve"
    form_class = ApproveForm
    page_title = _("Approve")
    submit_button_label = _("Approve and publish")
    success_message = _("“%(title)s” is published.")

    def perform(self, data):
        services.approve_idea(idea=self.idea, by=self.request.user)


class RejectView(IdeaActionView):
    action_name = "reject"
    form_class = RejectForm
    page_title = _("Reject")
    submit_button_label = _("Reject and tell the author")
    success_message = _("“%(title)s” was rejected; its author is being told.")

    def perform(self, data):
        services.reject_idea(idea=self.idea, by=self.request.user, response=data["response"])


class WithdrawView(IdeaActionView):
    action_name = "withdraw"
    form_class = WithdrawForm
    page_title = _("Withdraw")
    submit_button_label = _("Withdraw and tell the author")
    success_message = _("“%(title)s” was withdrawn; its author, voters and followers are being told why.")
    error_field = "reason"

    def perform(self, data):
        services.withdraw_idea(idea=self.idea, by=self.request.user, reason=data["reason"])


class IdeaViewSet(ModelViewSet):
    model = Idea
    name = "ideas"
    icon = "tasks"
    menu_label = _("Ideas")
    index_view_class = IdeaIndexView
    edit_view_class = IdeaEditView
    inspect_view_class = IdeaInspectView
    inspect_view_enabled = True
    inspect_view_fields = [
        "title",
        "board",
        "author",
        "status",
        "merged_into",
        "body_html",
        "tags",
        "vote_count",
        "comment_count",
        "created_at",
        "edited_at",
        "last_activity_at",
    ]
    copy_view_enabled = False
    # Members post ideas on the site; staff never add one here. (Ideas also stay out of the
    # reference index: it would cost every vote and post a write.)
    add_to_reference_index = False
    list_display = [
        "title",
        Column("board", label=_("Board")),
        Column("status", label=_("Status")),
        NumberColumn("vote_count", label=_("Votes"), sort_key="vote_count"),
        NumberColumn("comment_count", label=_("Comments"), sort_key="comment_count"),
        DateColumn("created_at", label=_("Posted"), sort_key="created_at"),
    ]
    filterset_class = IdeaFilterSet
    search_fields = ["title"]
    search_backend_name = None  # a plain title__icontains works with every filter
    ordering = ["-created_at"]

    def get_form_class(self, for_update=False):
        return IdeaAdminForm

    def get_urlpatterns(self):
        urls = [p for p in super().get_urlpatterns() if p.name != "add"]
        actions = {
            "change_status": ChangeStatusView,
            "merge": MergeView,
            "approve": ApproveView,
            "reject": RejectView,
            "withdraw": WithdrawView,
        }
        for name, view_class in actions.items():
            view = self.construct_view(
                view_class,
                index_url_name=self.get_url_name("index"),
                edit_url_name=self.get_url_name("edit"),
                header_icon=self.icon,
            )
            urls.append(path(f"{name.replace('_', '-')}/<id:pk>/", view, name=name))
        return urls

    def get_index_view_kwargs(self, **kwargs):
        # No "Add idea" button: there is no add view.
        return super().get_index_view_kwargs(add_url_name=None, **kwargs)


class PendingIdeasMenu(ViewSet):
    """A menu entry for the ideas awaiting approval: the idea list, filtered to that stage."""

    name = "ideas_pending"
    menu_label = _("Awaiting approval")
    icon = "time"

    @property
    def menu_url(self):
        return reverse("ideas:index") + f"?stage={Stage.PENDING}"

    @cached_property
    def menu_item_class(self):
        def is_shown(_self, request):
            return policy_registry.get_by_type(Idea).user_has_any_permission(request.user, ["change", "view"])

        return type("PendingIdeasMenuItem", (MenuItem,), {"is_shown": is_shown})


# --- Statuses and tags ------------------------------------------------------------------------


class StatusAdminForm(WagtailAdminModelForm):
    """The default workflow's slugs and stages are fixed (the services and translations rely on
    them); added statuses belong to a stage members can see."""

    color = forms.CharField(
        label=_("colour"),
        max_length=7,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #0c8599."))],
    )

    class Meta:
        model = Status
        fields = ["name", "slug", "stage", "color", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.slug in DEFAULT_SLUGS:
            for name in ("slug", "stage"):
                self.fields[name].disabled = True
            self.fields["slug"].help_text = _("Part of the default workflow: the slug and stage are fixed.")
        else:
            self.fields["stage"].choices = [(s.value, s.label) for s in Stage if s in LISTED_STAGES]


class StatusDeleteView(generic.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        if self.object.slug in DEFAULT_SLUGS or self.object.ideas.exists():
            messages.error(request, _("This status is part of the default workflow or in use, so it stays."))
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)


class StatusViewSet(ModelViewSet):
    model = Status
    name = "idea_statuses"
    url_prefix = "idea-statuses"
    icon = "list-ul"
    menu_label = _("Statuses")
    list_display = ["name", "slug", "stage", Column("color", label=_("Colour")), "position"]
    delete_view_class = StatusDeleteView
    copy_view_enabled = False
    ordering = ["position", "pk"]

    def get_form_class(self, for_update=False):
        return StatusAdminForm


class IdeaTagViewSet(ModelViewSet):
    model = IdeaTag
    name = "idea_tags"
    url_prefix = "idea-tags"
    icon = "tag"
    menu_label = _("Tags")
    form_fields = ["name", "slug"]
    list_display = ["name", "slug"]
    search_fields = ["name"]
    copy_view_enabled = False


class IdeasGroup(ViewSetGroup):
    menu_label = _("Ideas")
    menu_icon = "tasks"
    menu_order = 150
    items = (IdeaViewSet, PendingIdeasMenu, StatusViewSet, IdeaTagViewSet)


@hooks.register("register_admin_viewset")
def register_ideas_viewsets():
    return IdeasGroup()
