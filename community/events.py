"""Event names and payload builders for members' own channel (the notification bell)."""

from community.live import member_group, publish


def notification_state(member_id: int) -> dict:
    from community.queries import notification_state as state

    unread, version = state(member_id)
    return {"type": "notifications", "unread": unread, "version": version}


def notifications_changed(member_id: int) -> None:
    """Push the member's current unread count to each of their open tabs."""
    publish(member_group(member_id), notification_state(member_id))
