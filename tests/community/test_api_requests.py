"""What every API request shares: idempotency keys, content types, sizes, throttles, error shape."""

import json
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from community.idempotency import IdempotencyRecord
from community.tokens import create_token
from ideas.models import Idea
from tests.factories import MemberFactory, make_board
from tests.postgres import require_postgresql

pytestmark = pytest.mark.django_db

WRITE_URL = "/api/v1/notifications/read/"


def bearer(member=None, scopes=("read", "write")):
    _token, secret = create_token(by=member or MemberFactory(), name="t", scopes=list(scopes))
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def post_idea(client, board, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/boards/{board.pk}/ideas/", body, content_type="application/json", **headers)


# --- Idempotency ---------------------------------------------------------------------------------


def test_same_key_replays_the_first_response_and_writes_once():
    client, board = bearer(), make_board()
    first = post_idea(client, board, {"title": "Idempotent idea"}, key="abc-1")
    again = post_idea(client, board, {"title": "Idempotent idea"}, key="abc-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Idea.objects.filter(title="Idempotent idea").count() == 1


def test_same_key_with_another_body_is_422():
    client, board = bearer(), make_board()
    post_idea(client, board, {"title": "First body here"}, key="k")
    response = post_idea(client, board, {"title": "Second body here"}, key="k")
    assert response.status_code == 422 and response.json()["code"] == "idempotency_key_reused"
    assert not Idea.objects.filter(title="Second body here").exists()


def test_keys_belong_to_their_caller_and_path():
    board = make_board()
    one, two = bearer(), bearer()
    post_idea(one, board, {"title": "Caller one idea"}, key="same")
    assert post_idea(two, board, {"title": "Caller two idea"}, key="same").status_code == 201
    other_board = make_board()
    assert post_idea(one, other_board, {"title": "Caller one idea"}, key="same").status_code == 201


def test_without_a_key_nothing_is_stored_or_replayed():
    client, board = bearer(), make_board()
    post_idea(client, board, {"title": "Twice posted idea"})
    assert not post_idea(client, board, {"title": "Twice posted idea"}).has_header("Idempotent-Replayed")
    assert not IdempotencyRecord.objects.exists()


def test_refusals_are_not_kept_so_the_key_can_be_retried():
    member = MemberFactory()
    reader = bearer(member, scopes=["read"])
    board = make_board()
    assert post_idea(reader, board, {"title": "Needs write scope"}, key="retry").status_code == 403
    assert not IdempotencyRecord.objects.exists()


def test_validation_errors_are_kept_and_replayed():
    client, board = bearer(), make_board()
    first = post_idea(client, board, {"title": ""}, key="bad")
    assert first.status_code == 400
    assert post_idea(client, board, {"title": ""}, key="bad").json() == first.json()


def test_expired_key_runs_again():
    client, board = bearer(), make_board()
    post_idea(client, board, {"title": "Old idempotent idea"}, key="old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    response = post_idea(client, board, {"title": "Old idempotent idea"}, key="old")
    assert response.status_code == 201 and not response.has_header("Idempotent-Replayed")


def test_in_progress_key_is_409():
    member = MemberFactory()
    client, board = bearer(member), make_board()
    IdempotencyRecord.objects.create(
        owner="token:" + _token_hash(client), key="busy", method="POST", path=f"/api/v1/boards/{board.pk}/ideas/",
        fingerprint="",
    )
    response = post_idea(client, board, {"title": "Busy idea here"}, key="busy")
    assert response.status_code == 422  # the claim holds another body (none)
    IdempotencyRecord.objects.update(fingerprint=_fingerprint({"title": "Busy idea here"}))
    response = post_idea(client, board, {"title": "Busy idea here"}, key="busy")
    assert response.status_code == 409 and response["Retry-After"] == "1"
    assert not Idea.objects.filter(title="Busy idea here").exists()


def _fingerprint(body):
    from django.core.serializers.json import DjangoJSONEncoder

    from community.idempotency import fingerprint

    return fingerprint(json.dumps(body, cls=DjangoJSONEncoder).encode())


def _token_hash(client):
    from community.tokens import hash_secret

    return hash_secret(client.defaults["HTTP_AUTHORIZATION"].split()[1])[:40]


@pytest.mark.parametrize("key", ["", "x" * 201, "has space", "nul\x00"])
def test_bad_keys_are_400(key):
    client, board = bearer(), make_board()
    response = client.post(
        f"/api/v1/boards/{board.pk}/ideas/", {"title": "Key test idea"}, content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_idempotency_key"


def test_prune_deletes_records_past_a_day():
    IdempotencyRecord.objects.create(owner="user:1", key="a", method="POST", path="/api/x/",
                                     created_at=timezone.now() - timedelta(hours=25))
    IdempotencyRecord.objects.create(owner="user:1", key="b", method="POST", path="/api/x/")
    call_command("prune_api_records")
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["b"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_write_once():
    require_postgresql()
    member = MemberFactory()
    _token, secret = create_token(by=member, name="t", scopes=["read", "write"])
    board = make_board()
    barrier = threading.Barrier(6)
    answers = []

    def post():
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        barrier.wait()
        try:
            response = post_idea(client, board, {"title": "Raced idempotent idea"}, key="race")
            answers.append((response.status_code, response.has_header("Idempotent-Replayed")))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Idea.objects.filter(title="Raced idempotent idea").count() == 1
    # One request ran the service; the others waited their turn (409) or got its answer replayed.
    assert answers.count((201, False)) == 1
    assert all(answer in {(201, False), (201, True), (409, False)} for answer in answers), answers


# --- Content types, sizes, malformed input -------------------------------------------------------


def test_form_encoded_body_is_415():
    client, board = bearer(), make_board()
    response = client.post(f"/api/v1/boards/{board.pk}/ideas/", {"title": "Form posted idea"})
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def test_huge_body_is_413_json():
    client, board = bearer(), make_board()
    body = json.dumps({"title": "Huge", "body": "x" * 3_000_000})
    response = client.post(f"/api/v1/boards/{board.pk}/ideas/", body, content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"


@override_settings(API_MAX_BODY_BYTES=100)
def test_body_limit_comes_from_settings():
    response = bearer().post(WRITE_URL, json.dumps({"ids": list(range(1, 60))}), content_type="application/json")
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", None),
        ("[" * 100_000 + "]" * 100_000, None),  # deeper than Python's parser goes
        ('{"ids": "all"}', "ids"),
        ('{"ids": [1, "x"]}', "ids"),
        ('{"ids": [1], "everything": true}', "everything"),  # unknown field
        ("[1, 2]", "non_field_errors"),
        ("null", "non_field_errors"),
        ('"\\u0000"', "non_field_errors"),
    ],
)
def test_bad_json_is_400_with_detail_and_code(body, field):
    response = bearer().post(WRITE_URL, body, content_type="application/json")
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["detail"] and data["code"] in {"parse_error", "invalid"}
    if field:
        assert data[field]


def test_unknown_fields_are_named():
    response = bearer().post(WRITE_URL, {"ids": [1], "idz": [2]}, content_type="application/json")
    assert response.json()["idz"] == ["This field is not known."]


def test_errors_are_json_with_detail_and_code():
    client = Client()
    not_found = client.get("/api/v1/ideas/999999/")
    assert not_found.status_code == 404 and set(not_found.json()) == {"detail", "code"}
    anonymous = client.post(WRITE_URL, {}, content_type="application/json")
    assert anonymous.status_code == 403 and anonymous.json()["code"] == "not_authenticated"
    wrong_method = bearer().delete(WRITE_URL)
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == "method_not_allowed"


# --- Throttling ----------------------------------------------------------------------------------


@override_settings(API_THROTTLE_RATES={"ip": "1000/min", "user": "1000/min", "token": "3/min"})
def test_token_throttle_is_429_with_retry_after():
    client = bearer()
    statuses = [client.get("/api/v1/notifications/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/notifications/")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["code"] == "throttled" and response.json()["retry_after"] >= 1


@override_settings(API_THROTTLE_RATES={"ip": "1000/min", "user": "2/min", "token": "1000/min"})
def test_member_throttle_counts_all_their_tokens_together():
    member = MemberFactory()
    one, two = bearer(member), bearer(member)
    assert one.get("/api/v1/notifications/").status_code == 200
    assert two.get("/api/v1/notifications/").status_code == 200
    assert two.get("/api/v1/notifications/").status_code == 429
    assert bearer().get("/api/v1/notifications/").status_code == 200  # someone else


@override_settings(API_THROTTLE_RATES={"ip": "2/min", "user": "1000/min", "token": "1000/min"})
def test_ip_throttle_counts_anonymous_clients():
    client = Client()
    statuses = [client.get("/api/v1/ideas/1/").status_code for _ in range(3)]
    assert statuses[-1] == 429
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get("/api/v1/ideas/1/").status_code == 404


def test_a_revoked_token_gets_401_not_the_stored_answer():
    member = MemberFactory()
    token, secret = create_token(by=member, name="t", scopes=["read", "write"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    board = make_board()
    assert post_idea(client, board, {"title": "Posted before revoking"}, key="r").status_code == 201
    token.revoked_at = timezone.now()
    token.save()
    assert post_idea(client, board, {"title": "Posted before revoking"}, key="r").status_code == 401
