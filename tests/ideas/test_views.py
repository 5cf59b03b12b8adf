"""The HTML side of idea boards: pages, forms, votes, comments and staff tools."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ideas import services
from ideas.models import Comment, Idea, Status, Vote
from tests.factories import PASSWORD, IdeaFactory, MemberFactory, StaffFactory, TagFactory, make_board

pytestmark = pytest.mark.django_db

# Everything a page costs, session, member, site, page routing and the bell included. Staff
# pay more: Wagtail's user bar asks for their admin and page permissions and workflow state.
BOARD_MAX_QUERIES = {"anonymous": 15, "member": 15, "staff": 22}
IDEA_MAX_QUERIES = {"anonymous": 15, "member": 15, "staff": 22}


def status(slug):
    return Status.objects.get(slug=slug)


def post_via_service(board, author, title, body=""):
    return services.post_idea(author=author, board=board, title=title, body=body)


def count_queries(client, url):
    client.get(url)  # warm the per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def board(db):
    board = make_board(title="Mobile")
    board.offered_tags.set([TagFactory(name="5G", slug="5g"), TagFactory(name="Roaming", slug="roaming")])
    board.save()
    return board


@pytest.fixture
def idea(board):
    return post_via_service(board, MemberFactory(), "Free roaming in the Nordics")


# --- Boards -------------------------------------------------------------------------------


def test_board_lists_ideas_with_vote_form_status_and_post_button(member_client, board, idea):
    response = member_client.get(board.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Free roaming in the Nordics" in html
    assert f'action="{reverse("idea_vote", args=[idea.pk])}"' in html
    assert f'data-live-topic="idea.{idea.pk}"' in html
    assert 'aria-pressed="false"' in html
    assert "status-new" in html
    assert reverse("idea_new", args=[board.pk]) in html


def test_board_shows_the_members_vote_as_pressed(member_client, member, board, idea):
    services.cast_vote(member=member, idea=idea)
    html = member_client.get(board.url).content.decode()
    assert 'aria-pressed="true"' in html


def test_anonymous_visitor_gets_a_login_link_to_post(client, board):
    html = client.get(board.url).content.decode()
    assert "Log in to post an idea" in html
    assert "next=" in html


@pytest.mark.parametrize("viewer", ["anonymous", "member", "staff"])
def test_board_runs_the_same_few_queries_for_5_and_40_ideas(
    client, board, viewer, django_assert_max_num_queries
):
    if viewer != "anonymous":
        user = StaffFactory() if viewer == "staff" else MemberFactory()
        client.force_login(user)
    voters = MemberFactory.create_batch(3)
    tags = list(board.offered_tags.all())

    def add(n):
        for i in range(n):
            idea = IdeaFactory(board=board, title=f"Idea {Idea.objects.count()} about coverage {i}")
            idea.tags.set(tags)
            for voter in voters[: i % 3]:
                services.cast_vote(member=voter, idea=idea)

    add(5)
    few = count_queries(client, board.url)
    add(35)
    many = count_queries(client, board.url)
    assert few == many
    with django_assert_max_num_queries(BOARD_MAX_QUERIES[viewer]):
        client.get(board.url + "?sort=top&status=new&tag=5g&page=2")


def test_board_filters_sorts_and_pages_through_get_parameters(client, board):
    for i in range(25):
        IdeaFactory(board=board, title=f"Better coverage idea {i}")
    IdeaFactory(board=board, title="Planned thing", status=status("planned"))
    first = client.get(board.url + "?sort=new").content.decode()
    assert 'rel="next"' in first and "sort=new" in first
    second = client.get(board.url + "?sort=new&page=2").content.decode()
    assert 'rel="prev"' in second
    planned = client.get(board.url + "?status=planned").content.decode()
    assert "Planned thing" in planned and "Better coverage idea 3" not in planned


def test_board_empty_states(client, board):
    assert "No ideas yet." in client.get(board.url).content.decode()
    assert "No ideas match these filters." in client.get(board.url + "?q=nothingmatcheszzz").content.decode()


def test_board_index_lists_boards_with_counts(client, board, idea):
    from wagtail.models import Page

    from ideas.pages import IdeaBoardIndexPage

    parent = Page.get_first_root_node().get_children().first()
    index = parent.add_child(instance=IdeaBoardIndexPage(title="All boards", slug="boards"))
    child = index.add_child(instance=type(board)(title="TV", slug="tv"))
    post_via_service(child, MemberFactory(), "More sports channels please")
    html = client.get(index.url).content.decode()
    assert "TV" in html and "More sports channels please" not in html
    assert re.search(r"<strong>1</strong> idea\b", html)


# --- Posting ------------------------------------------------------------------------------


def test_member_posts_an_idea_and_is_sent_to_it(member_client, board):
    response = member_client.post(
        reverse("idea_new", args=[board.pk]),
        {"title": "Wi-Fi calling on every phone", "body": "Please", "tags": [board.offered_tags.first().pk]},
        follow=True,
    )
    idea = Idea.objects.get(title="Wi-Fi calling on every phone")
    assert response.redirect_chain[-1][0] == idea.get_absolute_url()
    assert "Your idea is posted" in response.content.decode()
    assert list(idea.tags.values_list("slug", flat=True)) == ["5g"]


def test_posting_tells_the_author_which_personal_data_was_hidden(member_client, board):
    response = member_client.post(
        reverse("idea_new", args=[board.pk]),
        {"title": "Call me about better roaming", "body": "Ring me on +47 912 34 567 or kari@example.com"},
        follow=True,
    )
    html = response.content.decode()
    assert "personal data" in html and "phone number" in html and "e-mail address" in html
    assert "912 34 567" not in html


def test_posting_on_an_approval_board_says_so(member_client, board):
    board.requires_approval = True
    board.save()
    response = member_client.post(
        reverse("idea_new", args=[board.pk]), {"title": "Cheaper data plans"}, follow=True
    )
    assert "waiting for approval" in response.content.decode()


def test_similar_ideas_are_shown_once_before_posting_without_script(member_client, board, idea):
    url = reverse("idea_new", args=[board.pk])
    first = member_client.post(url, {"title": "Free roaming in Nordic countries", "body": "Typed body"})
    html = first.content.decode()
    assert first.status_code == 200
    assert "Similar ideas" in html and "Free roaming in the Nordics" in html and "Post anyway" in html
    assert "Typed body" in html and 'name="confirmed" value="1"' in html
    assert Idea.objects.count() == 1
    second = member_client.post(
        url, {"title": "Free roaming in Nordic countries", "body": "Typed body", "confirmed": "True"}
    )
    assert second.status_code == 302
    assert Idea.objects.count() == 2


def test_opening_a_notification_marks_it_read_and_follows_its_link(member_client, member, idea):
    from tests.factories import NotificationFactory

    n = NotificationFactory(recipient=member, url=idea.get_absolute_url())
    response = member_client.get(reverse("notification_open", args=[n.pk]))
    assert response["Location"] == idea.get_absolute_url()
    n.refresh_from_db()
    assert n.read_at is not None


def test_someone_elses_notification_cannot_be_opened(member_client):
    from tests.factories import NotificationFactory

    other = NotificationFactory(url="https://evil.example/")
    assert member_client.get(reverse("notification_open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_similar_json_for_the_typing_script(client, board, idea):
    response = client.get(reverse("idea_similar", args=[board.pk]), {"q": "roaming"})
    assert response.json() == [
        {
            "id": idea.pk,
            "title": idea.title,
            "url": idea.get_absolute_url(),
            "votes": 0,
            "votes_label": "0 votes",
            "status": "New",
            "status_slug": "new",
        }
    ]


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("", "My typed body", "at least 5 characters"),
        ("x" * 300, "My typed body", "under 140 characters (it has 300)"),
        ("A fine title", "y" * 1_000_000, "the limit is 20000"),
    ],
)
def test_bad_post_input_gets_a_clear_message_and_keeps_the_typed_text(
    member_client, board, title, body, message
):
    response = member_client.post(reverse("idea_new", args=[board.pk]), {"title": title, "body": body})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert (title or "My typed body") in html
    assert Idea.objects.count() == 0


def test_double_submit_creates_one_idea(member_client, board):
    data = {"title": "Unlimited data on weekends", "body": "Please"}
    url = reverse("idea_new", args=[board.pk])
    first = member_client.post(url, data)
    second = member_client.post(url, data)
    assert Idea.objects.filter(title="Unlimited data on weekends").count() == 1
    assert first["Location"] == second["Location"]


def test_unverified_member_cannot_post(client, unverified_member, board):
    client.force_login(unverified_member)
    response = client.get(reverse("idea_new", args=[board.pk]))
    assert response.status_code == 403
    assert "Confirm your e-mail address" in response.content.decode()


def test_visitor_is_sent_to_log_in_to_post(client, board):
    response = client.get(reverse("idea_new", args=[board.pk]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


# --- The idea page ------------------------------------------------------------------------

XSS = """<script>alert(1)</script>
<img src=x onerror=alert(2)>
<svg onload=alert(3)>
[a](javascript:alert(4)) [b](JaVaScRiPt:alert(5)) [c](&#106;avascript:alert(6)) [d](java\u200bscript:alert(7))
[e](data:text/html;base64,PHNjcmlwdD4=)
<form><button formaction="javascript:alert(8)">x</button></form>
<iframe src="https://evil.example"></iframe>
<style>body{display:none}</style>
"""


class ElementCollector(HTMLParser):
    """Every element and attribute in a piece of HTML, as a browser's tokenizer sees them."""

    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def assert_harmless(fragment):
    parser = ElementCollector()
    parser.feed(fragment)
    assert parser.elements  # the text is there, as harmless markup
    for tag, attrs in parser.elements:
        assert tag not in {"script", "img", "svg", "iframe", "style", "form", "button"}, tag
        assert not any(name.startswith("on") or name == "formaction" for name in attrs), attrs
        link = re.sub(r"[\s\u200b]", "", attrs.get("href", "")).lower()
        assert not link.startswith(("javascript:", "data:")), link


def between(html, start, end="</div>"):
    return html.split(start, 1)[1].split(end, 1)[0]


def test_xss_in_the_body_is_rendered_clean(client, board):
    idea = post_via_service(board, MemberFactory(), "A perfectly normal idea", body=XSS)
    html = client.get(idea.get_absolute_url()).content.decode()
    assert_harmless(between(html, 'class="prose idea-body">'))
    # The scripts on the page are only ours, all with the CSP nonce.
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all("nonce=" in script and "src=" in script for script in scripts)


def test_xss_in_comments_and_staff_responses_is_rendered_clean(client, board, idea):
    """Every place that renders stored HTML with |safe: comments, the official response and
    the status history on the idea page, and the response on "You asked, we did"."""
    from ideas.models import Status

    services.add_comment(idea=idea, author=MemberFactory(), body=XSS)
    staff = StaffFactory()
    services.change_status(idea=idea, to=Status.by_slug("planned"), response=XSS, by=staff)
    # The latest response is the official one; earlier ones stay in the status history.
    services.change_status(idea=idea, to=Status.by_slug("shipped"), response=XSS + " (shipped)", by=staff)
    html = client.get(idea.get_absolute_url()).content.decode()
    for start in ('class="prose comment-text">', 'class="prose timeline-text">'):
        assert_harmless(between(html, start))
    official = between(html, 'class="prose">')
    assert_harmless(official)
    shipped = client.get(reverse("shipped")).content.decode()
    assert_harmless(between(shipped, 'class="prose shipped-response">', "</blockquote>"))


def test_idea_page_shows_official_response_history_comments_and_live_topic(
    member_client, member, board, idea
):
    staff = StaffFactory()
    services.change_status(idea=idea, to=status("planned"), response="We are **on it**.", by=staff)
    first = services.add_comment(idea=idea, author=member, body="Yes please")
    services.add_comment(idea=idea, author=staff, body="Thanks for the idea", parent=first)
    deleted = services.add_comment(idea=idea, author=member, body="Oops")
    services.delete_comment(comment=deleted, by=member)
    idea.refresh_from_db()
    html = member_client.get(idea.get_absolute_url()).content.decode()
    assert "Official response" in html and "<strong>on it</strong>" in html
    assert "Status history" in html
    assert "Yes please" in html and "Thanks for the idea" in html
    assert "Comment deleted" in html and "Oops" not in html
    assert 'class="tag tag-staff">Staff' in html
    assert f'data-live-topic="idea.{idea.pk}"' in html
    assert reverse("comment_edit", args=[first.pk]) in html


@pytest.mark.parametrize("viewer", ["anonymous", "member", "staff"])
def test_idea_page_runs_the_same_queries_for_5_and_40_comments(
    client, board, idea, viewer, django_assert_max_num_queries
):
    if viewer != "anonymous":
        client.force_login(StaffFactory() if viewer == "staff" else MemberFactory())
    people = MemberFactory.create_batch(4)
    staff = StaffFactory()

    def add(n):
        for i in range(n):
            top = services.add_comment(
                idea=idea, author=people[i % 4], body=f"Comment {Comment.objects.count()}"
            )
            if i % 2:
                services.add_comment(
                    idea=idea, author=staff, body=f"Reply {Comment.objects.count()}", parent=top
                )

    for person in people:
        services.cast_vote(member=person, idea=idea)
    add(5)
    url = idea.get_absolute_url()
    few = count_queries(client, url)
    add(35)
    many = count_queries(client, url)
    # Eight times the comments, not one query more (a shared Redis cache may refill one key
    # between the two requests, so allow that one).
    assert many <= few + 1
    with django_assert_max_num_queries(IDEA_MAX_QUERIES[viewer]):
        client.get(url)


def test_wrong_slug_redirects_to_the_canonical_url(client, idea):
    response = client.get(reverse("idea_detail", kwargs={"pk": idea.pk, "slug": "old-title"}))
    assert response.status_code == 301 and response["Location"] == idea.get_absolute_url()
    assert client.get(reverse("idea_detail_short", args=[idea.pk]))["Location"] == idea.get_absolute_url()


def test_unknown_idea_is_404(client):
    assert client.get(reverse("idea_detail", kwargs={"pk": 999999, "slug": "x"})).status_code == 404


def test_merged_idea_redirects_to_its_target_which_shows_its_comments(client, board, idea):
    duplicate = post_via_service(board, MemberFactory(), "Roaming for free in Scandinavia")
    services.add_comment(idea=duplicate, author=MemberFactory(), body="Same wish here")
    services.merge_ideas(source=duplicate, target=idea, by=StaffFactory())
    response = client.get(duplicate.get_absolute_url(), follow=True)
    assert response.redirect_chain[-1][0] == idea.get_absolute_url()
    html = response.content.decode()
    assert "was merged into this idea" in html and "Same wish here" in html


def test_pending_idea_is_404_for_others_but_visible_to_author_and_staff(client, board):
    board.requires_approval = True
    board.save()
    author = MemberFactory()
    pending = post_via_service(board, author, "Secret pending idea")
    url = pending.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(MemberFactory())
    assert client.get(url).status_code == 404
    assert client.post(reverse("idea_vote", args=[pending.pk])).status_code == 404
    client.force_login(author)
    assert "waiting for approval" in client.get(url).content.decode()
    client.force_login(StaffFactory())
    html = client.get(url).content.decode()
    assert "Approve and publish" in html
    assert "Secret pending idea" not in client.get(board.url).content.decode()


def test_comments_fragment_renders_just_the_list(client, idea):
    services.add_comment(idea=idea, author=MemberFactory(), body="Fragment comment")
    response = client.get(reverse("idea_comments_fragment", args=[idea.pk]))
    html = response.content.decode()
    assert "Fragment comment" in html and "<html" not in html


# --- Votes --------------------------------------------------------------------------------


def test_vote_toggles_without_script(member_client, member, idea):
    url = reverse("idea_vote", args=[idea.pk])
    response = member_client.post(url, {"next": "/somewhere-else/"}, follow=False)
    assert response.status_code == 302
    assert Vote.objects.filter(idea=idea, member=member).exists()
    member_client.post(url)
    assert not Vote.objects.filter(idea=idea, member=member).exists()


def test_double_submitted_vote_counts_once(member_client, idea):
    url = reverse("idea_vote", args=[idea.pk])
    member_client.post(url, {"action": "vote"})
    member_client.post(url, {"action": "vote"})
    idea.refresh_from_db()
    assert idea.vote_count == 1 == Vote.objects.filter(idea=idea).count()


def test_vote_answers_json_for_the_script(member_client, idea):
    response = member_client.post(
        reverse("idea_vote", args=[idea.pk]), {"action": "vote"}, HTTP_ACCEPT="application/json"
    )
    data = response.json()
    assert data["voted"] is True and data["votes"] == 1 and data["version"] > idea.version


def test_vote_refuses_an_unsafe_next_url(member_client, idea):
    response = member_client.post(reverse("idea_vote", args=[idea.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == idea.get_absolute_url()


def test_anonymous_vote_is_applied_after_login(client, idea):
    member = MemberFactory()
    response = client.post(reverse("idea_vote", args=[idea.pk]))
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url.startswith(reverse("account_login")) and "next=" in login_url
    assert client.get(login_url).status_code == 200
    logged_in = client.post(login_url, {"login": member.email, "password": PASSWORD})
    assert logged_in.status_code == 302 and logged_in["Location"] == idea.get_absolute_url()
    page = client.get(logged_in["Location"])
    assert "Your vote is counted" in page.content.decode()
    assert Vote.objects.filter(idea=idea, member=member).count() == 1
    idea.refresh_from_db()
    assert idea.vote_count == 1
    assert 'aria-pressed="true"' in page.content.decode()
    client.get(idea.get_absolute_url())
    assert Vote.objects.filter(idea=idea).count() == 1


def test_anonymous_vote_with_json_asks_to_log_in(client, idea):
    response = client.post(reverse("idea_vote", args=[idea.pk]), HTTP_ACCEPT="application/json")
    assert response.status_code == 401 and "login" in response.json()


@pytest.mark.parametrize("how", ["merged", "withdrawn"])
def test_voting_on_a_merged_or_withdrawn_idea_changes_nothing(client, board, idea, how):
    voter = MemberFactory()
    target = post_via_service(board, MemberFactory(), "The idea everyone wants")
    services.cast_vote(member=voter, idea=idea)
    if how == "merged":
        services.merge_ideas(source=idea, target=target, by=StaffFactory())
    else:
        services.withdraw_idea(idea=idea, by=idea.author)
    before = list(Vote.objects.values_list("idea_id", "member_id"))
    client.force_login(voter)
    response = client.post(reverse("idea_vote", args=[idea.pk]), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "merged" in html if how == "merged" else "not open for votes" in html
    assert list(Vote.objects.values_list("idea_id", "member_id")) == before
    client.force_login(MemberFactory())
    client.post(reverse("idea_vote", args=[idea.pk]))
    assert list(Vote.objects.values_list("idea_id", "member_id")) == before


def test_follow_and_unfollow(member_client, member, idea):
    url = reverse("idea_follow", args=[idea.pk])
    member_client.post(url, {"follow": "1"})
    assert idea.follows.filter(member=member).exists()
    member_client.post(url, {"follow": "0"})
    assert not idea.follows.filter(member=member).exists()


# --- Comments -----------------------------------------------------------------------------


def test_comment_and_reply(member_client, idea):
    url = reverse("idea_comment", args=[idea.pk])
    response = member_client.post(url, {"comment-body": "I would use it every summer"})
    top = Comment.objects.get()
    assert response["Location"].endswith(f"#comment-{top.pk}")
    member_client.post(url, {"comment-body": "Me too", "comment-parent": top.pk})
    assert Comment.objects.get(body_source="Me too").parent_id == top.pk


def test_empty_or_huge_comment_keeps_the_text_and_says_why(member_client, idea):
    url = reverse("idea_comment", args=[idea.pk])
    response = member_client.post(url, {"comment-body": "   "})
    assert response.status_code == 200 and "Please write a comment" in response.content.decode()
    huge = "z" * 10_001
    response = member_client.post(url, {"comment-body": huge})
    assert "the limit is 10000" in response.content.decode() and huge in response.content.decode()
    top = services.add_comment(idea=idea, author=MemberFactory(), body="Top")
    response = member_client.post(url, {"comment-body": "", "comment-parent": top.pk})
    html = response.content.decode()
    assert f'id="reply-{top.pk}"' in html and "Please write a comment" in html
    assert Comment.objects.count() == 1


def test_reply_to_a_comment_of_another_idea_is_404(member_client, board, idea):
    other = post_via_service(board, MemberFactory(), "Another idea entirely")
    foreign = services.add_comment(idea=other, author=MemberFactory(), body="Elsewhere")
    response = member_client.post(
        reverse("idea_comment", args=[idea.pk]), {"comment-body": "Hi", "comment-parent": foreign.pk}
    )
    assert response.status_code == 404


def test_author_edits_and_deletes_a_comment_others_cannot(client, member, idea):
    own = services.add_comment(idea=idea, author=member, body="First version")
    client.force_login(MemberFactory())
    assert client.get(reverse("comment_edit", args=[own.pk])).status_code == 403
    assert client.post(reverse("comment_delete", args=[own.pk])).status_code == 403
    client.force_login(member)
    assert "First version" in client.get(reverse("comment_edit", args=[own.pk])).content.decode()
    client.post(reverse("comment_edit", args=[own.pk]), {"comment-body": "Second version"})
    own.refresh_from_db()
    assert own.body_source == "Second version"
    client.post(reverse("comment_delete", args=[own.pk]))
    own.refresh_from_db()
    assert own.deleted_at is not None


# --- Editing and withdrawing --------------------------------------------------------------


def test_editing_someone_elses_idea_by_id_is_403(member_client, idea):
    url = reverse("idea_edit", args=[idea.pk])
    assert member_client.get(url).status_code == 403
    response = member_client.post(url, {"title": "Hijacked title here"})
    assert response.status_code == 403
    idea.refresh_from_db()
    assert idea.title == "Free roaming in the Nordics"


def test_author_edits_their_idea_and_bad_input_keeps_the_text(client, idea):
    client.force_login(idea.author)
    url = reverse("idea_edit", args=[idea.pk])
    assert "Free roaming in the Nordics" in client.get(url).content.decode()
    response = client.post(url, {"title": "abc", "body": "New typed body"})
    assert response.status_code == 200 and "New typed body" in response.content.decode()
    client.post(url, {"title": "Free roaming in all Nordic countries", "body": "Now with details"})
    idea.refresh_from_db()
    assert idea.title == "Free roaming in all Nordic countries" and "details" in idea.body_html


def test_author_withdraws_with_a_confirm_step(client, idea):
    client.force_login(idea.author)
    url = reverse("idea_withdraw", args=[idea.pk])
    assert "Withdraw idea" in client.get(url).content.decode()
    client.post(url, {})  # no reason given: the service words one
    idea.refresh_from_db()
    assert idea.status.slug == "withdrawn"
    assert "The author withdrew this idea." in client.get(idea.get_absolute_url()).content.decode()


# --- Staff --------------------------------------------------------------------------------


def test_staff_panel_is_absent_for_customers(member_client, idea):
    html = member_client.get(idea.get_absolute_url()).content.decode()
    assert "Manage this idea" not in html and "Who wants this" not in html
    member_client.force_login(StaffFactory())
    html = member_client.get(idea.get_absolute_url()).content.decode()
    assert "Manage this idea" in html and "Who wants this" in html and "Record a vote for a customer" in html


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("idea_status", {"status-status": "planned", "status-response": "Planned now"}),
        ("idea_merge", {"merge-target": "1"}),
        ("idea_approve", {}),
        ("idea_reject", {"reject-response": "No thanks"}),
        ("idea_vote_for", {"votefor-email": "someone@example.com", "votefor-via": "phone"}),
    ],
)
def test_staff_endpoints_are_403_for_customers(member_client, idea, name, data):
    before = (idea.status_id, idea.version)
    response = member_client.post(reverse(name, args=[idea.pk]), data)
    assert response.status_code == 403
    assert "Only staff" in response.content.decode()
    idea.refresh_from_db()
    assert (idea.status_id, idea.version) == before


def test_staff_endpoints_send_visitors_to_log_in(client, idea):
    response = client.post(reverse("idea_status", args=[idea.pk]), {})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_staff_changes_status_with_a_response(staff_client, idea):
    response = staff_client.post(
        reverse("idea_status", args=[idea.pk]),
        {"status-status": "planned", "status-response": "Coming in May"},
        follow=True,
    )
    idea.refresh_from_db()
    assert idea.status.slug == "planned"
    assert "Coming in May" in response.content.decode()


def test_status_change_without_response_keeps_the_choice_and_says_why(staff_client, idea):
    response = staff_client.post(
        reverse("idea_status", args=[idea.pk]), {"status-status": "planned", "status-response": ""}
    )
    assert response.status_code == 200
    assert "Please write a response" in response.content.decode()
    idea.refresh_from_db()
    assert idea.status.slug == "new"


def test_staff_merges_by_link_and_records_a_vote_for_a_customer(staff_client, board, idea):
    duplicate = post_via_service(board, MemberFactory(), "Roaming without fees")
    response = staff_client.post(
        reverse("idea_merge", args=[duplicate.pk]),
        {"merge-target": f"https://x.example{idea.get_absolute_url()}"},
    )
    assert response["Location"] == idea.get_absolute_url()
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == idea.pk
    customer = MemberFactory(email="kari@example.com")
    staff_client.post(
        reverse("idea_vote_for", args=[idea.pk]), {"votefor-email": "KARI@example.com", "votefor-via": "shop"}
    )
    vote = Vote.objects.get(idea=idea, member=customer)
    assert vote.recorded_via == "shop" and vote.recorded_by is not None
    unknown = staff_client.post(
        reverse("idea_vote_for", args=[idea.pk]),
        {"votefor-email": "nobody@example.com", "votefor-via": "shop"},
    )
    assert "No member has this e-mail address" in unknown.content.decode()


def test_merge_into_an_unknown_idea_says_so(staff_client, idea):
    response = staff_client.post(reverse("idea_merge", args=[idea.pk]), {"merge-target": "999999"})
    assert "There is no idea number 999999" in response.content.decode()


def test_staff_approves_and_rejects_pending_ideas(staff_client, board):
    board.requires_approval = True
    board.save()
    one = post_via_service(board, MemberFactory(), "Pending idea one")
    two = post_via_service(board, MemberFactory(), "Pending idea two")
    staff_client.post(reverse("idea_approve", args=[one.pk]))
    staff_client.post(reverse("idea_reject", args=[two.pk]), {"reject-response": "Off topic for this board"})
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status.stage == "open" and two.status.slug == "rejected"


# --- Roadmap and shipped ------------------------------------------------------------------


def test_roadmap_and_shipped_render(client, board):
    staff = StaffFactory()
    planned = post_via_service(board, MemberFactory(), "Planned roaming deal")
    shipped = post_via_service(board, MemberFactory(), "eSIM for smartwatches")
    services.change_status(idea=planned, to=status("planned"), response="Planned for autumn", by=staff)
    services.change_status(idea=shipped, to=status("shipped"), response="Live in the app **today**", by=staff)
    roadmap = client.get(reverse("roadmap")).content.decode()
    assert (
        "Planned roaming deal" in roadmap and "eSIM for smartwatches" in roadmap and "In progress" in roadmap
    )
    page = client.get(reverse("shipped")).content.decode()
    assert "eSIM for smartwatches" in page and "<strong>today</strong>" in page
    assert "Planned roaming deal" not in page


def test_the_ideas_link_leads_to_the_board_index_or_says_there_is_none(client, board):
    response = client.get(reverse("idea_boards"))
    assert response.status_code == 302 and response["Location"] == board.url
    board.unpublish()
    assert client.get(reverse("idea_boards")).status_code == 404


def test_the_official_response_is_shown_once_not_again_in_the_history(client, idea):
    staff = StaffFactory()
    services.change_status(idea=idea, to=status("planned"), response="Planned for **spring**.", by=staff)
    services.change_status(
        idea=Idea.objects.get(pk=idea.pk), to=status("in-progress"), response="The team started today.", by=staff
    )
    html = client.get(idea.get_absolute_url()).text
    assert html.count("The team started today.") == 1  # the official response, above
    assert html.count("Planned for <strong>spring</strong>.") == 1  # an earlier answer, in the history


def test_a_withdrawn_idea_says_so_and_offers_no_comment_form(member_client, member, idea):
    services.withdraw_idea(idea=idea, by=idea.author, reason="")
    html = member_client.get(idea.get_absolute_url()).text
    assert "closed for votes and comments" in html
    assert "Comments are closed on this idea." in html
    assert 'action="/idea/%s/comment/"' % idea.pk not in html
