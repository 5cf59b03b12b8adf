"""Webhook events: their names, their payloads (documented in docs/webhooks.md: keep them
stable) and emit(), which services call inside their transaction.

Payloads carry ids, titles, statuses and links: what a team's system needs to find the thing
on the site. Never e-mail addresses, names or what a customer wrote beyond a title.
"""

import logging
import uuid

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.background import enqueue_on_commit

logger = logging.getLogger(__name__)

FEEDBACK_ROUTED = "feedback.routed"
FEEDBACK_STATUS_CHANGED = "feedback.status_changed"
IDEA_STATUS_CHANGED = "idea.status_changed"
POLL_CLOSED = "poll.closed"
PROGRAMME_APPLICATION = "programme.application"

EVENTS = {
    FEEDBACK_ROUTED: _("Feedback routed to the team"),
    FEEDBACK_STATUS_CHANGED: _("Feedback status changed"),
    IDEA_STATUS_CHANGED: _("Idea status changed"),
    POLL_CLOSED: _("Poll closed"),
    PROGRAMME_APPLICATION: _("Application to a beta programme"),
}

# Event ids are derived from what happened (a status change's id, a poll's id), so calling
# emit twice for one happening, as a retried task may, delivers it once.
_NAMESPACE = uuid.UUID("5f0c7a4e-2b1d-4c59-9a7e-0c6f1f0b8d21")


def event_id(event: str, key) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"{event}:{key}")


def teams_listening(event: str, team_ids) -> set[int]:
    """Of these teams, those with an active endpoint that hears `event`: one query, so a batch
    (re-applying the routing rules) asks once instead of once per row."""
    from community.models import WebhookEndpoint

    endpoints = WebhookEndpoint.objects.filter(team_id__in=set(team_ids), active=True)
    return {e.team_id for e in endpoints if e.hears(event)}


def emit(event: str, *, team, data: dict, key=None, occurred_at=None) -> list[int]:
    """Register one delivery per active endpoint of `team` that hears `event`, in the caller's
    transaction, and send them after it commits. Returns the new deliveries' ids.

    A failure here is logged and never undoes the caller's write: the rows are written in a
    savepoint of their own.
    """
    from community.models import WebhookDelivery, WebhookEndpoint
    from community.webhooks import delivery

    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}")
    if team is None:
        return []
    endpoints = [e for e in WebhookEndpoint.objects.filter(team=team, active=True) if e.hears(event)]
    if not endpoints:
        return []
    ident = event_id(event, key) if key is not None else uuid.uuid4()
    now = timezone.now()
    payload = {
        "id": str(ident),
        "event": event,
        "occurred_at": (occurred_at or now).isoformat(),
        "team": {"id": team.pk, "slug": team.slug, "name": team.name},
        "data": data,
    }
    created = []
    try:
        with transaction.atomic():
            already = set(
                WebhookDelivery.objects.filter(endpoint__in=endpoints, event_id=ident, manual=False).values_list(
                    "endpoint_id", flat=True
                )
            )
            rows = [
                WebhookDelivery(endpoint=e, team_id=e.team_id, uuid=uuid.uuid4(), event=event, event_id=ident, payload=payload,
                                next_attempt_at=now, created_at=now, updated_at=now)
                for e in endpoints
                if e.pk not in already
            ]
            created = WebhookDelivery.objects.bulk_create(rows)
    except DatabaseError:
        logger.exception("Could not register the %s webhooks of team %s", event, team.pk)
        return []
    for row in created:
        enqueue_on_commit(delivery.deliver, row.pk)
    return [row.pk for row in created]


# --- The events, one function each: the one line a service calls --------------------------------


def _absolute(url: str) -> str:
    from community.tasks import absolute

    return absolute(url) if url else ""


def item_team(item):
    """The team that owns a feedback item: its own team once routing sets one, else the team of
    its beta programme or touchpoint."""
    team = getattr(item, "team", None)
    if team is not None:
        return team
    if item.programme_id:
        return item.programme.owner_team
    if item.touchpoint_id:
        return item.touchpoint.owner_team
    return None


def _item_data(item) -> dict:
    return {
        "item": {
            "id": item.pk,
            "title": item.title,
            "status": item.status,
            "source": item.source,
            "programme_id": item.programme_id,
            "touchpoint_id": item.touchpoint_id,
            "url": _absolute(item.get_absolute_url()),
        }
    }


def feedback_routed(item, team, *, decision=None) -> list[int]:
    """Feedback was routed to `team` (feedback.services, by the rules or by hand). One delivery
    per routing decision."""
    data = _item_data(item)
    if decision is not None:
        data["routing"] = {"decision_id": decision.pk, "reason": decision.reason, "rule_name": decision.rule_name,
                           "matched": decision.matched}
    key = decision.pk if decision is not None else f"{item.pk}:{team.pk if team else ''}"
    return emit(FEEDBACK_ROUTED, team=team, data=data, key=key)


def feedback_status_changed(change) -> list[int]:
    """A feedback item moved along its workflow (feedback.services.change_item_status)."""
    item = change.item
    data = _item_data(item)
    data["item"]["status"] = change.to_status
    data["change"] = {"id": change.pk, "from": change.from_status, "to": change.to_status}
    return emit(FEEDBACK_STATUS_CHANGED, team=item_team(item), data=data, key=change.pk)


def idea_status_changed(change) -> list[int]:
    """An idea moved to another status (ideas.services: change, approve, reject, merge, withdraw)."""
    idea = change.idea
    board = idea.board
    data = {
        "idea": {
            "id": idea.pk,
            "title": idea.title,
            "url": _absolute(idea.get_absolute_url()),
            "vote_count": idea.vote_count,
            "board": {"id": board.pk, "title": board.title},
        },
        "change": {
            "id": change.pk,
            "from": change.from_status.slug if change.from_status_id else None,
            "to": change.to_status.slug,
            "to_name": change.to_status.name,
        },
    }
    return emit(IDEA_STATUS_CHANGED, team=board.owner_team, data=data, key=change.pk)


def poll_closed(poll, state=None) -> list[int]:
    """A poll's time is up (ideas.polls.services.close_poll); its team writes the conclusion."""
    data = {
        "poll": {
            "id": poll.pk,
            "title": poll.title,
            "url": _absolute(poll.get_url() or ""),
            "closes_at": poll.closes_at.isoformat() if getattr(poll, "closes_at", None) else None,
            "ballot_count": state.ballot_count if state is not None else None,
        }
    }
    return emit(POLL_CLOSED, team=poll.owner_team, data=data, key=poll.pk)


def programme_application(membership) -> list[int]:
    """A member applied to a beta programme (feedback.services.apply_to_programme). The payload
    says which programme and where to decide, not who applied or why."""
    from django.urls import reverse

    programme = membership.programme
    data = {
        "application": {
            "id": membership.pk,
            "state": membership.state,
            "review_url": _absolute(reverse("feedback_programme_members", args=[programme.pk])),
        },
        "programme": {"id": programme.pk, "title": programme.title, "url": _absolute(programme.url or "")},
    }
    # No key: applying again after a decision is a new application.
    return emit(PROGRAMME_APPLICATION, team=programme.owner_team, data=data)
