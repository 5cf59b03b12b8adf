"""The live socket: session-authenticated, origin-checked, state plus version on every event."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from community import live, rules, services
from tests.factories import MemberFactory, StaffFactory

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


def register_test_topics():
    live.register_topic(
        "secret", authorize=lambda member, ident: False, snapshot=lambda m, i: [{"type": "leak"}]
    )
    live.register_topic(
        "open", authorize=lambda member, ident: True, snapshot=lambda m, i: [{"type": "open", "id": i}]
    )
    live.register_topic(
        "staffonly",
        authorize=lambda member, ident: rules.is_staff(member),
        snapshot=lambda m, i: [{"type": "s"}],
    )


async def test_unknown_or_forbidden_topics_are_ignored_silently(client):
    register_test_topics()
    ws, _ = await connect()
    await ws.send_json_to({"subscribe": ["secret.1", "nosuch.2", "open.7"]})
    assert await ws.receive_json_from() == {"type": "open", "id": 7}
    assert await ws.receive_nothing(timeout=0.2)
    await ws.send_json_to(["not", "a", "dict"])
    assert (await ws.receive_json_from())["type"] == "error"
    await ws.disconnect()


async def assert_still_serves(ws):
    """The socket is open and still answers a good subscription."""
    await ws.send_json_to({"subscribe": ["open.5"]})
    assert await ws.receive_json_from() == {"type": "open", "id": 5}


JUNK_FRAMES = {
    "not JSON": {"text_data": "{subscribe: idea.1"},
    "binary": {"bytes_data": b"\x00\x01 binary"},
    "nested 50,000 deep": {"text_data": "[" * 50_000 + "]" * 50_000},
    "nested dict 50,000 deep": {"text_data": '{"a":' * 50_000 + "1" + "}" * 50_000},
    "not a list": {"text_data": '{"subscribe": "open.1"}'},
    "a number": {"text_data": "42"},
    "superscript digit": {"text_data": '{"subscribe": ["open.\u00b2"]}'},
    "beyond 64 bits": {"text_data": '{"subscribe": ["open.99999999999999999999"]}'},
    "arabic-indic digit": {"text_data": '{"subscribe": ["open.\u0663"]}'},
    "non-string topics": {"text_data": '{"subscribe": [42, null, {"a": 1}, ["open.1"]]}'},
    "no id": {"text_data": '{"subscribe": ["open.", "open", ".3", "open.-1", "open.0"]}'},
}


@pytest.mark.parametrize("frame", JUNK_FRAMES.values(), ids=JUNK_FRAMES.keys())
async def test_junk_frames_answer_an_error_and_keep_the_socket_open(frame):
    register_test_topics()
    ws, _ = await connect()
    await ws.send_to(**frame)
    answer = await ws.receive_json_from(timeout=5)
    assert answer["type"] == "error" and answer["message"]
    await assert_still_serves(ws)
    await ws.disconnect()


async def test_a_topic_that_fails_to_resolve_answers_an_error_and_keeps_the_socket_open():
    def broken(member, ident):
        raise RuntimeError("database hiccup")

    register_test_topics()
    live.register_topic("broken", authorize=broken, snapshot=lambda m, i: [])
    ws, _ = await connect()
    await ws.send_json_to({"subscribe": ["broken.1"]})
    assert (await ws.receive_json_from())["type"] == "error"
    await assert_still_serves(ws)
    await ws.disconnect()


async def test_staff_without_totp_get_no_staff_powers_on_the_socket(client, settings):
    settings.STAFF_MFA_REQUIRED = True
    register_test_topics()
    staff = await database_sync_to_async(StaffFactory)()
    ws, connected = await connect(await database_sync_to_async(session_cookie)(client, staff))
    assert connected
    # Anonymous: no member events, no staff topics, but what any visitor sees.
    assert await ws.receive_nothing(timeout=0.2)
    await ws.send_json_to({"subscribe": ["staffonly.1"]})
    assert await ws.receive_nothing(timeout=0.2)
    await database_sync_to_async(services.notify)([staff], kind="t", key="k", title="Pending idea")
    assert await ws.receive_nothing(timeout=0.3)
    await assert_still_serves(ws)
    await ws.disconnect()


async def test_staff_with_totp_keep_their_powers_on_the_socket(client, settings):
    from allauth.mfa.models import Authenticator

    settings.STAFF_MFA_REQUIRED = True
    register_test_topics()
    staff = await database_sync_to_async(StaffFactory)()
    await database_sync_to_async(Authenticator.objects.create)(
        user=staff, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    ws, _ = await connect(await database_sync_to_async(session_cookie)(client, staff))
    assert (await ws.receive_json_from())["type"] == "notifications"
    await ws.send_json_to({"subscribe": ["staffonly.1"]})
    assert await ws.receive_json_from() == {"type": "s"}
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
