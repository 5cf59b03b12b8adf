"""HTML and JSON views for members: profile, notifications, health."""

import asyncio
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from community import languages, queries, services
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
            # The browser remembers it too, so the site stays in it after logging out.
            _remember_language(response, member.preferred_language)
            return response
    else:
        form = ProfileForm(instance=member)
    teams = list(member.teams.all()) if member.is_staff else []
    return render(request, "community/profile.html", {"form": form, "member": member, "teams": teams})


def _remember_language(response, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def set_language(request):
    """The footer's language menu (a plain form: works without JavaScript). Django's view sets
    the cookie and redirects; a signed-in member's choice is also saved as their preferred
    language, so pages and e-mails follow it. A code that is none of ours changes nothing."""
    code = languages.supported(request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER))
    if request.method == "POST":
        data = request.POST.copy()
        data[i18n.LANGUAGE_QUERY_PARAMETER] = code or ""
        request.POST = data
        if code and request.user.is_authenticated and request.user.preferred_language != code:
            try:
                services.update_profile(request.user, preferred_language=code)
            except ValidationError:
                pass  # another field of an old account no longer validates: the cookie still applies
    return i18n.set_language(request)


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


# A probe must answer before the load balancer gives up on it, even when Redis hangs.
HEALTH_TIMEOUT = 2.0


@never_cache
async def healthz(request):
    """Liveness for load balancers: database, cache and channel layer; 503 if any fails.

    The cache's own fallback (a miss when Redis is down) must not hide an outage here, so the
    Redis cache is probed directly."""

    def database():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True

    def cache_works():
        probe = getattr(cache, "probe", None)
        if probe is not None:
            probe()
            return True
        key = f"healthz:{uuid.uuid4().hex}"
        cache.set(key, "ok", 10)
        found = cache.get(key) == "ok"
        cache.delete(key)
        return found

    async def channel_layer_works():
        layer = get_channel_layer()
        channel = await layer.new_channel("healthz.")
        await layer.send(channel, {"type": "healthz"})
        return (await layer.receive(channel))["type"] == "healthz"

    async def passes(check) -> bool:
        try:
            return bool(await asyncio.wait_for(check, HEALTH_TIMEOUT))
        except Exception:
            return False

    checks = {
        "database": await passes(sync_to_async(database)()),
        "cache": await passes(sync_to_async(cache_works)()),
        "channel_layer": await passes(channel_layer_works()),
    }
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )
