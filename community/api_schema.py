"""The OpenAPI document's shared parts: the token scheme, the error component every operation
answers with, and the Idempotency-Key header of every POST. Added by a postprocessing hook, so
endpoints written later get them without any decorator."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object

ERROR = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in the member's language."},
        "code": {"type": "string", "description": "A stable machine-readable code, e.g. `missing_scope`."},
    },
    "required": ["detail", "code"],
    "example": {"detail": "This token lacks the “write” scope.", "code": "missing_scope"},
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "`detail` and `code` (`invalid`), and each invalid field's messages under its name.",
    "properties": ERROR["properties"],
    "required": ["detail", "code"],
    "additionalProperties": {},
    "example": {"detail": "Please give a title.", "code": "invalid", "title": ["Please give a title."]},
}
THROTTLED = {
    **ERROR,
    "properties": {**ERROR["properties"], "retry_after": {"type": "integer", "description": "Seconds to wait."}},
    "example": {"detail": "Request was throttled. Expected available in 12 seconds.", "code": "throttled",
                "retry_after": 12},
}

# status: (description, component)
COMMON = {
    "400": ("Malformed JSON, wrong types, unknown or invalid fields.", "ValidationError"),
    "401": ("The token is unknown, revoked or expired.", "Error"),
    "403": ("Not signed in, a missing scope, or a rule refuses (its words in `detail`).", "Error"),
    "404": ("Nothing with this id that you may see.", "Error"),
    "429": ("Too many requests: retry after the `Retry-After` header's seconds.", "Throttled"),
}
WITH_BODY = {
    "413": ("The request body is too large.", "Error"),
    "415": ("The body is not `application/json` (or multipart where an endpoint takes uploads).", "Error"),
}
POST_ONLY = {
    "409": ("A request with the same Idempotency-Key is still running.", "Error"),
    "422": ("The Idempotency-Key was used before with a different body.", "Error"),
}
IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "maxLength": 200, "pattern": "^[!-~]{1,200}$"},
    "description": "Makes the POST safe to retry: its first response is replayed for 24 hours.",
}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "community.api_auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")
        scheme["description"] = (
            "A personal or integration token: `Authorization: Bearer cc_…`. Scopes: `read` (GET), "
            "`write` (everything else), `staff` (staff endpoints)."
        )
        return scheme


def _response(description: str, component: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update({"Error": ERROR, "ValidationError": VALIDATION_ERROR, "Throttled": THROTTLED})
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            extra = dict(COMMON)
            if method in {"post", "put", "patch"}:
                extra.update(WITH_BODY)
            if method == "post":
                extra.update(POST_ONLY)
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                    parameters.append(IDEMPOTENCY_HEADER)
            for code, (description, component) in extra.items():
                operation["responses"].setdefault(code, _response(description, component))
    return result
