"""Bad input on every writing endpoint: malformed JSON, a JSON array, wrong types, unknown
fields, NUL and control characters, ids like "²" or past 64 bits, huge and deeply nested
bodies. Each is a 4xx with a JSON body that says what is wrong, nothing is stored, never a 500."""

import json

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from feedback.models import FeedbackItem
from tests.factories import (
    CommentFactory,
    IdeaFactory,
    MemberFactory,
    StaffFactory,
    make_member_of,
    make_poll,
    make_programme,
    make_thread,
)

pytestmark = pytest.mark.django_db

# Every row a write could leave behind.
STORED = ["ideas.Idea", "ideas.Comment", "ideas.Vote", "ideas.StatusChange", "polls.Ballot", "feedback.Thread",
          "feedback.Post", "feedback.Membership", "feedback.ItemStatusChange", "feedback.ItemTag"]


def counts() -> dict:
    return {name: apps.get_model(name).objects.count() for name in STORED}


@pytest.fixture
def world():
    member, staff = MemberFactory(), StaffFactory()
    programme = make_programme()
    make_member_of(programme, member)
    thread = make_thread(programme, member)
    idea = IdeaFactory(author=member)
    return {
        "member": member, "staff": staff, "programme": programme, "thread": thread, "idea": idea,
        "other": IdeaFactory(board=idea.board), "comment": CommentFactory(idea=idea, author=member),
        "poll": make_poll(), "open_beta": make_programme(),
        "item": FeedbackItem.objects.get(thread=thread),
    }


# name → (who, method, url, a valid body)
def endpoints(w) -> dict:
    from ideas.polls.queries import questions_of

    q = questions_of(w["poll"])[0]
    return {
        "post idea": ("member", "post", reverse("api_board_ideas", args=[w["idea"].board_id]),
                      {"title": "Free roaming in the Nordics", "body": "Please"}),
        "edit idea": ("member", "patch", reverse("api_idea", args=[w["idea"].pk]), {"title": "A better title"}),
        "comment": ("member", "post", reverse("api_idea_comments", args=[w["idea"].pk]), {"body": "Yes"}),
        "edit comment": ("member", "patch", reverse("api_comment", args=[w["comment"].pk]), {"body": "Edited"}),
        "withdraw": ("member", "post", reverse("api_idea_withdraw", args=[w["idea"].pk]), {"reason": ""}),
        "status": ("staff", "post", reverse("api_idea_status", args=[w["idea"].pk]),
                   {"status": "planned", "response": "Soon."}),
        "merge": ("staff", "post", reverse("api_idea_merge", args=[w["idea"].pk]), {"into": w["other"].pk}),
        "ballot": ("member", "put", reverse("api_poll_ballot", args=[w["poll"].pk]),
                   {"answers": {str(q.pk): [q.option_list[0].id]}}),
        "thread": ("member", "post", reverse("api_beta_threads", args=[w["programme"].pk]),
                   {"kind": "idea", "title": "A sleep timer please"}),
        "reply": ("member", "post", reverse("api_beta_thread_posts", args=[w["thread"].pk]), {"body": "Also me"}),
        "enrol": ("member", "post", reverse("api_beta_enrol", args=[w["open_beta"].pk]), {"device": ""}),
        "item status": ("staff", "post", reverse("api_feedback_item_status", args=[w["item"].pk]),
                        {"status": "acknowledged"}),
        "item tags": ("staff", "put", reverse("api_feedback_item_tags", args=[w["item"].pk]), {"tags": ["billing"]}),
    }


NAMES = ["post idea", "edit idea", "comment", "edit comment", "withdraw", "status", "merge", "ballot", "thread",
         "reply", "enrol", "item status", "item tags"]


def _wrong_types(valid: dict) -> dict:
    return {key: {"not": ["a", "string"]} for key in valid} or {"answers": "nope"}


def _controls(valid: dict) -> dict:
    """NUL and control characters in every text; a body with no text gets them in a field's name."""
    if not any(isinstance(value, str) and value for value in valid.values()):
        return {**valid, "\x00\x01\x1b": "\x00"}
    return {key: "\x00\x01\x1b" if isinstance(value, str) else value for key, value in valid.items()}


BAD = {
    "malformed": lambda valid: '{"title": "unterminated',
    "array": lambda valid: "[1, 2, 3]",
    "scalar": lambda valid: '"just a string"',
    "wrong types": lambda valid: json.dumps(_wrong_types(valid)),
    "unknown field": lambda valid: json.dumps({**valid, "is_staff": True}),
    "nul and controls": lambda valid: json.dumps(_controls(valid)),
    "deep": lambda valid: "[" * 50_000 + "]" * 50_000,
    "deep object": lambda valid: '{"a":' * 50_000 + "1" + "}" * 50_000,
    "huge": lambda valid: json.dumps({**valid, "body": "x" * 3_000_000}),
}


def _send(world, name, body, content_type="application/json"):
    who, method, url, _valid = endpoints(world)[name]
    client = Client()
    client.force_login(world[who])
    return getattr(client, method)(url, body, content_type=content_type)


@pytest.mark.parametrize("name", NAMES)
def test_the_valid_body_works(world, name):
    """The matrix below changes one thing at a time from a body that is accepted."""
    response = _send(world, name, json.dumps(endpoints(world)[name][3]))
    assert 200 <= response.status_code < 300, response.content


@pytest.mark.parametrize("bad", list(BAD))
@pytest.mark.parametrize("name", NAMES)
def test_bad_input_is_a_clear_4xx_and_stores_nothing(world, name, bad):
    before = counts()
    valid = endpoints(world)[name][3]
    response = _send(world, name, BAD[bad](valid))
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, dict) and body
    if bad == "unknown field":
        assert body["is_staff"] == ["This field is not known."] and body["code"] == "invalid"
    assert counts() == before


@pytest.mark.parametrize("name", NAMES)
def test_a_form_post_is_refused_as_unsupported(world, name):
    before = counts()
    response = _send(world, name, "title=Hello", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and "detail" in response.json()
    assert counts() == before


@pytest.mark.parametrize("value", ["²", "٣", "1e3", -1, 0, 2**63, 10**30, True, None, [], "12abc"])
def test_ids_in_bodies_that_name_no_row_are_400(world, value):
    client = Client()
    client.force_login(world["staff"])
    before = counts()
    merge = client.post(reverse("api_idea_merge", args=[world["idea"].pk]), {"into": value},
                        content_type="application/json")
    reply = client.post(reverse("api_idea_comments", args=[world["idea"].pk]), {"body": "Hi", "parent": value},
                        content_type="application/json")
    assert merge.status_code == 400 and "into" in merge.json()
    if value is not None:  # no parent is a top-level comment
        assert reply.status_code == 400 and "parent" in reply.json()
    ballot = client.put(reverse("api_poll_ballot", args=[world["poll"].pk]), {"answers": {str(value): [1]}},
                        content_type="application/json")
    assert ballot.status_code in (400, 403)
    assert counts() == before | ({"ideas.Comment": before["ideas.Comment"] + 1} if value is None else {})


@pytest.mark.parametrize("raw", ["²", "%C2%B2", "99999999999999999999", "-1", "1.0", "0x10", "%00"])
def test_ids_in_urls_that_name_no_row_are_404(client, world, raw):
    client.force_login(world["member"])
    for prefix in ["ideas", "comments", "polls", "betas", "beta-threads", "feedback", "boards"]:
        response = client.get(f"/api/v1/{prefix}/{raw}/")
        assert response.status_code == 404, (prefix, raw)


@pytest.mark.parametrize("sort, cursor", [
    ("top", "garbage"), ("top", "W10"), ("top", "WyJ4IiwxXQ"), ("top", "W251bGwsMV0"), ("top", "²"), ("top", "x" * 5000),
    ("top", "WzEuMCwgOTk5OTk5OTk5OTk5OTk5OTk5OTk5XQ"),  # [1.0, an id past 64 bits]
    ("top", "WzEwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAsIDVd"),  # [10**30, 5]
    ("trending", "W05hTiwgMV0"),  # [NaN, 1]
    ("new", "WyIyMDIwLTEzLTQ1VDAwOjAwOjAwIiwgM10"),  # a 13th month
])
def test_a_cursor_made_up_is_a_400(client, world, sort, cursor):
    response = client.get(reverse("api_board_ideas", args=[world["idea"].board_id]), {"cursor": cursor, "sort": sort})
    assert response.status_code == 400, cursor
    assert response.json()["cursor"] == ["This page link is not valid: start again from the first page."]


@pytest.mark.parametrize("name", ["api_idea_vote", "api_idea_follow"])
def test_options_is_a_405_in_json_never_a_500(member_client, name):
    """Schemathesis found DRF's OPTIONS metadata answering 500 on views whose input depends on
    the object; the OpenAPI document describes the endpoints instead."""
    from django.urls import reverse

    from tests.factories import IdeaFactory

    response = member_client.options(reverse(name, args=[IdeaFactory().pk]))
    assert response.status_code == 405 and response["Content-Type"].startswith("application/json")


def test_unpaginated_lists_are_documented_as_lists(client):
    """The schema promised pages (DRF's default paginator) where the views answer a plain list."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/betas/", "/api/v1/tags/"):
        answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert answer["type"] == "array", path
        assert isinstance(client.get(path).json(), list)
