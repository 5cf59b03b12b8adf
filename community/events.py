"""Event names and payload builders for members' own channel (the notification bell)."""

from django.db.models import Count

from community.live import member_group, publish_many


def notification_state(member_id: int) -> dict:
    return notification_states([member_id])[member_id]


def notification_states(member_ids) -> dict[int, dict]:
    """The bell's state for many members in two queries."""
    from community.models import Member, Notification

    versions = dict(Member.objects.filter(pk__in=member_ids).values_list("pk", "notification_version"))
    unread = dict(
        Notification.objects.filter(recipient_id__in=member_ids, read_at__isnull=True)
        .values("recipient_id").annotate(n=Count("pk")).values_list("recipient_id", "n")
    )
    return {
        pk: {"type": "notifications", "unread": unread.get(pk, 0), "version": versions.get(pk, 0)}
        for pk in member_ids
    }


def notifications_changed(*member_ids: int) -> None:
    """Push each member's current unread count to each of their open tabs."""
    states = notification_states(member_ids)
    publish_many([(member_group(pk), state) for pk, state in states.items()])
