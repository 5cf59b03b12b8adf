"""Input an attacker (or a clumsy script) sends: each gets a clear 4xx or a form error, never a 500."""

import json

import pytest
from django.urls import reverse

from community.models import Notification
from ideas import services
from ideas.models import Comment, Idea
from tests.factories import IdeaFactory, MemberFactory, NotificationFactory, make_board

pytestmark = pytest.mark.django_db

HUGE = "9" * 20  # beyond a signed 64-bit key
NUL_QUERIES = ["\x00", "roaming\x00", "\x00\x00 OR 1=1", '"\x00"']


@pytest.fixture
def board():
    return make_board()


@pytest.fixture
def idea(board):
    return IdeaFactory(board=board, title="Cheaper roaming")


@pytest.mark.parametrize("q", NUL_QUERIES)
def test_nul_in_a_search_is_ignored_on_the_board_the_api_and_similar_ideas(client, board, idea, q):
    assert client.get(board.url, {"q": q}).status_code == 200
    assert client.get(reverse("api_board_ideas", args=[board.pk]), {"q": q}).status_code == 200
    assert client.get(reverse("idea_similar", args=[board.pk]), {"q": q}).status_code == 200
    found = client.get(reverse("api_board_ideas", args=[board.pk]), {"q": "roaming\x00"}).json()["results"]
    assert [i["id"] for i in found] == [idea.pk]


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/boards/{HUGE}/ideas/",
        f"/boards/{HUGE}/new/",
        f"/boards/{HUGE}/similar/",
        f"/idea/{HUGE}/",
        f"/idea/{HUGE}-slug/",
        f"/api/v1/ideas/{HUGE}/",
        f"/notifications/{HUGE}/",
        "/idea/²/",
        "/api/v1/ideas/٣/",
    ],
)
def test_ids_beyond_64_bits_or_unicode_digits_in_urls_are_not_found(member_client, path):
    assert member_client.get(path).status_code == 404


@pytest.mark.parametrize("parent", ["²", "٣", HUGE, "-1", "0", "abc"])
def test_a_reply_to_a_comment_id_that_cannot_exist_is_a_404_and_stores_nothing(member_client, idea, parent):
    url = reverse("idea_comment", args=[idea.pk])
    response = member_client.post(url, {"comment-body": "Me too", "comment-parent": parent})
    assert response.status_code == 404
    assert not Comment.objects.exists()


@pytest.mark.parametrize("raw", ["²", HUGE, "1e3", "", "-5"])
def test_bad_notification_ids_in_the_form_are_ignored(member_client, member, raw):
    mine = NotificationFactory(recipient=member)
    response = member_client.post(reverse("notifications_read"), {"id": [raw, str(mine.pk)]})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None


@pytest.mark.parametrize("ids", [[int(HUGE)], [2**63], [-1], ["²"], "1", [True]])
def test_bad_notification_ids_in_the_api_are_a_400(member_client, member, ids):
    NotificationFactory(recipient=member)
    response = member_client.post(reverse("api_notifications_read"), {"ids": ids}, content_type="application/json")
    assert response.status_code == 400
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


@pytest.mark.parametrize("url_name", ["api_idea_comments", "api_idea_status"])
def test_json_nested_50000_deep_is_a_400_not_a_recursion_error(member_client, idea, url_name):
    deep = "[" * 50_000 + "]" * 50_000
    response = member_client.post(reverse(url_name, args=[idea.pk]), deep, content_type="application/json")
    assert response.status_code in (400, 403)
    assert response.status_code == 400 or url_name == "api_idea_status"  # members may not change statuses


def test_deep_json_to_posting_an_idea_is_a_400_and_stores_nothing(member_client, board):
    deep = '{"title": ' + "[" * 50_000 + "]" * 50_000 + "}"
    response = member_client.post(
        reverse("api_board_ideas", args=[board.pk]), deep, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested too deeply" in json.dumps(response.json())
    assert not Idea.objects.exists()


def test_a_huge_reply_parent_in_the_api_is_a_400(member_client, idea):
    response = member_client.post(
        reverse("api_idea_comments", args=[idea.pk]),
        {"body": "Hello", "parent": 2**64},
        content_type="application/json",
    )
    assert response.status_code == 400 and "parent" in response.json()
    assert not Comment.objects.exists()


# --- Titles and text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    ["\u200b\u200b\u200b\u200b\u200b\u200b", "\u2060\u2060\u2060\u2060\u2060\u2060", "\u202e\u202e\u202e\u202e\u202e\u202e", " \u00a0 \u3000  "],
)
def test_a_title_without_a_visible_character_is_refused_in_the_form_keeping_the_text(member_client, board, title):
    response = member_client.post(
        reverse("idea_new", args=[board.pk]), {"title": title, "body": "My description stays", "confirmed": "1"}
    )
    assert response.status_code == 200
    assert "title of at least" in response.text
    assert "My description stays" in response.text
    assert not Idea.objects.exists()


def test_bidi_controls_are_stripped_from_titles_bodies_comments_and_e_mail_subjects(
    board, mailoutbox, django_capture_on_commit_callbacks
):
    author = MemberFactory()
    idea = services.post_idea(author=author, board=board, title="Invoice \u202egnp.exe", body="a\u202eb\u2066c")
    assert idea.title == "Invoice gnp.exe"
    assert "\u202e" not in idea.body_source and "\u2066" not in idea.body_html
    follower = MemberFactory()
    services.set_following(member=follower, idea=idea, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.add_comment(idea=idea, author=author, body="See \u202dthis\u202c and \x00that")
    assert comment.body_source == "See this and that"
    [mail] = [m for m in mailoutbox if follower.email in m.to]
    assert "\u202e" not in mail.subject and "gnp.exe" in mail.subject


def test_titles_are_one_line_and_control_characters_go(board):
    idea = services.post_idea(author=MemberFactory(), board=board, title="Two\r\nlines\x07 and\ttab")
    assert idea.title == "Two lines and tab"
