"""App config for the project package: members, teams, notifications, site pages."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from django.urls import register_converter

        from community import api_auth, api_schema, checks, live, signals, unavailable, visibility  # noqa: F401  (registers checks, topics, receivers, schema extensions)
        from community.inputs import IdConverter

        register_converter(IdConverter, "id")
