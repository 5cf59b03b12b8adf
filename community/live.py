"""Real-time plumbing: publish after commit, and the registry of topics browsers subscribe to.

The channel layer delivers at most once and drops messages when a channel is full, so every
event carries the whole current state and a version; browsers apply only newer versions and
get a fresh snapshot whenever they (re)subscribe.
"""

import asyncio
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from community.inputs import parse_id
from community.outages import Outage

logger = logging.getLogger(__name__)

# A write waits at most this long on the channel layer; then its events are dropped (logged
# once a minute) and the next event or snapshot repairs the pages, as every event is whole.
PUBLISH_TIMEOUT = 2.0
layer_outage = Outage("The channel layer (live updates)")


def after_commit(fn: Callable, *args, **kwargs) -> None:
    """Run fn once the current transaction commits (at once outside a transaction).

    Builders read the committed state, so an event never describes a write that rolled back.
    """
    transaction.on_commit(lambda: fn(*args, **kwargs), robust=True)


def publish(group: str, message: dict) -> None:
    """Send one event to every socket in a group. Best effort: a dead layer never fails a write."""
    publish_many([(group, message)])


def publish_many(messages: list[tuple[str, dict]]) -> None:
    """Send many (group, event) pairs in one trip to the event loop: notifying a thousand
    followers must not cost a thousand thread hops."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return

    if layer_outage.skipping():  # it just failed: do not make this write wait on it too
        return

    async def send_all():
        for group, message in messages:
            # Encoded once here, not once per socket: every consumer sends this text as it is.
            await layer.group_send(group, {"type": "live.event", "message": message, "text": json.dumps(message)})

    async def send_all_in_time():
        await asyncio.wait_for(send_all(), PUBLISH_TIMEOUT)

    try:
        if _has_server_loop() or not hasattr(layer, "connection"):
            async_to_sync(send_all_in_time)()
        else:
            asyncio.run_coroutine_threadsafe(send_all_in_time(), _publisher_loop()).result(PUBLISH_TIMEOUT + 1)
    except Exception as exc:  # the write already committed; the next snapshot will carry the state
        layer_outage.failed(exc, f"Live events are dropped ({len(messages)} in this write).")
    else:
        layer_outage.succeeded()


def _has_server_loop() -> bool:
    """Called from a sync view under the ASGI server: async_to_sync runs on the server's loop,
    whose channel layer connections stay open."""
    return getattr(SyncToAsync.threadlocal, "main_event_loop", None) is not None


_publisher_state: dict = {}


def _publisher_loop():
    """Elsewhere (a WSGI worker, a task worker, a command), an event loop of this process's own
    in a thread: async_to_sync would make a new loop, and so a new Redis connection, per write.
    The in-memory layer is tied to the loop its consumers run on, so it never comes here."""
    with _publisher_lock:
        loop = _publisher_state.get(os.getpid())
        if loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="live-publisher", daemon=True).start()
            _publisher_state.clear()  # a loop of the parent process, before a fork
            _publisher_state[os.getpid()] = loop
        return loop


_publisher_lock = threading.Lock()


def member_group(member_id: int) -> str:
    return f"member.{member_id}"


@dataclass(frozen=True)
class Topic:
    """A kind of thing a browser may watch, e.g. "idea" with ids.

    authorize(member, ident) -> bool uses the same rules as the pages;
    snapshot(member, ident) -> list of events giving the current state.
    """

    name: str
    authorize: Callable
    snapshot: Callable


_topics: dict[str, Topic] = {}


def register_topic(name: str, *, authorize: Callable, snapshot: Callable) -> None:
    _topics[name] = Topic(name, authorize, snapshot)


def parse_topic(topic) -> tuple[str, int] | None:
    """("idea", 12) from "idea.12"; None for anything that is not a name, a dot and an id
    (a number, "idea.²", "idea.99999999999999999999")."""
    if not isinstance(topic, str) or len(topic) > 100:
        return None
    name, dot, ident = topic.partition(".")
    ident = parse_id(ident) if dot else None
    return (name, ident) if name and ident is not None else None


def resolve(member, topic):
    """Return (group name, snapshot events) if the member may watch topic, else None: unknown,
    forbidden and malformed topics alike, so an answer never hints that a hidden thing exists."""
    parsed = parse_topic(topic)
    handler = _topics.get(parsed[0]) if parsed else None
    if handler is None:
        return None
    name, ident = parsed
    if not handler.authorize(member, ident):
        return None
    return f"{name}.{ident}", handler.snapshot(member, ident)


# --- Surviving a channel layer restart ------------------------------------------------------
# Group memberships live in the layer (Redis). When Redis restarts its data is gone and open
# sockets would silently stop receiving events; while it is unreachable, events are dropped.
# A marker key tells the two apart from normal service: each worker reads it at most every
# EPOCH_CHECK_EVERY seconds, and the "epoch" it returns changes after either happened, so the
# consumers join their groups again and send fresh snapshots (community/consumers.py).

EPOCH_CHECK_EVERY = 2.0


@dataclass
class _EpochState:
    value: int = 0
    marker: bytes | None = None
    checked: float = float("-inf")
    down: bool = False


_epoch = _EpochState()


def current_epoch(layer) -> int:
    return _epoch.value if hasattr(layer, "connection") else 0


async def layer_epoch(layer) -> int | None:
    """The layer's epoch (see above); None while the layer cannot be reached. An in-process
    layer lives and dies with this process, so its epoch never changes."""
    connection = getattr(layer, "connection", None)  # channels_redis: a client for this loop
    if connection is None:
        return 0
    now = time.monotonic()
    if now - _epoch.checked < EPOCH_CHECK_EVERY:
        return None if _epoch.down else _epoch.value
    _epoch.checked = now
    key = f"{layer.prefix}cocreate:epoch"
    try:
        marker = await _read_marker(connection, key)
    except Exception as exc:
        _epoch.down = True
        layer_outage.failed(exc, "Open pages get no live events until it is back.")
        return None
    layer_outage.succeeded()
    if _epoch.down or (_epoch.marker is not None and marker != _epoch.marker):
        _epoch.value += 1
    _epoch.down, _epoch.marker = False, marker
    return _epoch.value


async def _read_marker(connection, key):
    async def read():
        redis = connection(0)
        await redis.set(key, uuid.uuid4().hex, nx=True)  # a fresh Redis gets a new marker
        return await redis.get(key)

    try:
        return await asyncio.wait_for(read(), 2)
    except Exception:  # a pooled connection from before a restart fails once: try a new one
        return await asyncio.wait_for(read(), 2)
