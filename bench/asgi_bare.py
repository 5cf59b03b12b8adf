"""The project's ASGI application with bench/bare_urls.py's bare view in front, for load tools."""

from django.conf import settings

from community.asgi import application  # noqa: F401  (sets Django up)

settings.ROOT_URLCONF = "bare_urls"
