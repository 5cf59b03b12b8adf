"""What staff do with webhook endpoints, for the pages, the API and the admin alike."""

import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.background import enqueue_on_commit
from community.models import WebhookDelivery, WebhookEndpoint
from community.rules import NotAllowed
from community.webhooks import addresses, delivery
from community.webhooks.events import EVENTS
from community.webhooks.rules import check_can_manage_webhooks

ENDPOINTS_PER_TEAM = 20


def new_secret() -> str:
    return secrets.token_hex(32)


def check_events(events) -> list[str]:
    if not isinstance(events, (list, tuple)) or not all(isinstance(e, str) for e in events):
        raise ValidationError(_("Choose the events as a list of event names."), code="events")
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        raise ValidationError(
            _("Unknown events: %(names)s.") % {"names": ", ".join(name[:40] for name in unknown[:5])}, code="events"
        )
    if not events:
        raise ValidationError(_("Choose at least one event."), code="events")
    return [e for e in EVENTS if e in events]  # one order, each once


def _check_url(url) -> str:
    addresses.check_url(url)
    return url.strip()


def create_endpoint(*, team, by, url, events) -> WebhookEndpoint:
    """Register an endpoint: nothing is stored unless the URL is one we may call."""
    check_can_manage_webhooks(by, team)
    url = _check_url(url)
    events = check_events(events)
    with transaction.atomic():
        if WebhookEndpoint.objects.select_for_update().filter(team=team).count() >= ENDPOINTS_PER_TEAM:
            raise ValidationError(
                _("A team can have at most %(n)s webhook endpoints.") % {"n": ENDPOINTS_PER_TEAM}, code="url"
            )
        return WebhookEndpoint.objects.create(team=team, url=url, events=events, secret=new_secret(), created_by=by)


def update_endpoint(*, endpoint, by, url=None, events=None) -> WebhookEndpoint:
    check_can_manage_webhooks(by, endpoint.team)
    fields = []
    if url is not None:
        endpoint.url = _check_url(url)
        fields.append("url")
    if events is not None:
        endpoint.events = check_events(events)
        fields.append("events")
    if fields:
        endpoint.save(update_fields=fields)
    return endpoint


def rotate_secret(*, endpoint, by) -> WebhookEndpoint:
    """A new secret at once: deliveries from now on are signed with it (docs/webhooks.md)."""
    check_can_manage_webhooks(by, endpoint.team)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint


def disable_endpoint(*, endpoint, by) -> WebhookEndpoint:
    check_can_manage_webhooks(by, endpoint.team)
    endpoint.active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = _("Disabled by %(name)s.") % {"name": by.public_name}
    endpoint.save(update_fields=["active", "disabled_at", "disabled_reason"])
    return endpoint


def enable_endpoint(*, endpoint, by) -> WebhookEndpoint:
    """Enable again with a clean failure streak; deliveries still pending are sent now."""
    check_can_manage_webhooks(by, endpoint.team)
    now = timezone.now()
    with transaction.atomic():
        endpoint.active = True
        endpoint.disabled_at = None
        endpoint.disabled_reason = ""
        endpoint.consecutive_failures = 0
        endpoint.save(update_fields=["active", "disabled_at", "disabled_reason", "consecutive_failures"])
        pending = list(
            endpoint.deliveries.filter(status=WebhookDelivery.Status.PENDING).values_list("pk", flat=True)[:500]
        )
        WebhookDelivery.objects.filter(pk__in=pending).update(next_attempt_at=now)
        for pk in pending:
            enqueue_on_commit(delivery.deliver, pk)
    return endpoint


def delete_endpoint(*, endpoint, by) -> None:
    check_can_manage_webhooks(by, endpoint.team)
    endpoint.delete()


def redeliver(*, original, by) -> WebhookDelivery:
    """Send a delivery's event again, by hand: a new delivery (new Cocreate-Delivery id) with the
    same event id and payload, so the receiver can tell it already had it."""
    endpoint = original.endpoint
    check_can_manage_webhooks(by, endpoint.team)
    if not endpoint.active:
        raise NotAllowed(_("This endpoint is disabled: enable it before sending anything again."))
    now = timezone.now()
    with transaction.atomic():
        copy = WebhookDelivery.objects.create(
            endpoint=endpoint, team_id=endpoint.team_id, uuid=uuid.uuid4(), event=original.event, event_id=original.event_id,
            payload=original.payload, manual=True, next_attempt_at=now, created_at=now, updated_at=now,
        )
        enqueue_on_commit(delivery.deliver, copy.pk)
    return copy
