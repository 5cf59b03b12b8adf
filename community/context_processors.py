"""Template context every page needs: the site name and the member's unread count."""

from django.conf import settings

from community.queries import notification_state


def site(request):
    context = {"site_name": settings.WAGTAIL_SITE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["unread"], context["notification_version"] = notification_state(user.pk)
    return context
