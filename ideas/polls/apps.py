"""App config for polls: product teams ask, the community answers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "ideas.polls"
    label = "polls"
    verbose_name = _("Polls")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from community.queries import activity_sources
        from ideas.polls import events, signals, timeline  # noqa: F401  (registers the "poll" topic, publish receiver)
        from ideas.polls.queries import latest_polls

        if latest_polls not in activity_sources:
            activity_sources.append(latest_polls)
        # The customer panel's timeline (community.timeline).
        timeline.register()
