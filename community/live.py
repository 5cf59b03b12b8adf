"""Real-time plumbing: publish after commit, and the registry of topics browsers subscribe to.

The channel layer delivers at most once and drops messages when a channel is full, so every
event carries the whole current state and a version; browsers apply only newer versions and
get a fresh snapshot whenever they (re)subscribe.
"""

import asyncio
import atexit
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from asgiref.sync import async_to_sync
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
    """Send many (group, event) pairs at once: notifying a thousand followers must not cost a
    thousand trips. With Redis the write does not wait for them (see Publisher)."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return
    if layer_outage.skipping():  # it just failed: do not make this write wait on it too
        return
    if hasattr(layer, "connection"):  # channels_redis
        _publisher().submit(layer, messages)
    else:  # the in-memory layer belongs to the loop its consumers run on: the server's
        try:
            async_to_sync(_send_in_time)(layer, messages)
        except Exception as exc:  # the write already committed; the next snapshot will carry the state
            layer_outage.failed(exc, f"Live events are dropped ({len(messages)} in this write).")
        else:
            layer_outage.succeeded()


async def _send_in_time(layer, messages) -> None:
    async def send_all():
        for group, message in messages:
            # Encoded once here, not once per socket: every consumer sends this text as it is.
            await layer.group_send(group, {"type": "live.event", "message": message, "text": json.dumps(message)})

    await asyncio.wait_for(send_all(), PUBLISH_TIMEOUT)


class Publisher:
    """This process's sender of live events: an event loop in a thread of its own, taking the
    writes' events in order from a queue and keeping its Redis connections.

    A write hands its events over and goes on. Waiting cost a vote 4-5 ms, and under the ASGI
    server every sync view of a worker runs in one thread, so it held the worker's other
    requests up as well. Browsers apply only newer versions, so an event that comes late is
    harmless; one that cannot be sent within PUBLISH_TIMEOUT is dropped, logged, and the next
    event or snapshot repairs the page. At most MAX_QUEUED writes wait; more are dropped alike.
    """

    MAX_QUEUED = 10_000

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.queue = None  # made on the loop, which owns it
        self.lock = threading.Lock()
        self.pending = 0  # submitted, not yet sent or dropped
        self.idle = threading.Event()
        self.idle.set()
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), name="live-publisher", daemon=True).start()
        ready.wait()

    def submit(self, layer, messages) -> None:
        with self.lock:
            if self.pending >= self.MAX_QUEUED:
                full = True
            else:
                full, self.pending = False, self.pending + 1
                self.idle.clear()
        if full:
            layer_outage.failed(OverflowError("too many live events queued"), "Live events are dropped.")
            return
        self.loop.call_soon_threadsafe(self.queue.put_nowait, (layer, messages))

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until what was submitted is sent or dropped (tests; a command before it exits)."""
        return self.idle.wait(PUBLISH_TIMEOUT if timeout is None else timeout)

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.queue = asyncio.Queue()
        self.loop.call_soon(ready.set)
        self.loop.run_until_complete(self._drain())

    async def _drain(self) -> None:
        while True:
            layer, messages = await self.queue.get()
            if not layer_outage.skipping():  # while it is down, what waited is dropped at once
                try:
                    await _send_in_time(layer, messages)
                except Exception as exc:
                    layer_outage.failed(exc, f"Live events are dropped ({len(messages)} in a write).")
                else:
                    layer_outage.succeeded()
            with self.lock:
                self.pending -= 1
                if not self.pending:
                    self.idle.set()


_publisher_state: dict = {}
_publisher_lock = threading.Lock()


def _publisher() -> Publisher:
    with _publisher_lock:
        publisher = _publisher_state.get(os.getpid())
        if publisher is None:
            _publisher_state.clear()  # the parent's, before a fork: its thread is not here
            publisher = _publisher_state[os.getpid()] = Publisher()
            atexit.register(publisher.flush)  # a command's last events still go out
        return publisher


def flush_events(timeout: float | None = None) -> bool:
    """Wait for this process's queued live events to be sent or dropped."""
    publisher = _publisher_state.get(os.getpid())
    return publisher.flush(timeout) if publisher else True


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
