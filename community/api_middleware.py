"""Limits every API write shares, applied before the view runs: the body size (413) and
idempotency keys (community/idempotency.py). Only DRF views under /api/ are concerned, so a
new endpoint gets both without doing anything."""

import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.parsers import MultiPartParser
from rest_framework.views import APIView

from community import idempotency
from community.api_auth import load_token
from community.api_base import json_error
from community.tokens import hash_secret

KEY_PATTERN = re.compile(rf"^[\x21-\x7e]{{1,{idempotency.MAX_KEY_LENGTH}}}$")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _api_view_class(view_func):
    cls = getattr(view_func, "cls", None)
    return cls if isinstance(cls, type) and issubclass(cls, APIView) else None


def body_limit(view_class) -> int:
    """A view may set `max_body_bytes`; one that takes uploads (multipart) gets the upload limit."""
    declared = getattr(view_class, "max_body_bytes", None)
    if declared:
        return declared
    if any(issubclass(p, MultiPartParser) for p in view_class.parser_classes):
        return settings.API_MAX_UPLOAD_BYTES
    return settings.API_MAX_BODY_BYTES


def _owner(request) -> str | None:
    """Whose keys these are: the token (each token its own), else the signed-in member. A token
    that no longer authenticates owns nothing: its request goes on to the 401, never a replay."""
    auth = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(auth) == 2 and auth[0].lower() in {"bearer", "token"}:
        key_hash = hash_secret(auth[1])
        found = load_token(key_hash)  # cached: the authenticator reads the same entry next
        if found is None or not found[1].is_usable_by(found[0]):
            return None
        return "token:" + key_hash[:40]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


class ApiRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        claimed = getattr(request, "_idempotency_claim", None)
        if claimed:
            idempotency.finish(**claimed, response=response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path.startswith("/api/") or request.method not in WRITES:
            return None
        view_class = _api_view_class(view_func)
        if view_class is None:
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > body_limit(view_class):
            return json_error(_("The request body is too large."), "payload_too_large", 413)
        key = request.headers.get("Idempotency-Key")
        if key is None or request.method != "POST":
            return None
        if not KEY_PATTERN.match(key):
            return json_error(
                _("An Idempotency-Key is 1 to 200 visible ASCII characters."), "invalid_idempotency_key", 400
            )
        owner = _owner(request)
        if owner is None:  # anonymous writes and dead tokens are refused by the view anyway
            return None
        # Uploads are not read here (they may be large): for them a key replays by key alone.
        multipart = request.content_type == "multipart/form-data"
        body_hash = "" if multipart else idempotency.fingerprint(request.body)
        claim = {"owner": owner, "key": key, "method": request.method, "path": request.path[:500]}
        try:
            replay = idempotency.claim(**claim, body_hash=body_hash)
        except idempotency.Conflict as conflict:
            if conflict.reason == "mismatch":
                return json_error(
                    _("This Idempotency-Key was already used with a different request body."),
                    "idempotency_key_reused", 422,
                )
            return json_error(
                _("A request with this Idempotency-Key is still being processed. Retry shortly."),
                "idempotency_in_progress", 409, headers={"Retry-After": "1"},
            )
        if replay is not None:
            return replay
        request._idempotency_claim = claim
        return None
