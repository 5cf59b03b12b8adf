"""Redis restarts (its data, and so every websocket group membership, gone) while pages are open:
the sockets stay open, the server joins their groups again and sends fresh snapshots, and events
flow again within 30 seconds without a reload. A socket opened while Redis is down works too."""

import time

import pytest
from channels.db import database_sync_to_async as in_thread

from community import services as community_services
from ideas import services
from tests.factories import IdeaFactory, MemberFactory
from tests.ideas.test_live import connect, signed_in_socket

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

WITHIN = 30  # seconds, as the issue asks


async def receive_until(ws, wanted, timeout):
    """The first message for which wanted(message) is true; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(f"nothing wanted arrived within {timeout} s")
        try:
            message = await ws.receive_json_from(timeout=remaining)
        except TimeoutError:
            continue
        if wanted(message):
            return message


def idea_with(votes):
    return lambda m: m["type"] == "idea" and m["votes"] == votes


async def test_open_pages_get_events_again_after_redis_restarts(redis_server, client):
    idea = await in_thread(IdeaFactory)()
    watcher = await in_thread(MemberFactory)()
    voters = await in_thread(MemberFactory.create_batch)(3)
    member_page = await signed_in_socket(client, watcher)
    await member_page.send_json_to({"subscribe": [f"idea.{idea.pk}"]})
    assert (await member_page.receive_json_from(timeout=5))["votes"] == 0

    await in_thread(redis_server.stop)()
    # Opened while Redis is down: it connects, and the page gets its snapshot from the database.
    visitor_page = await connect()
    await visitor_page.send_json_to({"subscribe": [f"idea.{idea.pk}"]})
    assert (await visitor_page.receive_json_from(timeout=5))["votes"] == 0
    # A vote while Redis is down is stored; its event cannot be sent.
    await in_thread(services.cast_vote)(member=voters[0], idea=idea)

    await in_thread(redis_server.start)()  # empty: no groups, no channels
    back = time.monotonic()
    # A vote right after the restart: its event reaches nobody, as the groups are gone...
    await in_thread(services.cast_vote)(member=voters[1], idea=idea)
    # ...and the fresh snapshots the server sends on its own show both missed votes.
    for page in (member_page, visitor_page):
        await receive_until(page, idea_with(2), WITHIN)
    repaired = time.monotonic() - back
    assert repaired < WITHIN

    # Events flow again, on topic groups and on the member's own group.
    await in_thread(services.cast_vote)(member=voters[2], idea=idea)
    for page in (member_page, visitor_page):
        await receive_until(page, idea_with(3), 5)
    await in_thread(community_services.notify)([watcher], kind="t", key="after-restart", title="Hello")
    note = await receive_until(member_page, lambda m: m["type"] == "notifications", 5)
    assert note["unread"] == 1
    print(f"\nevents flow again {repaired:.1f} s after Redis came back")
    await member_page.disconnect()
    await visitor_page.disconnect()
