"""Staff tools in the Wagtail admin: members (customer attributes), teams, failed tasks."""

from django import forms
from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from community.forms import CustomerForm
from community.models import FailedTask, Member, Segment, Team


class PanelColumn(Column):
    """A link from the admin's customer list to the customer's panel on the site."""

    cell_template_name = "community/admin/panel_cell.html"


class CustomerViewSet(ModelViewSet):
    """Staff set the customer attributes that product teams segment by."""

    model = Member
    menu_label = _("Customers")
    icon = "user"
    url_prefix = "customers"
    name = "customers"
    form_fields = ["display_name", "plan", "customer_since", "region", "preferred_language"]
    list_display = ["email", "display_name", "plan", "region", "customer_since", "is_staff",
                    PanelColumn("panel", label=_("History"))]
    list_filter = ["plan", "is_staff"]
    search_fields = ["email", "display_name"]
    add_to_admin_menu = False
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        return modelform_factory(self.model, form=CustomerForm, fields=self.form_fields)


class TeamForm(WagtailAdminModelForm):
    """A team's people, and its response targets counted in its own working hours and time zone."""

    class Meta:
        model = Team
        fields = ["name", "slug", "description", "members", "lead", "is_triage", "time_zone", "working_days",
                  "day_starts", "day_ends", "first_response_hours", "resolution_hours"]

    def clean(self):
        data = super().clean()
        lead, members = data.get("lead"), data.get("members")
        if lead is not None and members is not None and lead not in members:
            self.add_error("lead", _("The lead must be a member of the team."))
        starts, ends = data.get("day_starts"), data.get("day_ends")
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("day_ends", _("The working day must end after it starts."))
        if data.get("is_triage") and Team.objects.filter(is_triage=True).exclude(pk=self.instance.pk).exists():
            self.add_error("is_triage", _("Another team is the triage team already: untick it there first."))
        return data


class TeamViewSet(ModelViewSet):
    model = Team
    menu_label = _("Teams")
    icon = "group"
    list_display = ["name", "slug", "lead", "is_triage", "first_response_hours", "resolution_hours"]
    add_to_admin_menu = False

    def get_form_class(self, for_update=False):
        return TeamForm


class SegmentForm(forms.ModelForm):
    """Plans as check boxes, regions as a comma-separated line (both stored as lists)."""

    plans = forms.MultipleChoiceField(
        label=_("Plans"), choices=Member.Plan.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any plan."),
    )
    regions = forms.CharField(
        label=_("Regions"), required=False, help_text=_("Comma-separated, as on the customers' records. Empty: any region."),
    )

    class Meta:
        model = Segment
        fields = ["name", "team", "plans", "regions", "min_years", "max_years"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["regions"] = ", ".join(self.instance.regions or [])

    def clean_regions(self):
        return [part.strip() for part in self.cleaned_data["regions"].split(",") if part.strip()][:50]

    def clean(self):
        data = super().clean()
        low, high = data.get("min_years"), data.get("max_years")
        if low is not None and high is not None and high <= low:
            self.add_error("max_years", _("Larger than the minimum."))
        return data


class SegmentViewSet(ModelViewSet):
    """Customer segments that polls (and later beta programmes) can ask."""

    model = Segment
    menu_label = _("Customer segments")
    icon = "list-ul"
    form_fields = ["name", "team", "plans", "regions", "min_years", "max_years"]
    list_display = ["name", "team"]
    add_to_admin_menu = False

    def get_form_class(self, for_update=False):
        return SegmentForm


class FailedTaskViewSet(ModelViewSet):
    model = FailedTask
    menu_label = _("Failed tasks")
    icon = "warning"
    form_fields = ["resolved"]
    list_display = ["task_path", "attempts", "failed_at", "resolved"]
    list_filter = ["resolved"]
    add_to_admin_menu = False
    inspect_view_enabled = True


class CommunityGroup(ViewSetGroup):
    menu_label = _("Community")
    menu_icon = "group"
    menu_order = 200
    items = (CustomerViewSet, TeamViewSet, SegmentViewSet, FailedTaskViewSet)


@hooks.register("register_admin_viewset")
def register_community_viewsets():
    return CommunityGroup()
