"""Staff tools in the Wagtail admin: the feedback taxonomy (tags in five languages), keyword rules,
touchpoints (keys and the signing secret) and customer numbers."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from feedback.models import CustomerNumber, KeywordRule, Tag, Touchpoint


class TagViewSet(ModelViewSet):
    model = Tag
    name = "feedback_tags"
    url_prefix = "feedback-tags"
    icon = "tag"
    menu_label = _("Tags")
    form_fields = ["slug", "name_en", "description_en", "name_nb", "description_nb", "name_da", "description_da",
                   "name_sv", "description_sv", "name_nl", "description_nl", "offered"]
    list_display = ["slug", Column("name", label=_("name")), Column("description", label=_("description")), "offered"]
    search_fields = ["slug", "name_en"]
    copy_view_enabled = False


class KeywordRuleForm(WagtailAdminModelForm):
    class Meta:
        model = KeywordRule
        fields = ["name", "tag", "keywords", "active"]
        widgets = {"keywords": forms.Textarea(attrs={"rows": 4})}


class KeywordRuleViewSet(ModelViewSet):
    model = KeywordRule
    name = "feedback_rules"
    url_prefix = "feedback-rules"
    icon = "form"
    menu_label = _("Keyword rules")
    list_display = ["name", "tag", "keywords", "active"]
    search_fields = ["name", "keywords"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return KeywordRuleForm


class TouchpointViewSet(ModelViewSet):
    """Register a touchpoint; its public key and signing secret are made for it. The inspect view
    shows the secret to give to the system that signs customer references. Revoking is on the
    site's touchpoint page (feedback.services.revoke_touchpoint)."""

    model = Touchpoint
    name = "feedback_touchpoints"
    url_prefix = "touchpoints"
    icon = "link"
    menu_label = _("Touchpoints")
    form_fields = ["name", "slug", "owner_team", "allowed_origins", "question"]
    list_display = ["name", "public_key", "revoked_at"]
    inspect_view_enabled = True
    inspect_view_fields = ["name", "public_key", "secret", "allowed_origins", "owner_team", "revoked_at"]
    copy_view_enabled = False


class CustomerNumberViewSet(ModelViewSet):
    model = CustomerNumber
    name = "feedback_customer_numbers"
    url_prefix = "customer-numbers"
    icon = "user"
    menu_label = _("Customer numbers")
    form_fields = ["member", "number"]
    list_display = ["number", "member"]
    search_fields = ["number"]
    copy_view_enabled = False


class FeedbackGroup(ViewSetGroup):
    menu_label = _("Feedback")
    menu_icon = "comment"
    menu_order = 160
    items = (TagViewSet, KeywordRuleViewSet, TouchpointViewSet, CustomerNumberViewSet)


@hooks.register("register_admin_viewset")
def register_feedback_viewsets():
    return FeedbackGroup()
