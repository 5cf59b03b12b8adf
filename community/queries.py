"""Read paths shared by pages, the API and live events."""

from community.models import Member, Notification


def notification_state(member_id: int) -> tuple[int, int]:
    """(unread count, version) for the bell."""
    version = Member.objects.filter(pk=member_id).values_list("notification_version", flat=True).first()
    unread = Notification.objects.filter(recipient_id=member_id, read_at__isnull=True).count()
    return unread, version or 0


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
