"""Live events for beta threads (the whole visible state of a thread, with its version) and for
team inboxes (below).

The state holds counts, the status and the tags, never text: an internal note changes nothing a
customer's socket receives, and replies are fetched by the page through the rule-checked view.
"""

from community.live import publish, publish_many, register_topic
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


# --- The team inbox ------------------------------------------------------------------------------
# One topic per team ("inbox.<team id>"), for its members and site admins only (the inbox page's
# rule). An event names the item and its state (status, assignee, version): no text, so nothing a
# customer wrote or staff noted travels over the socket; the page fetches its rows through the
# rule-checked view. A watching team's inbox is not told: the inbox lists what a team owns.


def inbox_group(team_id: int) -> str:
    return f"inbox.{team_id}"


def inbox_item_state(item) -> dict:
    from community import teams

    return {
        "type": "inbox",
        "team": teams.owner_or_triage_id(item.team_id),
        # The change's moment: a page whose rows were drawn from an older state fetches again.
        "stamp": item.updated_at.isoformat(),
        "item": {
            "id": item.pk,
            "version": item.version,
            "status": item.status,
            "assignee": item.assignee_id,
            "read": item.read_at is not None,
        },
    }


def item_changed(item_id: int, *previous_team_ids) -> None:
    """After commit, by every service that changes what an inbox shows of an item: its owning
    team's inbox, and the inbox it left when it was re-routed."""
    from feedback.models import FeedbackItem

    item = FeedbackItem.objects.filter(pk=item_id).first()
    if item is None:
        return
    from community import teams

    owner = teams.owner_or_triage_id(item.team_id)
    state = inbox_item_state(item)
    groups = {owner, *previous_team_ids} - {None}
    publish_many([(inbox_group(team_id), state) for team_id in sorted(groups)])


def _team(team_id: int):
    from community.models import Team

    return Team.objects.filter(pk=team_id).first()


def _authorize_inbox(member, team_id: int) -> bool:
    return rules.can_view_inbox(member, _team(team_id))


def _inbox_snapshot(member, team_id: int) -> list[dict]:
    """The inbox's newest change: a page that (re)subscribes refreshes its rows if it is older."""
    from feedback.queries import inbox_stamp

    team = _team(team_id)
    return [{"type": "inbox", "team": team_id, "item": None, "stamp": inbox_stamp(team) if team else ""}]


register_topic("inbox", authorize=_authorize_inbox, snapshot=_inbox_snapshot)
