"""Event names and payload builders for members' own channel (the notification bell)."""

from community.live import member_group, publish_many


def notification_payload(unread: int, version: int) -> dict:
    return {"type": "notifications", "unread": unread, "version": version}


def notification_state(member_id: int) -> dict:
    from community.queries import notification_state as state

    return notification_payload(*state(member_id))


def notifications_changed(*member_ids: int) -> None:
    """Push each member's current unread count to each of their open tabs."""
    from community.queries import notification_states

    states = notification_states(member_ids)
    publish_many([(member_group(pk), notification_payload(*state)) for pk, state in states.items()])
