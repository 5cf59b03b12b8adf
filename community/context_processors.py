"""Template context every page needs: the site name and the member's unread count."""

from django.conf import settings

from community.models import Notification


def site(request):
    context = {"site_name": settings.WAGTAIL_SITE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # The version is on the member row already loaded for this request: only count.
        context["unread"] = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
        context["notification_version"] = user.notification_version
    return context
