"""HTML and JSON views for members: profile, notifications, health."""

import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from community import queries, services
from community.forms import ProfileForm
from community.inputs import parse_ids


@login_required
def profile(request):
    member = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=member)
        if form.is_valid():
            services.update_profile(member, **{f: form.cleaned_data[f] for f in form.Meta.fields})
            messages.success(request, _("Your profile is saved."))
            response = redirect("member_profile")
            # The member's saved language wins over an earlier choice in the switcher.
            if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
            return response
    else:
        form = ProfileForm(instance=member)
    teams = list(member.teams.all()) if member.is_staff else []
    return render(request, "community/profile.html", {"form": form, "member": member, "teams": teams})


@login_required
def notifications(request):
    page = Paginator(queries.notifications_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "community/notifications.html", {"page": page})


@login_required
def notification_open(request, pk):
    """Follow a notification's link; opening it is reading it."""
    notification = get_object_or_404(queries.notifications_for(request.user), pk=pk)
    services.mark_notifications_read(request.user, ids=[notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(notification.url, {request.get_host()}, request.is_secure()):
        return redirect(notification.url)
    return redirect("notifications")


@login_required
@require_POST
def notifications_read(request):
    raw_ids = request.POST.getlist("id")
    ids = parse_ids(raw_ids) if raw_ids else None
    services.mark_notifications_read(request.user, ids=ids)
    if request.headers.get("accept", "").startswith("application/json"):
        unread, version = queries.notification_state(request.user.pk)
        return JsonResponse({"unread": unread, "version": version})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "notifications"
    return redirect(target)


@never_cache
async def healthz(request):
    """Liveness for load balancers: database, cache and channel layer; 503 if any fails."""
    checks = {}

    def database():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True

    try:
        checks["database"] = await sync_to_async(database)()
    except Exception:
        checks["database"] = False
    try:
        key = f"healthz:{uuid.uuid4().hex}"
        await cache.aset(key, "ok", 10)
        checks["cache"] = (await cache.aget(key)) == "ok"
        await cache.adelete(key)
    except Exception:
        checks["cache"] = False
    try:
        layer = get_channel_layer()
        channel = await layer.new_channel("healthz.")
        await layer.send(channel, {"type": "healthz"})
        checks["channel_layer"] = (await layer.receive(channel))["type"] == "healthz"
    except Exception:
        checks["channel_layer"] = False
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )
