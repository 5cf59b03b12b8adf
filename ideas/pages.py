"""Wagtail pages for idea boards: the index of boards and each board."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField

from community.pages import BasePage


class IdeaBoardIndexPage(BasePage):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    subpage_types = ["ideas.IdeaBoardPage"]
    template = "ideas/board_index_page.html"

    class Meta:
        verbose_name = _("idea board index")

    def get_context(self, request, *args, **kwargs):
        from ideas.queries import boards_with_counts

        context = super().get_context(request, *args, **kwargs)
        context["boards"] = boards_with_counts(self, viewer=request.user)
        return context


class IdeaBoardPage(BasePage):
    class Posting(models.TextChoices):
        MEMBERS = "members", _("All signed-in members")
        STAFF = "staff", _("Staff only")

    intro = RichTextField(_("introduction"), blank=True)
    who_may_post = models.CharField(
        _("who may post"), max_length=20, choices=Posting.choices, default=Posting.MEMBERS,
        help_text=_("Beta programme boards arrive with beta programmes."),
    )
    offered_tags = ParentalManyToManyField("ideas.IdeaTag", blank=True, verbose_name=_("tags offered"))
    requires_approval = models.BooleanField(
        _("new ideas need approval"), default=False,
        help_text=_("New ideas stay hidden until staff approve them."),
    )
    owner_team = models.ForeignKey(
        "community.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("owning team"),
        help_text=_("The team that answers ideas on this board."),
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("who_may_post"), FieldPanel("requires_approval"), FieldPanel("owner_team"),
             FieldPanel("offered_tags")],
            heading=_("Rules"),
        ),
    ]
    parent_page_types = ["ideas.IdeaBoardIndexPage", "community.HomePage"]
    subpage_types = []
    template = "ideas/board_page.html"

    class Meta:
        verbose_name = _("idea board")

    def serve(self, request, *args, **kwargs):
        from ideas.views import board

        return board(request, self)
