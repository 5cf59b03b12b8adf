"""App config for beta programmes and touchpoint feedback."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self):
        from feedback import events  # noqa: F401  (registers the "beta-thread" live topic)
        from feedback.models import KeywordRule

        post_save.connect(_rules_changed, sender=KeywordRule, dispatch_uid="feedback-rules-saved")
        post_delete.connect(_rules_changed, sender=KeywordRule, dispatch_uid="feedback-rules-deleted")


def _rules_changed(**kwargs):
    from feedback.tagging import rules_changed

    rules_changed()
