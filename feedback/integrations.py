"""Where routing meets other systems: after a routing decision commits, the owning team's
webhooks hear of it ("feedback.routed"). community.webhooks is optional (it may not be
installed): this is the one place that knows, so wiring it up is a change here only."""

from django.db import transaction


def routed_payload(decision) -> dict:
    """What a receiver learns: which item went to which team and why. No customer text."""
    return {
        "item": decision.item_id,
        "team": decision.team_id,
        "team_name": decision.team_name,
        "reason": decision.reason,
        "rule": decision.rule_id,
        "rule_name": decision.rule_name,
        "matched": decision.matched,
        "at": decision.created_at.isoformat(),
    }


def on_routed(decision) -> None:
    """Called once per committed routing decision."""
    try:
        from community import webhooks
    except ImportError:
        return
    if decision.team_id is not None:
        webhooks.emit("feedback.routed", team=decision.team, payload=routed_payload(decision))


def routed_on_commit(decision) -> None:
    transaction.on_commit(lambda: on_routed(decision), robust=True)
