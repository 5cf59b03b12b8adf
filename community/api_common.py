"""What every app's REST API shares: strict input, the service-refusal mapping, cursor pages and
the error responses the schema documents.

Refusals are worded once, by the rules: NotAllowed becomes a 403 with {"detail": reason}, a
service's ValidationError a 400 with the message under the input it concerns (its code), and
anything the caller may not see a 404 like a missing id.
"""

from contextlib import contextmanager

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.views import exception_handler as drf_exception_handler

from community import cursor as cursors
from community.rules import NotAllowed


class StrictInput(serializers.Serializer):
    """An input serializer that refuses fields it does not know (a typo is an error, not a
    silently ignored value)."""

    def validate(self, attrs):
        if isinstance(self.initial_data, dict):
            unknown = sorted(str(key)[:60] for key in self.initial_data if key not in self.fields)
            if unknown:
                raise ValidationError({key: [_("Unknown field.")] for key in unknown[:20]})
        return super().validate(attrs)


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request is too large.")
    default_code = "too_large"


def exception_handler(exc, context):
    """DRF's handler, and a body over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (which DRF meets when it
    reads request.data) a JSON 413 instead of Django's HTML 400 page."""
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    return drf_exception_handler(exc, context)


@contextmanager
def refusals(field: str = "detail", fields=()):
    """Run a service: NotAllowed is a 403 in the rule's words; a ValidationError is a 400 under
    its code when that names one of `fields` (or what a dict maps the code to), else under `field`."""
    names = fields if isinstance(fields, dict) else {name: name for name in fields}
    try:
        yield
    except NotAllowed as refusal:
        raise PermissionDenied(str(refusal)) from None
    except DjangoValidationError as error:
        raise ValidationError({names.get(getattr(error, "code", None), field): error.messages}) from None


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


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Why, in the caller's language.")


class FieldErrorsSerializer(serializers.Serializer):
    """A 400: each input that was refused with its messages."""

    field = serializers.ListField(child=serializers.CharField(), required=False,
                                  help_text="Each refused input (by its name) with its messages.")


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
        code: OpenApiResponse(FieldErrorsSerializer if code == 400 else ErrorSerializer, description=_DESCRIPTIONS[code])
        for code in codes
    }


READ_ERRORS = (404, 429)
WRITE_ERRORS = (400, 403, 404, 415, 429)
