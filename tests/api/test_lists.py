"""List endpoints: a constant number of queries per page whatever the size of what they list, and
cursor pages that stay stable while rows are added."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback import services as feedback_services
from ideas import services as idea_services
from ideas.models import Vote
from tests.factories import (
    CommentFactory,
    IdeaFactory,
    MemberFactory,
    StaffFactory,
    TagFactory,
    make_board,
    make_member_of,
    make_poll,
    make_programme,
    make_thread,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    staff = StaffFactory()
    board = make_board()
    programme = make_programme()
    member = make_member_of(programme)
    return {"staff": staff, "member": member, "board": board, "programme": programme,
            "idea": IdeaFactory(board=board), "tags": [TagFactory() for _ in range(3)]}


def grow(world, n: int) -> None:
    """n more of everything the lists show, each with its related rows."""
    for _ in range(n):
        idea = IdeaFactory(board=world["board"], author=MemberFactory())
        idea.tags.add(*world["tags"])
        Vote.objects.create(idea=idea, member=world["member"])
        CommentFactory(idea=world["idea"], author=MemberFactory())
        thread = make_thread(world["programme"], make_member_of(world["programme"]))
        feedback_services.reply(thread=thread, author=world["staff"], body="Thanks")
        make_board()
        make_programme()
        make_poll()


LISTS = {
    "boards": lambda w: reverse("api_boards"),
    "board ideas": lambda w: reverse("api_board_ideas", args=[w["board"].pk]) + "?lang=all",
    "comments": lambda w: reverse("api_idea_comments", args=[w["idea"].pk]),
    "polls": lambda w: reverse("api_polls"),
    "programmes": lambda w: reverse("api_betas"),
    "threads": lambda w: reverse("api_beta_threads", args=[w["programme"].pk]),
    "my feedback": lambda w: reverse("api_my_feedback"),
    "tags": lambda w: reverse("api_tags"),
}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["member", "staff"])
def test_every_list_runs_a_constant_number_of_queries(world, who, django_assert_max_num_queries):
    client = Client()
    client.force_login(world[who])
    grow(world, 2)
    few = {name: _queries(client, url(world)) for name, url in LISTS.items()}
    grow(world, 12)
    for name, url in LISTS.items():
        with django_assert_max_num_queries(few[name], info=name):
            client.get(url(world))
    assert max(few.values()) <= 14, few


def _walk(client, url, params=None, inserting=None) -> list[int]:
    """Every id through the cursor pages; `inserting()` runs between pages."""
    seen, cursor = [], None
    while True:
        page = client.get(url, {**(params or {}), **({"cursor": cursor} if cursor else {})}).json()
        seen += [row["id"] for row in page["results"]]
        cursor = page["next"]
        if cursor is None:
            return seen
        if inserting:
            inserting()


@pytest.mark.parametrize("sort", ["new", "top", "trending", "updated"])
def test_board_pages_neither_repeat_nor_skip_while_ideas_are_posted(client, sort):
    board = make_board()
    for n in range(45):
        IdeaFactory(board=board, vote_count=n % 4)  # ties in "top": the id breaks them
    before = set(board.ideas.values_list("pk", flat=True))
    author = MemberFactory()
    url = reverse("api_board_ideas", args=[board.pk])
    seen = _walk(client, url, {"sort": sort, "lang": "all"}, inserting=lambda: idea_services.post_idea(
        author=author, board=board, title=f"Posted while paging {MemberFactory().pk}"))
    assert len(seen) == len(set(seen))  # nothing twice
    assert before <= set(seen)  # nothing that was there is skipped


def test_comment_pages_follow_the_conversation(client):
    idea = IdeaFactory()
    first = [CommentFactory(idea=idea).pk for _ in range(60)]
    url = reverse("api_idea_comments", args=[idea.pk])
    page = client.get(url).json()
    assert [c["id"] for c in page["results"]] == first[:50]
    later = CommentFactory(idea=idea).pk
    rest = client.get(url, {"cursor": page["next"]}).json()
    assert [c["id"] for c in rest["results"]] == [*first[50:], later] and rest["next"] is None


def test_thread_pages_neither_repeat_nor_skip(client):
    programme = make_programme()
    member = make_member_of(programme)
    for n in range(30):
        make_thread(programme, member, title=f"Thread number {n}")
    client.force_login(member)
    url = reverse("api_beta_threads", args=[programme.pk])
    seen = _walk(client, url, inserting=lambda: make_thread(programme, member, title="Posted while paging"))
    assert len(seen) == len(set(seen)) >= 30
