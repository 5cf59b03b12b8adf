"""Live events for beta threads: the whole visible state of a thread, with its version.

The state holds counts, the status and the tags, never text: an internal note changes nothing a
customer's socket receives, and replies are fetched by the page through the rule-checked view.
"""

from community.live import publish, register_topic
from feedback import rules
from feedback.models import Thread


def thread_state(thread: Thread) -> dict:
    item = getattr(thread, "item", None)
    return {
        "type": "beta-thread",
        "id": thread.pk,
        "version": thread.version,
        "posts": thread.post_count,
        "status": {"code": item.status, "label": str(item.status_label)} if item else None,
        "tags": [{"slug": t.slug, "name": t.name} for t in item.tags.order_by("slug")] if item else [],
    }


def _load(thread_id: int) -> Thread | None:
    return Thread.objects.select_related("programme", "item").filter(pk=thread_id).first()


def thread_changed(thread_id: int) -> None:
    """Called after commit by every service that changes what viewers of a thread see."""
    thread = _load(thread_id)
    if thread is not None:
        publish(f"beta-thread.{thread_id}", thread_state(thread))


def _authorize(member, thread_id: int) -> bool:
    thread = _load(thread_id)
    return thread is not None and rules.can_view_thread(member, thread)


def _snapshot(member, thread_id: int) -> list[dict]:
    return [thread_state(_load(thread_id))]


register_topic("beta-thread", authorize=_authorize, snapshot=_snapshot)
