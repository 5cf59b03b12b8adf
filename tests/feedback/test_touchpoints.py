"""The public touchpoint endpoint: origins, keys, CORS, CSRF, scores, signed references, limits."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import CustomerNumber, FeedbackItem, TouchpointAnswer
from tests.factories import MemberFactory, TouchpointFactory

pytestmark = pytest.mark.django_db
ORIGIN = "https://minside.example.com"


@pytest.fixture
def touchpoint():
    return TouchpointFactory(name="Invoice")


def post(client, touchpoint, data, origin=ORIGIN, **extra):
    body = data if isinstance(data, (bytes, str)) else json.dumps(data)
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    return client.post(reverse("touchpoint_answer", args=[touchpoint.public_key]), body,
                       content_type="application/json", REMOTE_ADDR=extra.pop("ip", "203.0.113.9"), **headers, **extra)


def test_an_answer_becomes_a_tagged_item(client, touchpoint):
    response = post(client, touchpoint, {"score": 3, "comment": "Fakturaen er uforståelig", "language": "da"})
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    answer = TouchpointAnswer.objects.get()
    assert (answer.score, answer.language, answer.member) == (3, "da", None)
    item = FeedbackItem.objects.get(answer=answer)
    assert item.source == "touchpoint" and "invoice" in set(item.tags.values_list("slug", flat=True))


@pytest.mark.parametrize("score", [11, -1, "7", 7.5, None, True, [7], {"n": 7}])
def test_bad_scores_are_refused(client, touchpoint, score):
    response = post(client, touchpoint, {"score": score})
    assert response.status_code == 400
    assert response.json()["error"]["score"]
    assert not TouchpointAnswer.objects.exists()


@pytest.mark.parametrize("body", [b"not json", b"[]", b"null", b"[" * 5000 + b"]" * 5000, "\x00"])
def test_junk_bodies_are_400(client, touchpoint, body):
    assert post(client, touchpoint, body).status_code in (400, 413)


def test_oversized_body_is_413(client, touchpoint):
    assert post(client, touchpoint, {"score": 5, "comment": "x" * 5000}).status_code == 413


def test_long_comment_is_refused_with_a_message(client, touchpoint):
    response = post(client, touchpoint, {"score": 5, "comment": "ø" * 1500})
    assert response.status_code in (400, 413)


def test_unknown_key_is_404(client):
    response = client.post("/touchpoint/v1/tp_nope/", "{}", content_type="application/json", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 404


def test_other_origins_are_refused_without_cors(client, touchpoint):
    for origin in ["https://evil.example", "", "null", "https://minside.example.com.evil.example"]:
        response = post(client, touchpoint, {"score": 9}, origin=origin)
        assert response.status_code == 403
        assert "Access-Control-Allow-Origin" not in response
    assert not TouchpointAnswer.objects.exists()


def test_revoked_key_is_refused(client, touchpoint, staff):
    services.revoke_touchpoint(touchpoint=touchpoint, by=staff)
    assert post(client, touchpoint, {"score": 9}).status_code == 403
    assert client.get(reverse("touchpoint_answer", args=[touchpoint.public_key]), HTTP_ORIGIN=ORIGIN).status_code == 403
    assert not TouchpointAnswer.objects.exists()


def test_preflight_answers_allowed_origins_only(client, touchpoint):
    url = reverse("touchpoint_answer", args=[touchpoint.public_key])
    ok = client.options(url, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert ok.status_code == 204 and ok["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in ok["Access-Control-Allow-Methods"]
    bad = client.options(url, HTTP_ORIGIN="https://evil.example")
    assert bad.status_code == 403 and "Access-Control-Allow-Origin" not in bad


def test_words_come_in_the_page_language(client, touchpoint):
    url = reverse("touchpoint_answer", args=[touchpoint.public_key])
    words = client.get(url, {"lang": "da"}, HTTP_ORIGIN=ORIGIN).json()
    assert words["language"] == "da" and words["send"] != "Send" or words["language"] == "da"
    assert client.get(url, {"lang": "xx"}, HTTP_ORIGIN=ORIGIN).json()["language"] == "en"


def test_signed_reference_links_the_member(client, touchpoint):
    member = MemberFactory()
    CustomerNumber.objects.create(member=member, number="100234")
    signature = services.sign_reference(touchpoint, "100234")
    response = post(client, touchpoint, {"score": 2, "reference": "100234", "signature": signature})
    assert response.status_code == 201
    answer = TouchpointAnswer.objects.get()
    assert answer.member == member and answer.item.author == member


def test_forged_reference_is_refused(client, touchpoint):
    CustomerNumber.objects.create(member=MemberFactory(), number="100234")
    other = TouchpointFactory()
    for signature in ["", "0" * 64, services.sign_reference(other, "100234"), None, 7]:
        response = post(client, touchpoint, {"score": 2, "reference": "100234", "signature": signature})
        assert response.status_code == 400 and response.json()["error"]["reference"]
    assert not TouchpointAnswer.objects.exists()


def test_signed_in_session_never_links_an_answer(client, touchpoint, member):
    """CSRF-exempt is safe because the endpoint never acts for the session's member."""
    client.force_login(member)
    assert post(client, touchpoint, {"score": 9}).status_code == 201
    assert TouchpointAnswer.objects.get().member is None
    assert not FeedbackItem.objects.filter(author=member).exists()


def test_csrf_is_not_needed_but_origin_is(touchpoint):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post(strict, touchpoint, {"score": 8}).status_code == 201
    assert post(strict, touchpoint, {"score": 8}, origin="https://evil.example").status_code == 403


def test_a_flood_from_one_client_is_limited(client, touchpoint):
    from feedback.public import PER_CLIENT_PER_MINUTE

    codes = [post(client, touchpoint, {"score": 5}).status_code for _ in range(PER_CLIENT_PER_MINUTE + 3)]
    assert codes.count(201) == PER_CLIENT_PER_MINUTE and codes[-1] == 429
    assert post(client, touchpoint, {"score": 5}, ip="198.51.100.7").status_code == 201
    assert TouchpointAnswer.objects.count() == PER_CLIENT_PER_MINUTE + 1


def test_per_key_limit(client, touchpoint, monkeypatch):
    monkeypatch.setattr("feedback.public.PER_KEY_PER_MINUTE", 3)
    codes = [post(client, touchpoint, {"score": 5}, ip=f"198.51.100.{n}").status_code for n in range(5)]
    assert codes == [201, 201, 201, 429, 429]


def test_touchpoint_nps_is_its_own(touchpoint):
    from feedback.queries import touchpoint_scores

    for score in [10, 9, 8, 3, 0]:
        services.submit_answer(touchpoint=touchpoint, score=score)
    other = TouchpointFactory(name="App")
    services.submit_answer(touchpoint=other, score=10)
    rows = {row.name: row for row in touchpoint_scores()}
    assert (rows["Invoice"].total, rows["Invoice"].nps) == (5, 0)
    assert rows["App"].nps == 100


def test_old_answers_leave_the_90_days(touchpoint):
    from datetime import timedelta

    from feedback.queries import touchpoint_scores

    answer = services.submit_answer(touchpoint=touchpoint, score=10)
    TouchpointAnswer.objects.filter(pk=answer.pk).update(created_at=timezone.now() - timedelta(days=91))
    assert touchpoint_scores()[0].total == 0


def test_only_the_comment_is_tagged(touchpoint):
    answer = services.submit_answer(touchpoint=touchpoint, score=8)
    assert not answer.item.tags.exists()
    answer = services.submit_answer(touchpoint=touchpoint, score=2, comment="Factuur is te hoog", language="nl")
    assert list(answer.item.tags.values_list("slug", flat=True)) == ["invoice"]
