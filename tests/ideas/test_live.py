"""Live idea pages: the "idea" topic is authorised like the page, and votes, comments and statuses
reach subscribed sockets as whole state with a higher version."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from community import live
from ideas import services
from tests.factories import IdeaFactory, MemberFactory, StaffFactory, idea_status, make_board

# --- Authorisation through community.live.resolve (fast, no socket) ----------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "slug", "allowed"),
    [
        ("anonymous", "new", True),
        ("member", "new", True),
        ("member", "shipped", True),
        ("member", "merged", True),
        ("anonymous", "awaiting-approval", False),
        ("member", "awaiting-approval", False),
        ("author", "awaiting-approval", True),
        ("staff", "awaiting-approval", True),
        ("member", "rejected", False),
        ("author", "rejected", True),
    ],
)
def test_the_idea_topic_is_authorised_like_the_idea_page(who, slug, allowed):
    author = MemberFactory()
    person = {
        "anonymous": AnonymousUser(),
        "member": MemberFactory(),
        "author": author,
        "staff": StaffFactory(),
    }[who]
    idea = IdeaFactory(
        author=author, status=idea_status(slug), merged_into=IdeaFactory() if slug == "merged" else None
    )
    resolved = live.resolve(person, f"idea.{idea.pk}")
    if not allowed:
        assert resolved is None
        return
    group, snapshot = resolved
    assert group == f"idea.{idea.pk}"
    assert snapshot[0]["type"] == "idea" and snapshot[0]["id"] == idea.pk
    assert snapshot[0]["status"]["slug"] == slug
    assert snapshot[0]["votable"] is (slug == "new")
    if slug == "merged":
        assert snapshot[0]["merged_into"] == idea.merged_into.get_absolute_url()


@pytest.mark.django_db
def test_ideas_on_an_unpublished_board_and_unknown_ideas_are_refused():
    board = make_board()
    board.unpublish()
    idea = IdeaFactory(board=board)
    assert live.resolve(StaffFactory(), f"idea.{idea.pk}") is None
    assert live.resolve(StaffFactory(), "idea.999999") is None
    assert live.resolve(StaffFactory(), "idea.") is None


# --- Over the websocket ------------------------------------------------------------------------


def session_cookie(client, member):
    client.force_login(member)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def connect(cookie=b""):
    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]
    if cookie:
        headers.append((b"cookie", cookie))
    from community.asgi import application  # imported late: it checks the database at import

    communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def signed_in_socket(client, member):
    ws = await connect(await database_sync_to_async(session_cookie)(client, member))
    assert (await ws.receive_json_from(timeout=5))["type"] == "notifications"
    return ws


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_pending_ideas_topic_is_refused_for_other_members_over_the_socket(client):
    idea = await database_sync_to_async(IdeaFactory)(
        status=await database_sync_to_async(idea_status)("awaiting-approval")
    )
    other = await database_sync_to_async(MemberFactory)()
    ws = await signed_in_socket(client, other)
    await ws.send_json_to({"subscribe": [f"idea.{idea.pk}"]})
    assert await ws.receive_nothing(timeout=0.3)
    # The refused socket never joined the idea's group: later events on it do not leak either.
    await database_sync_to_async(services.approve_idea)(
        idea=idea, by=await database_sync_to_async(StaffFactory)()
    )
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_after_a_vote_the_subscribed_socket_receives_the_new_count_and_a_higher_version(client):
    idea = await database_sync_to_async(IdeaFactory)()
    voter = await database_sync_to_async(MemberFactory)()
    ws = await connect()  # an anonymous visitor watching the idea page
    await ws.send_json_to({"subscribe": [f"idea.{idea.pk}"]})
    snapshot = await ws.receive_json_from(timeout=5)
    assert (snapshot["type"], snapshot["id"], snapshot["votes"]) == ("idea", idea.pk, 0)

    await database_sync_to_async(services.cast_vote)(member=voter, idea=idea)
    event = await ws.receive_json_from(timeout=5)
    assert (event["type"], event["id"], event["votes"]) == ("idea", idea.pk, 1)
    assert event["version"] > snapshot["version"]

    await database_sync_to_async(services.add_comment)(idea=idea, author=voter, body="Yes please")
    comment_event = await ws.receive_json_from(timeout=5)
    assert comment_event["comments"] == 1 and comment_event["version"] > event["version"]

    staff = await database_sync_to_async(StaffFactory)()
    planned = await database_sync_to_async(idea_status)("planned")
    await database_sync_to_async(services.change_status)(idea=idea, to=planned, response="Planned!", by=staff)
    status_event = await ws.receive_json_from(timeout=5)
    assert status_event["status"]["slug"] == "planned" and status_event["version"] > comment_event["version"]
    assert status_event["votes"] == 1
    await ws.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_repeated_vote_sends_no_event(client):
    idea = await database_sync_to_async(IdeaFactory)()
    voter = await database_sync_to_async(MemberFactory)()
    await database_sync_to_async(services.cast_vote)(member=voter, idea=idea)
    ws = await signed_in_socket(client, voter)
    await ws.send_json_to({"subscribe": [f"idea.{idea.pk}"]})
    assert (await ws.receive_json_from(timeout=5))["votes"] == 1
    assert await database_sync_to_async(services.cast_vote)(member=voter, idea=idea) is False
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


@pytest.mark.django_db
def test_an_idea_event_names_its_status_in_every_language_of_the_site():
    """One event reaches pages in five languages; each page shows the status in its own."""
    from ideas.events import idea_state

    state = idea_state(IdeaFactory(status=idea_status("planned")))
    assert state["status"]["labels"] == {
        "en": "Planned", "nb": "Planlagt", "da": "Planlagt", "sv": "Planerad", "nl": "Gepland"
    }
