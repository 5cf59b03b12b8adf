"""Wagtail pages that editors manage: the base page every site page extends, and the home page."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class BasePage(Page):
    """Every Cocreate page extends this, so site-wide page fields can be added in one place."""

    class Meta:
        abstract = True


class HomePage(BasePage):
    hero_title = models.CharField(
        _("hero title"), max_length=120, default=_("Shape the services you use every day")
    )
    hero_text = models.TextField(
        _("hero text"),
        blank=True,
        default=_("Share ideas, vote for what matters to you and hear back from the teams who build it."),
    )
    hero_cta_label = models.CharField(
        _("button label"), max_length=60, blank=True, default=_("Join the community")
    )
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = BasePage.content_panels + [
        MultiFieldPanel(
            [FieldPanel("hero_title"), FieldPanel("hero_text"), FieldPanel("hero_cta_label")],
            heading=_("Hero"),
        ),
        FieldPanel("intro"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "community/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from community.queries import latest_activity

        context = super().get_context(request, *args, **kwargs)
        context["activity"] = latest_activity(viewer=request.user)
        return context
