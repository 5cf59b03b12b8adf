"""The live socket: session-authenticated, origin-checked, state plus version on every event."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from community import live, services
from tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def session_cookie(client, member):
    client.force_login(member)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def connect(cookie=b"", origin=b"http://127.0.0.1:8000"):
    headers = [(b"origin", origin), (b"host", b"127.0.0.1:8000")]
    if cookie:
        headers.append((b"cookie", cookie))
    from community.asgi import application  # imported late: it checks the database at import

    communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


async def test_a_member_gets_their_unread_count_on_connect_and_on_change(client):
    member = await database_sync_to_async(MemberFactory)()
    cookie = await database_sync_to_async(session_cookie)(client, member)
    ws, connected = await connect(cookie)
    assert connected
    assert await ws.receive_json_from() == {"type": "notifications", "unread": 0, "version": 0}

    await database_sync_to_async(services.notify)([member], kind="t", key="k1", title="Hello")
    assert await ws.receive_json_from() == {"type": "notifications", "unread": 1, "version": 1}
    await ws.disconnect()


async def test_members_do_not_receive_each_others_events(client):
    me, other = await database_sync_to_async(MemberFactory.create_batch)(2)
    ws, _ = await connect(await database_sync_to_async(session_cookie)(client, me))
    await ws.receive_json_from()
    await database_sync_to_async(services.notify)([other], kind="t", key="k", title="Private")
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


async def test_a_foreign_origin_is_refused():
    ws, connected = await connect(origin=b"https://evil.example")
    assert not connected


async def test_anonymous_visitors_connect_but_get_no_member_events():
    ws, connected = await connect()
    assert connected
    assert await ws.receive_nothing(timeout=0.2)
    await ws.disconnect()


async def test_unknown_or_forbidden_topics_are_ignored_silently(client):
    live.register_topic(
        "secret", authorize=lambda member, ident: False, snapshot=lambda m, i: [{"type": "leak"}]
    )
    live.register_topic(
        "open", authorize=lambda member, ident: True, snapshot=lambda m, i: [{"type": "open", "id": i}]
    )
    ws, _ = await connect()
    await ws.send_json_to({"subscribe": ["secret.1", "nosuch.2", "open.x", "open.7", 42]})
    assert await ws.receive_json_from() == {"type": "open", "id": 7}
    assert await ws.receive_nothing(timeout=0.2)
    await ws.send_json_to(["not", "a", "dict"])
    assert (await ws.receive_json_from())["type"] == "error"
    await ws.disconnect()


async def test_events_for_a_rolled_back_write_are_never_sent(client):
    from django.db import transaction

    member = await database_sync_to_async(MemberFactory)()
    ws, _ = await connect(await database_sync_to_async(session_cookie)(client, member))
    await ws.receive_json_from()

    def notify_then_fail():
        with transaction.atomic():
            services.notify([member], kind="t", key="k", title="Hello")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        await database_sync_to_async(notify_then_fail)()
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()
