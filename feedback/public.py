"""The public touchpoint endpoint the widget (or any page on an allowed origin) calls:

    GET     /touchpoint/v1/<key>/?lang=da   the question and labels in that language
    POST    /touchpoint/v1/<key>/           {"score": 0-10, "comment": "...", "reference": "...",
                                             "signature": "<hex HMAC>", "language": "da"}
    OPTIONS /touchpoint/v1/<key>/           the CORS preflight

Why it is exempt from CSRF, and what replaces it: CSRF protection stops another site from making
a signed-in member's browser act with the member's cookies. This endpoint reads no cookie and no
session and never acts for whoever is signed in (an answer is linked to a member only by a
signed reference), so a forged cross-site request can do nothing that a direct one could not.
What it does need is to accept answers only from the touchpoint's own pages: the Origin header
must be on the touchpoint's allow-list (browsers always send it on cross-origin and POST
requests), the key must be active, CORS answers only those origins, and rate limits per key
and per client, plus size limits, bound what a script outside a browser can do.
"""

import json
import logging

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from community import languages
from community.rules import NotAllowed
from feedback import limits, services
from feedback.models import Touchpoint

logger = logging.getLogger(__name__)

MAX_BODY = 4096
PER_KEY_PER_MINUTE = 600
PER_CLIENT_PER_MINUTE = 5
PER_CLIENT_PER_DAY = 50


def _error(status: int, message: str, field: str | None = None, origin: str = "") -> JsonResponse:
    body = {"error": {field: message}} if field else {"detail": message}
    return _cors(JsonResponse(body, status=status), origin)


def _cors(response, origin: str):
    """CORS headers only for an allowed origin (the caller checked it); Vary either way, so a
    cache never serves one origin's answer to another."""
    response["Vary"] = "Origin"
    if origin:
        response["Access-Control-Allow-Origin"] = origin
    response["Cache-Control"] = "no-store"
    return response


def _origin(request) -> str:
    return (request.headers.get("Origin") or "").strip().rstrip("/").lower()[:200]


def _language(request, data=None) -> str:
    raw = (data or {}).get("language") if isinstance(data, dict) else None
    return languages.supported(raw or request.GET.get("lang")) or "en"


@csrf_exempt
def touchpoint(request, key):
    key = key[:40]
    origin = _origin(request)
    found = Touchpoint.objects.filter(public_key=key).first()
    if found is None:
        return _error(404, _("There is no such feedback form."))
    if request.method == "GET":
        # Public words, harmless to anyone. A same-origin GET carries no Origin header, so it is
        # not required here; another site's script can read the answer only if its origin is
        # allowed (CORS), and the widget shows nothing otherwise.
        allowed = origin if origin in found.origins else ""
        if not found.is_active:
            return _error(403, _("This feedback form is no longer in use."), origin=allowed)
        return _cors(JsonResponse(_labels(found, _language(request))), allowed)
    if origin not in found.origins:
        # No CORS headers: the browser hides even this refusal from the other site's script.
        return _error(403, _("This site may not send feedback to this form."))
    if not found.is_active:
        return _error(403, _("This feedback form is no longer in use."), origin=origin)
    if request.method == "OPTIONS":
        response = _cors(HttpResponse(status=204), origin)
        response["Access-Control-Allow-Methods"] = "GET, POST"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "600"
        return response
    if request.method != "POST":
        return _error(405, _("Send the answer with POST."), origin=origin)
    return _submit(request, found, origin)


def _submit(request, found, origin):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY + 1
    if length > MAX_BODY:
        return _error(413, _("This answer is too large."), origin=origin)
    try:
        client = get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        client = "unknown"
    if not limits.allow(f"tp-key:{found.pk}", limit=PER_KEY_PER_MINUTE, seconds=60) or not (
        limits.allow(f"tp-client:{found.pk}:{client}", limit=PER_CLIENT_PER_MINUTE, seconds=60)
        and limits.allow(f"tp-client-day:{found.pk}:{client}", limit=PER_CLIENT_PER_DAY, seconds=86400)
    ):
        return _error(429, _("Too many answers. Please try again later."), origin=origin)
    try:
        data = json.loads(request.body[: MAX_BODY + 1] or b"null")
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        return _error(400, _("Send the answer as a JSON object."), origin=origin)
    language = _language(request, data)
    with translation.override(language):
        try:
            services.submit_answer(
                touchpoint=found, score=data.get("score"), comment=data.get("comment") or "",
                reference=data.get("reference") or "", signature=data.get("signature") or "",
                language=data.get("language"), origin=origin,
            )
        except NotAllowed as refusal:
            return _error(403, str(refusal), origin=origin)
        except ValidationError as error:
            return _error(400, error.messages[0], field=error.code, origin=origin)
        return _cors(JsonResponse({"ok": True, "message": _("Thank you! Your answer helps us do better.")},
                                  status=201), origin)


def _labels(found, language: str) -> dict:
    """What the widget shows, in the page's language (the catalogues hold these strings)."""
    with translation.override(language):
        return {
            "language": language,
            "question": found.question or _("How likely is it that you would recommend us to a friend or colleague?"),
            "low": _("Not at all likely"),
            "high": _("Extremely likely"),
            "score": _("Score %(n)s of 10"),
            "comment": _("What is the main reason for your score? (optional)"),
            "send": _("Send"),
            "sending": _("Sending…"),
            "thanks": _("Thank you! Your answer helps us do better."),
            "choose": _("Choose a score from 0 to 10."),
            "failed": _("Your answer could not be sent. Please try again."),
            "max_comment": services.COMMENT_MAX,
        }
