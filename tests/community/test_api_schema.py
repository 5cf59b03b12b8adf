"""The OpenAPI contract: it validates without warnings, documents auth and errors, every endpoint
it lists enforces token scopes, and the docs page works from our own static files."""

import re

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from community.tokens import create_token
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        # --fail-on-warn: a view drf-spectacular cannot describe fails here, not in a client.
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


# The touchpoint endpoint is the public widget's (no token, no session: origin-checked and keyed
# by the touchpoint's public key), documented apart by feedback.api.document_touchpoint.
PUBLIC = ("/touchpoint/",)


def operations(schema):
    for path, item in schema["paths"].items():
        if path.startswith(PUBLIC):
            continue
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield path, method, operation


def test_schema_documents_token_and_session_auth(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {**schemes["tokenAuth"], "type": "http", "scheme": "bearer"}
    assert "cookieAuth" in schemes
    for _path, _method, operation in operations(schema):
        assert {"tokenAuth": []} in operation["security"]


def test_every_operation_documents_the_shared_errors(schema):
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"detail", "code"}
    for path, method, operation in operations(schema):
        for code in ("400", "401", "403", "404", "429"):
            assert code in operation["responses"], (path, method, code)
        if method == "post":
            assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"]), path


def test_every_write_endpoint_refuses_a_read_only_token(schema):
    """Whatever the endpoint (and whoever wrote it), a token without `write` cannot write."""
    _token, secret = create_token(by=MemberFactory(), name="t", scopes=["read"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    checked = 0
    for path, method, _operation in operations(schema):
        if method not in {"post", "put", "patch", "delete"}:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = getattr(client, method)(url, "{}", content_type="application/json")
        assert response.status_code == 403, (method, path, response.content)
        assert response.json()["code"] == "missing_scope", (method, path)
        checked += 1
    assert checked >= 5


def test_docs_page_loads_swagger_ui_from_our_static_files():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "http" not in re.sub(r'href="http[^"]*"', "", page).replace("http-equiv", "")
    assert "<script>" not in page and "<style>" not in page  # nothing inline for the CSP
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
