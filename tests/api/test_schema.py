"""The OpenAPI schema: generated without warnings, with every endpoint, its errors and examples,
and the public touchpoint endpoint (a plain Django view) described too."""

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        # --fail-on-warn: a warning (an unnamed field type, a name collision) fails the test.
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


PATHS = [
    "/api/v1/boards/", "/api/v1/boards/{board_id}/", "/api/v1/boards/{board_id}/ideas/", "/api/v1/ideas/{id}/",
    "/api/v1/ideas/{id}/withdraw/", "/api/v1/ideas/{id}/vote/", "/api/v1/ideas/{id}/follow/",
    "/api/v1/ideas/{id}/comments/", "/api/v1/comments/{id}/", "/api/v1/ideas/{id}/status/",
    "/api/v1/ideas/{id}/approve/", "/api/v1/ideas/{id}/reject/", "/api/v1/ideas/{id}/merge/",
    "/api/v1/polls/", "/api/v1/polls/{id}/", "/api/v1/polls/{id}/ballot/",
    "/api/v1/betas/", "/api/v1/betas/{id}/", "/api/v1/betas/{id}/enrol/", "/api/v1/betas/{id}/leave/",
    "/api/v1/betas/{id}/applications/", "/api/v1/beta-applications/{id}/decision/", "/api/v1/betas/{id}/threads/",
    "/api/v1/beta-threads/{id}/", "/api/v1/beta-threads/{id}/posts/", "/api/v1/feedback/mine/",
    "/api/v1/feedback/{id}/", "/api/v1/feedback/{id}/status/", "/api/v1/feedback/{id}/tags/", "/api/v1/tags/",
    "/api/v1/customers/", "/api/v1/customers/{id}/", "/api/v1/customers/{id}/timeline/", "/api/v1/dashboard/",
    "/touchpoint/v1/{key}/",
]


def test_every_endpoint_is_in_the_schema(schema):
    missing = [path for path in PATHS if path not in schema["paths"]]
    assert not missing
    assert not [path for path in schema["paths"] if path.startswith("/admin") or path.startswith("/django-admin")]


@pytest.mark.parametrize("path", PATHS)
def test_each_operation_documents_its_errors_and_writes_their_input(schema, path):
    for method, operation in schema["paths"][path].items():
        codes = set(operation["responses"])
        assert codes & {"400", "401", "403", "404", "429"}, (method, path)
        assert any(code.startswith("2") for code in codes), (method, path)
        if method in ("post", "put", "patch") and "requestBody" in operation:
            assert operation["requestBody"]["content"], (method, path)


def test_writes_with_a_body_have_an_example(schema):
    without = [
        (method, path) for path in PATHS for method, op in schema["paths"][path].items()
        if method in ("post", "put", "patch") and "requestBody" in op
        and not any("example" in c or "examples" in c for c in op["requestBody"]["content"].values())
    ]
    assert without == []


def test_the_touchpoint_endpoint_is_described(schema):
    post = schema["paths"]["/touchpoint/v1/{key}/"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["score"] and body["properties"]["score"]["maximum"] == 10
    assert {"201", "400", "403", "404", "413", "429"} <= set(post["responses"])
    assert "Origin" in post["description"]


def test_thread_posting_accepts_multipart_for_screenshots(schema):
    content = schema["paths"]["/api/v1/betas/{id}/threads/"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(content)
