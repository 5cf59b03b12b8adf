"""What every app's REST API shares: strict input, the service-refusal mapping, cursor pages and
the error responses the schema documents.

Refusals are worded once, by the rules: NotAllowed becomes a 403 with {"detail": reason}, a
service's ValidationError a 400 with the message under the input it concerns (its code), and
anything the caller may not see a 404 like a missing id.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError

from community import cursor as cursors
from community.api_auth import token_allows_team
from community.api_base import ErrorSerializer, StrictSerializer, ValidationErrorSerializer
from community.rules import Changed, NotAllowed

# Input serializers refuse unknown fields; the error shape and handler live in community.api_base.
StrictInput = StrictSerializer


class ConflictError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


@contextmanager
def refusals(field: str = "detail", fields=()):
    """Run a service: NotAllowed is a 403 in the rule's words (Changed, a save that came second,
    a 409); a ValidationError is a 400 under its code when that names one of `fields` (or what a
    dict maps the code to), else under `field`."""
    names = fields if isinstance(fields, dict) else {name: name for name in fields}
    try:
        yield
    except Changed as conflict:
        raise ConflictError(str(conflict)) from None
    except NotAllowed as refusal:
        raise PermissionDenied(str(refusal)) from None
    except DjangoValidationError as error:
        raise ValidationError({names.get(getattr(error, "code", None), field): error.messages}) from None


class TeamRefSerializer(serializers.Serializer):
    """A team as every staff endpoint names it."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


def check_token_team(request, team) -> None:
    """A token limited to some teams acts only on their things (a session, or a token without a
    team limit, passes): the member's own team rules are asked separately, by the service."""
    if team is not None and not token_allows_team(request, team):
        raise PermissionDenied(_("This token may not act for the %(team)s team.") % {"team": team.name})


def page(queryset, request, *, ordering, size: int):
    """A cursor page of the queryset for the request's `cursor` parameter: (rows, next cursor)."""
    try:
        return cursors.cursor_page(queryset, ordering=ordering, cursor=request.query_params.get("cursor"), size=size)
    except cursors.BadCursor:
        raise ValidationError({"cursor": [cursors.bad_cursor_message()]}) from None


CURSOR = OpenApiParameter(
    "cursor", OpenApiTypes.STR, description="The `next` value of the previous page; leave out for the first page."
)


# --- Schema ---------------------------------------------------------------------------------------


_DESCRIPTIONS = {
    400: "Malformed JSON, a wrong type, an unknown field, or a value the rules refuse (messages by field).",
    401: "Not signed in.",
    403: "Not allowed: the rule's reason in `detail`.",
    404: "No such object, or one the caller may not see.",
    409: "The object changed meanwhile, or the Idempotency-Key was reused with another request.",
    413: "The request body is too large.",
    415: "Send JSON (application/json).",
    429: "Too many requests: slow down.",
}


def errors(*codes) -> dict:
    """The error responses of an endpoint, for extend_schema(responses={...})."""
    return {
        code: OpenApiResponse(ValidationErrorSerializer if code == 400 else ErrorSerializer, description=_DESCRIPTIONS[code])
        for code in codes
    }


READ_ERRORS = (404, 429)
WRITE_ERRORS = (400, 403, 404, 415, 429)
