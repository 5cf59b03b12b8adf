"""When the database cannot be reached: a short 503 page in the visitor's language (the API a
JSON 503), one log line a minute instead of a traceback a request, and service again as soon as
a new connection succeeds (Django opens one per request, or health-checks a persistent one)."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

from community.outages import Outage

RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"
database_outage = Outage("The database")


def is_database_unavailable(exc) -> bool:
    # OperationalError: refused, dropped or restarting server (also a lock or statement timeout:
    # "try again shortly" is the right answer there too). InterfaceError: a closed connection.
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable_response(request):
    """503 without touching the database: no member, no session, no menus from the page tree."""
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {"detail": _("The service is briefly unavailable. Try again in a moment.")}, status=503
        )
    else:
        html = render_to_string("community/unavailable.html", {"site_name": settings.WAGTAIL_SITE_NAME})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database outage in a view into the 503 page (before Django logs a traceback)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        database_outage.failed(exception, "Visitors get the 503 page.")
        return unavailable_response(request)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: an outage that struck before the view (loading the session or the member in
    a middleware) is still the 503 page; anything else is Django's 500 page."""
    exc = sys.exc_info()[1]
    if exc is not None and is_database_unavailable(exc):
        database_outage.failed(exc, "Visitors get the 503 page.")
        return unavailable_response(request)
    return defaults.server_error(request, template_name)


class QuietDatabaseOutage(logging.Filter):
    """Drops django.request's per-request traceback for an outage: `database_outage` has
    already said it, once a minute."""

    def filter(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        return not (exc is not None and is_database_unavailable(exc))


@receiver(connection_created)
def _connected(sender, connection, **kwargs):
    database_outage.succeeded()
