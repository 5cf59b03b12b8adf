"""Wagtail pages for beta programmes: the index of programmes and each programme."""

import secrets

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField

from community.models import Member
from community.pages import BasePage


def _invite_token() -> str:
    return secrets.token_urlsafe(16)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class BetaProgramIndexPage(BasePage):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    subpage_types = ["feedback.BetaProgramPage"]
    template = "feedback/programme_index_page.html"

    class Meta:
        verbose_name = _("beta programme index")

    def get_context(self, request, *args, **kwargs):
        from feedback.queries import programmes_for

        context = super().get_context(request, *args, **kwargs)
        context["programmes"] = programmes_for(request.user, parent=self)
        return context


class BetaProgramForm(WagtailAdminPageForm):
    eligible_plans = forms.MultipleChoiceField(
        label=_("eligible plans"), choices=Member.Plan.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Leave all unticked to accept every plan."),
    )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The programme cannot end before it starts."))
        return cleaned


class BetaProgramPage(BasePage):
    """A beta programme a product team runs: who may join, how, and until when. Everything
    members write inside it is private to its members and staff (feedback/rules.py)."""

    class Enrolment(models.TextChoices):
        OPEN = "open", _("Open: eligible members join at once")
        APPLY = "apply", _("Apply: members give a reason, staff approve")
        INVITE = "invite", _("Invite only: with the invitation link")

    owner_team = models.ForeignKey(
        "community.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("owning team"),
    )
    intro = RichTextField(_("description"), blank=True)
    what_is_tested = RichTextField(_("what is tested"), blank=True)
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), default=0, help_text=_("The most members at once; 0 for no limit.")
    )
    enrolment = models.CharField(_("enrolment"), max_length=10, choices=Enrolment.choices, default=Enrolment.APPLY)
    invite_token = models.CharField(max_length=40, default=_invite_token, editable=False)
    eligible_plans = models.JSONField(_("eligible plans"), default=list, blank=True)
    eligible_regions = models.TextField(
        _("eligible regions"), blank=True, help_text=_("One region per line; empty for every region.")
    )
    devices = models.TextField(
        _("devices tested"), blank=True,
        help_text=_("One device per line (“Apple TV”, “Android TV”); applicants choose theirs. Empty for any."),
    )
    consent_text = models.TextField(
        _("consent"), blank=True,
        help_text=_("What members accept when they join, such as keeping the beta confidential."),
    )

    base_form_class = BetaProgramForm
    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        FieldPanel("what_is_tested"),
        MultiFieldPanel(
            [FieldPanel("owner_team"), FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
             FieldPanel("capacity"), FieldPanel("enrolment"), FieldPanel("consent_text")],
            heading=_("Enrolment"),
        ),
        MultiFieldPanel(
            [FieldPanel("eligible_plans"), FieldPanel("eligible_regions"), FieldPanel("devices")],
            heading=_("Who may join"),
        ),
    ]
    parent_page_types = ["feedback.BetaProgramIndexPage", "community.HomePage"]
    subpage_types = ["polls.PollPage"]  # its exit survey, asked of its members
    template = "feedback/programme_page.html"

    class Meta:
        verbose_name = _("beta programme")

    def serve(self, request, *args, **kwargs):
        from feedback.views import programme

        return programme(request, self)

    @property
    def region_list(self) -> list[str]:
        return _lines(self.eligible_regions)

    @property
    def device_list(self) -> list[str]:
        return _lines(self.devices)

    @property
    def has_started(self) -> bool:
        return self.starts_on <= timezone.localdate()

    @property
    def has_ended(self) -> bool:
        return self.ends_on is not None and self.ends_on < timezone.localdate()

    @property
    def plan_labels(self) -> list[str]:
        return [str(Member.Plan(code).label) for code in self.eligible_plans if code in Member.Plan.values]
