"""App config for idea boards."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Ideas")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from community.queries import activity_sources
        from ideas import (  # noqa: F401  (events registers the "idea" live topic)
            events,
            pagecache,
            timeline,
        )
        from ideas.models import Status
        from ideas.queries import latest_ideas, statuses_changed

        pagecache.connect_signals()
        post_save.connect(statuses_changed, sender=Status, dispatch_uid="queries-statuses")
        post_delete.connect(statuses_changed, sender=Status, dispatch_uid="queries-statuses-d")
        if latest_ideas not in activity_sources:
            activity_sources.append(latest_ideas)
        # The customer panel's timeline (community.timeline).
        timeline.register()
