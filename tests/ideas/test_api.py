"""The ideas REST API: who may do what, bad input, hidden ideas, counts, queries and the schema."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Notification
from ideas import services
from ideas.models import Comment, Idea, Stage, StatusChange, Vote
from tests.factories import (
    CommentFactory,
    IdeaFactory,
    MemberFactory,
    StaffFactory,
    TagFactory,
    idea_status,
    make_board,
)

pytestmark = pytest.mark.django_db


def list_url(board):
    return reverse("api_board_ideas", kwargs={"board_id": board.pk})


def idea_url(name, idea):
    return reverse(name, kwargs={"pk": idea.pk})


def client_as(role):
    """A client signed in as a fresh member of the role (or anonymous), and that member."""
    client = Client()
    person = {
        "anonymous": lambda: None,
        "unverified": lambda: MemberFactory(verified=False),
        "member": MemberFactory,
        "staff": StaffFactory,
    }[role]()
    if person is not None:
        client.force_login(person)
    return client, person


# --- Permission matrix ---------------------------------------------------------------------------


def _list(client, idea):
    return client.get(list_url(idea.board))


def _detail(client, idea):
    return client.get(idea_url("api_idea", idea))


def _create(client, idea):
    return client.post(
        list_url(idea.board), {"title": "Free roaming in the Nordics"}, content_type="application/json"
    )


def _edit(client, idea):
    return client.patch(
        idea_url("api_idea", idea), {"title": "A better title"}, content_type="application/json"
    )


def _vote(client, idea):
    return client.put(idea_url("api_idea_vote", idea))


def _unvote(client, idea):
    return client.delete(idea_url("api_idea_vote", idea))


def _comments(client, idea):
    return client.get(idea_url("api_idea_comments", idea))


def _comment(client, idea):
    return client.post(
        idea_url("api_idea_comments", idea), {"body": "Yes please"}, content_type="application/json"
    )


def _status(client, idea):
    return client.post(
        idea_url("api_idea_status", idea),
        {"status": "planned", "response": "On our plan for Q3."},
        content_type="application/json",
    )


ACTIONS = {
    "list": _list,
    "detail": _detail,
    "create": _create,
    "edit": _edit,
    "vote": _vote,
    "unvote": _unvote,
    "comments": _comments,
    "comment": _comment,
    "status": _status,
}
# Someone else's open idea, seen by each role.
EXPECTED = {
    #             anonymous  unverified  member  staff
    "list": (200, 200, 200, 200),
    "detail": (200, 200, 200, 200),
    "create": (403, 403, 201, 201),
    "edit": (403, 403, 403, 200),
    "vote": (403, 403, 201, 201),
    "unvote": (403, 403, 204, 204),
    "comments": (200, 200, 200, 200),
    "comment": (403, 403, 201, 201),
    "status": (403, 403, 403, 200),
}
ROLES = ["anonymous", "unverified", "member", "staff"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_permission_matrix(role, action):
    idea = IdeaFactory()
    client, _ = client_as(role)
    response = ACTIONS[action](client, idea)
    assert response.status_code == EXPECTED[action][ROLES.index(role)], response.content
    if response.status_code in (400, 403, 404):
        assert response.json()["detail"]


def test_refusals_carry_the_services_words(member_client):
    idea = IdeaFactory(status=idea_status("shipped"))
    response = member_client.put(idea_url("api_idea_vote", idea))
    assert response.status_code == 403
    assert response.json()["detail"] == "This idea is not open for votes."
    response = member_client.post(
        idea_url("api_idea_status", idea),
        {"status": "planned", "response": "x" * 10},
        content_type="application/json",
    )
    assert response.json()["detail"] == "Only staff can change the status of an idea."  # as the idea page says


def test_unverified_member_is_told_to_confirm_their_address(client, unverified_member):
    client.force_login(unverified_member)
    response = client.put(idea_url("api_idea_vote", IdeaFactory()))
    assert response.json()["detail"] == "Confirm your e-mail address to vote."


def test_writes_need_the_csrf_token_with_a_session(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    idea = IdeaFactory()
    response = client.put(idea_url("api_idea_vote", idea))
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Vote.objects.exists()


# --- Hidden ideas --------------------------------------------------------------------------------


@pytest.fixture
def pending_idea(db):
    return IdeaFactory(board=make_board(requires_approval=True), status=idea_status("awaiting-approval"))


@pytest.mark.parametrize("name", ["api_idea", "api_idea_comments"])
def test_a_pending_idea_is_404_for_everyone_but_its_author_and_staff(client, pending_idea, name):
    url = idea_url(name, pending_idea)
    assert client.get(url).status_code == 404
    client.force_login(MemberFactory())
    assert client.get(url).status_code == 404
    client.force_login(pending_idea.author)
    assert client.get(url).status_code == 200
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 200


def test_others_cannot_act_on_a_hidden_idea_by_id(member_client, pending_idea):
    assert member_client.put(idea_url("api_idea_vote", pending_idea)).status_code == 404
    assert _comment(member_client, pending_idea).status_code == 404
    assert _edit(member_client, pending_idea).status_code == 404
    assert Idea.objects.get(pk=pending_idea.pk).title == pending_idea.title


def test_a_hidden_idea_is_not_listed(client, pending_idea):
    IdeaFactory(board=pending_idea.board)
    ids = [i["id"] for i in client.get(list_url(pending_idea.board)).json()["results"]]
    assert pending_idea.pk not in ids and len(ids) == 1


def test_missing_idea_and_board_are_404(member_client):
    assert member_client.get(reverse("api_idea", kwargs={"pk": 999999})).status_code == 404
    assert member_client.get(reverse("api_board_ideas", kwargs={"board_id": 999999})).status_code == 404
    draft = make_board(live=False)
    assert member_client.get(list_url(draft)).status_code == 404


# --- Listing ---------------------------------------------------------------------------------------


def test_listing_pages_sorts_and_marks_my_votes(member_client, member):
    board = make_board()
    ideas = [IdeaFactory(board=board, title=f"Idea {n:02}", vote_count=n) for n in range(25)]
    Vote.objects.create(idea=ideas[24], member=member)
    first = member_client.get(list_url(board), {"sort": "top"}).json()
    assert first["next"]
    assert [i["votes"] for i in first["results"]] == list(range(24, 4, -1))
    assert first["results"][0]["voted"] is True and first["results"][1]["voted"] is False
    second = member_client.get(list_url(board), {"sort": "top", "cursor": first["next"]}).json()
    assert second["next"] is None and len(second["results"]) == 5
    assert "body_source" not in first["results"][0] and "source" not in first["results"][0]


def test_listing_filters_by_status_and_tag(client):
    board = make_board()
    tag = TagFactory(name="Roaming", slug="roaming")
    planned = IdeaFactory(board=board, status=idea_status("planned"))
    tagged = IdeaFactory(board=board)
    tagged.tags.add(tag)
    by_status = client.get(list_url(board), {"status": "planned"}).json()["results"]
    by_tag = client.get(list_url(board), {"tag": "roaming"}).json()["results"]
    assert [i["id"] for i in by_status] == [planned.pk]
    assert [i["id"] for i in by_tag] == [tagged.pk]
    assert by_tag[0]["tags"] == [{"slug": "roaming", "name": "Roaming"}]
    IdeaFactory(board=board, title="Cheaper roaming in Sweden")
    found = client.get(list_url(board), {"q": "roaming", "sort": "new"}).json()["results"]
    assert [i["title"] for i in found] == ["Cheaper roaming in Sweden"]


def _listing_queries(client, board) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(list_url(board)).status_code == 200
    return len(ctx.captured_queries)


def test_listing_runs_a_constant_number_of_queries(member_client, member, django_assert_max_num_queries):
    board = make_board()
    tags = [TagFactory() for _ in range(3)]

    def add_ideas(n):
        for _ in range(n):
            idea = IdeaFactory(board=board, author=MemberFactory())
            idea.tags.add(*tags)
            Vote.objects.create(idea=idea, member=member)
            CommentFactory(idea=idea)

    add_ideas(2)
    few = _listing_queries(member_client, board)
    add_ideas(20)
    with django_assert_max_num_queries(few):
        member_client.get(list_url(board))
    assert few <= 10


# --- Posting and editing -----------------------------------------------------------------------------


def test_member_posts_an_idea_and_hears_what_was_masked(member_client, member):
    board = make_board()
    tag = TagFactory(name="5G", slug="5g")
    board.offered_tags.add(tag)
    board.save()
    response = member_client.post(
        list_url(board),
        {"title": "5G at the cabin", "body": "Call me on +47 912 34 567 about it", "tags": ["5g"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["masked"] == ["phone number"]
    assert "912 34 567" not in data["body"]
    assert data["tags"] == [{"slug": "5g", "name": "5G"}]
    assert data["status"]["slug"] == "new"
    # The author may still edit it, so they get the source back.
    assert data["source"] == "Call me on +47 912 34 567 about it"
    assert Idea.objects.get(pk=data["id"]).author == member


def test_others_never_see_the_source(client):
    idea = IdeaFactory(
        body_source="Mail me at kari@example.com", body_html="<p>Mail me at [e-mail address]</p>"
    )
    client.force_login(MemberFactory())
    data = client.get(idea_url("api_idea", idea)).json()
    assert data["source"] is None
    assert "kari@example.com" not in str(data)


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"title": ""}, "title", "Give your idea a title of at least 5 characters."),
        ({"title": "x" * 300}, "title", "Keep the title under 140 characters (it has 300)."),
        ({"title": "A fine title", "body": "x" * 1_000_000}, "body", "the limit is 20000"),
        ({"title": "A fine title", "tags": "roaming"}, "tags", "Expected a list"),
        ({}, "title", "This field is required."),
    ],
)
def test_bad_input_is_400_with_a_message_and_creates_nothing(member_client, payload, field, message):
    board = make_board()
    response = member_client.post(list_url(board), payload, content_type="application/json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not Idea.objects.exists()


def test_editing_someone_elses_idea_is_refused_and_changes_nothing(member_client):
    idea = IdeaFactory(title="The original title")
    response = _edit(member_client, idea)
    assert response.status_code == 403
    assert response.json()["detail"] == "You can only edit your own ideas."
    assert Idea.objects.get(pk=idea.pk).title == "The original title"


def test_author_edits_their_idea_with_a_partial_update(client):
    idea = IdeaFactory(title="Roaming prices", body_source="Keep this")
    client.force_login(idea.author)
    response = client.patch(
        idea_url("api_idea", idea), {"title": "Lower roaming prices"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    idea.refresh_from_db()
    assert (idea.title, idea.body_source) == ("Lower roaming prices", "Keep this")
    bad = client.patch(idea_url("api_idea", idea), {"title": "no"}, content_type="application/json")
    assert bad.status_code == 400 and "title" in bad.json()


# --- Votes -------------------------------------------------------------------------------------------


def test_vote_and_unvote_keep_the_count_equal_to_the_rows(client):
    idea = IdeaFactory()
    voters = [MemberFactory() for _ in range(3)]
    for voter in voters:
        client.force_login(voter)
        first = client.put(idea_url("api_idea_vote", idea))
        again = client.put(idea_url("api_idea_vote", idea))
        assert (first.status_code, again.status_code) == (201, 200)
        assert first.json()["voted"] is again.json()["voted"] is True
        assert again.json()["votes"] == first.json()["votes"]
    assert first.json()["votes"] == 3 == Vote.objects.filter(idea=idea).count()
    client.force_login(voters[0])
    assert client.delete(idea_url("api_idea_vote", idea)).status_code == 204
    assert client.delete(idea_url("api_idea_vote", idea)).status_code == 204
    assert Idea.objects.get(pk=idea.pk).vote_count == 2 == Vote.objects.filter(idea=idea).count()
    assert Idea.objects.get(pk=idea.pk).version > first.json()["version"]


def test_voting_on_a_merged_idea_is_refused(member_client, staff):
    source, target = IdeaFactory(), IdeaFactory()
    services.merge_ideas(source=source, target=target, by=staff)
    response = member_client.put(idea_url("api_idea_vote", source))
    assert response.status_code == 403
    assert "merged" in response.json()["detail"]
    assert not Vote.objects.exists()


# --- Comments ------------------------------------------------------------------------------------------


def test_comments_with_a_reply_and_a_deleted_one(member_client, member):
    idea = IdeaFactory()
    top = member_client.post(
        idea_url("api_idea_comments", idea), {"body": "**Yes**"}, content_type="application/json"
    )
    assert top.status_code == 201
    assert top.json()["body"] == "<p><strong>Yes</strong></p>" and top.json()["masked"] == []
    reply = member_client.post(
        idea_url("api_idea_comments", idea),
        {"body": "Me too", "parent": top.json()["id"]},
        content_type="application/json",
    )
    assert reply.status_code == 201 and reply.json()["parent"] == top.json()["id"]
    gone = services.add_comment(idea=idea, author=MemberFactory(), body="Oops")
    services.delete_comment(comment=gone, by=gone.author)
    listing = member_client.get(idea_url("api_idea_comments", idea)).json()
    assert [c["parent"] for c in listing["results"]] == [None, top.json()["id"], None]
    assert listing["results"][2] | {"id": 0, "created_at": 0} == {
        "id": 0,
        "parent": None,
        "author": None,
        "by_staff": False,
        "body": "",
        "language": "en",
        "deleted": True,
        "created_at": 0,
        "edited_at": None,
    }
    assert Idea.objects.get(pk=idea.pk).comment_count == 2 == Comment.objects.filter(deleted_at=None).count()


def test_bad_comments_are_400(member_client):
    idea, other = IdeaFactory(), IdeaFactory()
    elsewhere = CommentFactory(idea=other)
    empty = member_client.post(
        idea_url("api_idea_comments", idea), {"body": "  "}, content_type="application/json"
    )
    assert empty.status_code == 400 and empty.json()["body"] == ["Please write a comment."]
    huge = member_client.post(
        idea_url("api_idea_comments", idea), {"body": "x" * 20_000}, content_type="application/json"
    )
    assert huge.status_code == 400 and "limit is 10000" in huge.json()["body"][0]
    stray = member_client.post(
        idea_url("api_idea_comments", idea),
        {"body": "Hi", "parent": elsewhere.pk},
        content_type="application/json",
    )
    assert stray.status_code == 400 and "parent" in stray.json()
    assert Comment.objects.filter(idea=idea).count() == 0


# --- Status ----------------------------------------------------------------------------------------------


def test_staff_sets_a_status_and_voters_hear_it(staff_client, django_capture_on_commit_callbacks):
    idea = IdeaFactory()
    voter = MemberFactory()
    services.cast_vote(member=voter, idea=idea)
    with django_capture_on_commit_callbacks(execute=True):
        response = _status(staff_client, idea)
    assert response.status_code == 200, response.content
    assert response.json()["status"]["slug"] == "planned"
    change = StatusChange.objects.get(idea=idea)
    assert change.response_source == "On our plan for Q3."
    assert Notification.objects.filter(recipient=voter, kind="idea_status").exists()


@pytest.mark.parametrize(
    ("payload", "code", "key"),
    [
        ({"status": "no-such-status", "response": "Because."}, 400, "status"),
        ({"status": "planned", "response": ""}, 400, "response"),
        ({"status": "merged", "response": "Use merge."}, 403, "detail"),
        ({"response": "Because."}, 400, "status"),
    ],
)
def test_bad_status_changes_change_nothing(staff_client, payload, code, key):
    idea = IdeaFactory()
    response = staff_client.post(idea_url("api_idea_status", idea), payload, content_type="application/json")
    assert response.status_code == code
    assert key in response.json()
    assert Idea.objects.get(pk=idea.pk).status.stage == Stage.OPEN
    assert not StatusChange.objects.exists()


# --- Schema --------------------------------------------------------------------------------------------------


def test_schema_describes_the_ideas_api(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = response.content.decode()
    for path in [
        "/api/v1/boards/{board_id}/ideas/",
        "/api/v1/ideas/{id}/",
        "/api/v1/ideas/{id}/vote/",
        "/api/v1/ideas/{id}/comments/",
        "/api/v1/ideas/{id}/status/",
    ]:
        assert path in schema
    assert "/admin/" not in schema
