"""Staff pages for a team's webhooks: endpoints, their secret, the delivery log, re-sending.

A team's page refuses other staff with the rule's words; an endpoint or delivery of a team the
viewer does not manage is a 404, like one that does not exist.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.models import Team, WebhookDelivery, WebhookEndpoint
from community.rules import NotAllowed
from community.webhooks import services
from community.webhooks.events import EVENTS
from community.webhooks.forms import EndpointForm
from community.webhooks.rules import why_not_manage_webhooks

LOG_PAGE_SIZE = 25


def _forbidden(request, message: str):
    return render(request, "community/forbidden.html", {"message": message}, status=403)


def signed_in(view):
    """Visitors log in first; a refusal from a service shows its own words."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
        try:
            return view(request, *args, **kwargs)
        except NotAllowed as refusal:
            return _forbidden(request, str(refusal))

    return wrapper


def _endpoint(request, pk) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint.objects.manageable_by(request.user).select_related("team"), pk=pk)


def _log(request, deliveries):
    """One page of a delivery log: two queries whatever its size (count and rows)."""
    deliveries = deliveries.select_related("endpoint").order_by("-created_at", "-id")
    return Paginator(deliveries, LOG_PAGE_SIZE).get_page(request.GET.get("page"))


def _with_labels(endpoint) -> WebhookEndpoint:
    endpoint.event_labels = [EVENTS[name] for name in endpoint.events if name in EVENTS]
    return endpoint


def _save(request, form, call):
    """Run a service with the form's data; its ValidationError lands under the field it names."""
    try:
        return call(url=form.cleaned_data["url"], events=form.cleaned_data["events"])
    except ValidationError as error:
        form.add_error(error.code if error.code in form.fields else None, error)
        return None


@signed_in
def team_webhooks(request, pk):
    team = get_object_or_404(Team, pk=pk)
    reason = why_not_manage_webhooks(request.user, team)
    if reason:
        return _forbidden(request, reason)
    endpoints = [_with_labels(e) for e in team.webhook_endpoints.all()]
    log = _log(request, WebhookDelivery.objects.filter(team=team))
    return render(request, "community/webhooks/team.html",
                  {"team": team, "endpoints": endpoints, "page": log})


@signed_in
def endpoint_new(request, pk):
    team = get_object_or_404(Team, pk=pk)
    reason = why_not_manage_webhooks(request.user, team)
    if reason:
        return _forbidden(request, reason)
    form = EndpointForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        endpoint = _save(request, form, lambda **data: services.create_endpoint(team=team, by=request.user, **data))
        if endpoint is not None:
            messages.success(request, _("The endpoint is registered. Set its secret in your receiver."))
            return redirect(endpoint)
    return render(request, "community/webhooks/form.html", {"team": team, "form": form, "endpoint": None})


@signed_in
def endpoint_detail(request, pk):
    endpoint = _with_labels(_endpoint(request, pk))
    log = _log(request, endpoint.deliveries.all())
    return render(request, "community/webhooks/endpoint.html",
                  {"team": endpoint.team, "endpoint": endpoint, "page": log})


@signed_in
def endpoint_edit(request, pk):
    endpoint = _endpoint(request, pk)
    initial = {"url": endpoint.url, "events": endpoint.events}
    form = EndpointForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, lambda **data: services.update_endpoint(endpoint=endpoint, by=request.user, **data))
        if saved is not None:
            messages.success(request, _("The endpoint is saved."))
            return redirect(endpoint)
    return render(request, "community/webhooks/form.html", {"team": endpoint.team, "form": form, "endpoint": endpoint})


@signed_in
@require_POST
def endpoint_rotate(request, pk):
    endpoint = services.rotate_secret(endpoint=_endpoint(request, pk), by=request.user)
    messages.success(request, _("The secret is new: deliveries are signed with it from now on. Update your receiver."))
    return redirect(endpoint)


@signed_in
@require_POST
def endpoint_toggle(request, pk):
    endpoint = _endpoint(request, pk)
    if endpoint.active:
        services.disable_endpoint(endpoint=endpoint, by=request.user)
        messages.success(request, _("The endpoint is disabled: nothing is sent to it."))
    else:
        services.enable_endpoint(endpoint=endpoint, by=request.user)
        messages.success(request, _("The endpoint is enabled again."))
    return redirect(endpoint)


@signed_in
@require_POST
def endpoint_delete(request, pk):
    endpoint = _endpoint(request, pk)
    team = endpoint.team
    services.delete_endpoint(endpoint=endpoint, by=request.user)
    messages.success(request, _("The endpoint and its delivery log are deleted."))
    return redirect("webhooks_team", pk=team.pk)


@signed_in
@require_POST
def delivery_resend(request, pk):
    original = get_object_or_404(
        WebhookDelivery.objects.filter(endpoint__in=WebhookEndpoint.objects.manageable_by(request.user))
        .select_related("endpoint__team"),
        pk=pk,
    )
    services.redeliver(original=original, by=request.user)
    messages.success(request, _("The event is sent again as a new delivery."))
    return redirect(original.endpoint)
