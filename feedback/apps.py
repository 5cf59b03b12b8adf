"""App config for beta programmes and touchpoint feedback."""

from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self):
        from community import audience
        from feedback import events  # noqa: F401  (registers the "beta-thread" live topic)
        from feedback.models import KeywordRule, RoutingRule

        # A poll placed under a beta programme (its exit survey) asks the programme's members.
        audience.register_audience_kind(
            audience.PROGRAMME, _("The members of its beta programme"), members=_programme_members, private=True
        )
        post_save.connect(_rules_changed, sender=KeywordRule, dispatch_uid="feedback-rules-saved")
        post_delete.connect(_rules_changed, sender=KeywordRule, dispatch_uid="feedback-rules-deleted")
        # Routing rules and their tags: every process recompiles at its next use.
        post_save.connect(_routing_changed, sender=RoutingRule, dispatch_uid="feedback-routing-saved")
        post_delete.connect(_routing_changed, sender=RoutingRule, dispatch_uid="feedback-routing-deleted")
        m2m_changed.connect(_routing_changed, sender=RoutingRule.tags.through, dispatch_uid="feedback-routing-tags")


def _rules_changed(**kwargs):
    from feedback.tagging import rules_changed

    rules_changed()


def _routing_changed(**kwargs):
    from feedback.routing import rules_changed

    rules_changed()


def _programme_members(page, members):
    """The active members of the beta programme the page sits in, who may see inside it."""
    from wagtail.models import Page

    from feedback.models import Membership
    from feedback.pages import BetaProgramPage
    from feedback.queries import members_inside

    programme = BetaProgramPage.objects.filter(path=page.path[: -Page.steplen]).first() if page.path else None
    if programme is None:
        return members.none()
    active = Membership.objects.filter(programme=programme, state=Membership.State.ACTIVE).values("member_id")
    return members_inside(programme, members).filter(pk__in=active)
