"""App config for idea boards."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Ideas")

    def ready(self):
        from community.queries import activity_sources
        from ideas import (
            events,  # noqa: F401  (registers the "idea" live topic)
            timeline,
        )
        from ideas.queries import latest_ideas

        if latest_ideas not in activity_sources:
            activity_sources.append(latest_ideas)
        # The customer panel's timeline (community.timeline).
        timeline.register()
