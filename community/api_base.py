"""What every API endpoint shares: strict input serializers, the error format, the error schema.

Every error is JSON with a human `detail` (translated) and a machine `code`:

    {"detail": "This token lacks the “write” scope.", "code": "missing_scope"}

A validation error also carries each field's messages under the field's name:

    {"detail": "Check the fields marked.", "code": "invalid", "title": ["Please give a title."]}
"""

from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.views import exception_handler as drf_exception_handler


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "payload_too_large"


class StrictSerializer(serializers.Serializer):
    """A serializer that refuses fields it does not know (a typo must not pass silently)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(name)[:100] for name in data if name not in known)
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("This field is not known.")] for name in unknown[:20]}, code="unknown_field"
                )
        return super().to_internal_value(data)


class StrictModelSerializer(StrictSerializer, serializers.ModelSerializer):
    pass


def _first_message(errors) -> str | None:
    if isinstance(errors, dict):
        for value in errors.values():
            found = _first_message(value)
            if found:
                return found
    elif isinstance(errors, list):
        for value in errors:
            found = _first_message(value)
            if found:
                return found
    elif errors:
        return str(errors)
    return None


def api_exception_handler(exc, context):
    """DRF's handler, then one shape for every error. A failed token (401) keeps its status even
    when the session authenticator comes first (DRF would otherwise answer 403)."""
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    if isinstance(exc, exceptions.AuthenticationFailed):
        exc.status_code = status.HTTP_401_UNAUTHORIZED
        exc.auth_header = 'Bearer realm="api"'
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        body = {key: value for key, value in errors.items() if key not in {"detail", "code"}}
        detail = errors.get("detail")
        body["detail"] = _first_message(detail) if detail else _("Check the fields marked.")
        body["code"] = "invalid"
        if detail and not isinstance(detail, str):
            body["non_field_errors"] = [*body.get("non_field_errors", []), *_flatten(detail)]
    else:
        detail = response.data.get("detail") if isinstance(response.data, dict) else response.data
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = {"detail": _first_message(detail) or str(exc), "code": code}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["retry_after"] = int(exc.wait)
    response.data = body
    return response


def _flatten(errors) -> list[str]:
    if isinstance(errors, dict):
        return [m for v in errors.values() for m in _flatten(v)]
    if isinstance(errors, list):
        return [m for v in errors for m in _flatten(v)]
    return [str(errors)]


def json_error(detail: str, code: str, status_code: int, headers=None):
    """An error answered before DRF runs (middleware), in the same shape."""
    from django.http import JsonResponse

    response = JsonResponse({"detail": str(detail), "code": code}, status=status_code)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# --- The schema's shared error component -------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in the member's language.")
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. `missing_scope`.")


class ValidationErrorSerializer(ErrorSerializer):
    """Besides `detail` and `code`: each invalid field's messages under the field's name."""
