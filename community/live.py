"""Real-time plumbing: publish after commit, and the registry of topics browsers subscribe to.

The channel layer delivers at most once and drops messages when a channel is full, so every
event carries the whole current state and a version; browsers apply only newer versions and
get a fresh snapshot whenever they (re)subscribe.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from community.inputs import parse_id

logger = logging.getLogger(__name__)


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

    async def send_all():
        for group, message in messages:
            await layer.group_send(group, {"type": "live.event", "message": message})

    try:
        async_to_sync(send_all)()
    except Exception:  # the write already committed; the next snapshot will carry the state
        logger.exception("Could not publish %s live event(s)", len(messages))


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
