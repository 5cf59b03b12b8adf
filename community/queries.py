"""Read paths shared by pages, the API and live events."""

from django.db.models import Count

from community.models import Member, Notification


def notification_state(member_id: int) -> tuple[int, int]:
    """(unread count, version) for the bell."""
    return notification_states([member_id])[member_id]


def notification_states(member_ids) -> dict[int, tuple[int, int]]:
    """(unread count, version) for many members in two queries (live events after a fan-out)."""
    versions = dict(Member.objects.filter(pk__in=member_ids).values_list("pk", "notification_version"))
    unread = dict(
        Notification.objects.filter(recipient_id__in=member_ids, read_at__isnull=True)
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values_list("recipient_id", "n")
    )
    return {pk: (unread.get(pk, 0), versions.get(pk, 0)) for pk in member_ids}


def notifications_for(member, *, unread_only=False):
    qs = Notification.objects.filter(recipient=member)
    return qs.unread() if unread_only else qs


# Each app adds a function(viewer, limit) -> list of Activity to this list in its AppConfig.ready,
# so the home page shows the latest across apps without knowing them.
activity_sources = []


def latest_activity(*, viewer, limit: int = 8) -> list:
    items = []
    for source in activity_sources:
        items.extend(source(viewer=viewer, limit=limit))
    items.sort(key=lambda item: item.when, reverse=True)
    return items[:limit]
