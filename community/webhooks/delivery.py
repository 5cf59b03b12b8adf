"""Sending webhooks: the signature, one HTTP attempt, retries with backoff, and disabling an
endpoint that keeps failing (its team is told).

Each attempt claims its delivery with a conditional update (a lease), so two workers, or a
worker and `manage.py deliver_due_webhooks`, never send one delivery at once, and no database
transaction stays open during the HTTP call.
"""

import functools
import hashlib
import hmac
import http.client
import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from community.background import enqueue_on_commit, retrying_task
from community.webhooks import addresses

# Seconds to wait after the n-th failed attempt: 1 min, 5 min, 30 min, 2 h, 12 h, then daily.
BACKOFF = [60, 300, 1800, 7200, 43200, 86400]
# A claimed delivery is not claimed again for this long (longer than any attempt takes).
LEASE = timedelta(minutes=2)
EXCERPT_MAX = 500
USER_AGENT = "Cocreate-Webhooks/1"


def retry_delay(failed_attempts: int) -> timedelta | None:
    """How long after its n-th failed attempt a delivery is tried again; None: no more tries."""
    if failed_attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
        return None
    return timedelta(seconds=BACKOFF[min(failed_attempts, len(BACKOFF)) - 1])


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The Cocreate-Signature header: v1=hex(HMAC-SHA256(secret, "<timestamp>.<body>"))."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass
class Outcome:
    code: int | None = None
    ms: int = 0
    excerpt: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.code is not None and 200 <= self.code < 300


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One context for every delivery: loading the CA certificates costs more than a request."""
    return ssl.create_default_context()


class _PinnedConnection(http.client.HTTPSConnection):
    """Connects to the address that was checked, while the Host header and TLS name (SNI and
    certificate check) stay the URL's host: a DNS answer that changed meanwhile is not used."""

    def __init__(self, target: addresses.Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout, context=_tls_context())
        self.target = target

    def connect(self):
        sock = socket.create_connection((self.target.address, self.target.port), self.timeout)
        if self.target.scheme == "https":
            sock = self._context.wrap_socket(sock, server_hostname=self.target.host)
        self.sock = sock


def post(url: str, body: bytes, headers: dict, *, timeout: float | None = None) -> Outcome:
    """One POST, never following redirects, within `timeout` seconds in all."""
    timeout = float(timeout if timeout is not None else settings.WEBHOOKS_TIMEOUT)
    try:
        target = addresses.check_url(url)
    except ValidationError as refusal:
        return Outcome(error=str(refusal.messages[0]))
    connection = _PinnedConnection(target, timeout)
    expired = threading.Event()

    def cut():  # a receiver that answers one byte at a time cannot hold the worker
        expired.set()
        if connection.sock is not None:
            try:
                connection.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    watchdog = threading.Timer(timeout, cut)
    watchdog.daemon = True
    started = time.monotonic()
    watchdog.start()
    try:
        connection.request("POST", target.path, body=body, headers={**headers, "User-Agent": USER_AGENT})
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_MAX).decode("utf-8", "replace")
        outcome = Outcome(code=response.status, excerpt=excerpt)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        timed_out = expired.is_set() or isinstance(exc, TimeoutError)
        outcome = Outcome(error=f"Timed out after {timeout:g} s" if timed_out else f"{type(exc).__name__}: {exc}")
    finally:
        watchdog.cancel()
        connection.close()
    outcome.ms = int((time.monotonic() - started) * 1000)
    if outcome.code is not None and not outcome.ok and not outcome.error:
        outcome.error = f"HTTP {outcome.code}"
    outcome.error = outcome.error[:300]
    return outcome


def headers_for(delivery, body: bytes, timestamp: int) -> dict:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "Cocreate-Event": delivery.event,
        "Cocreate-Delivery": str(delivery.uuid),
        "Cocreate-Timestamp": str(timestamp),
        "Cocreate-Signature": sign(delivery.endpoint.secret, timestamp, body),
    }


def attempt(delivery_id: int, *, now=None) -> Outcome | None:
    """Try one due delivery once and record what happened; None if it was not due (sent,
    claimed by another worker, its endpoint disabled, or gone)."""
    from community.models import WebhookDelivery

    now = now or timezone.now()
    with transaction.atomic():
        # Locked and checked in one statement: a second worker skips the row while it is being
        # claimed and, once claimed, finds it no longer due (the lease moved next_attempt_at).
        claimed = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now,
                    endpoint__active=True)
            .values_list("pk", flat=True)
            .first()
        )
        if claimed is None:
            return None
        WebhookDelivery.objects.filter(pk=delivery_id).update(
            next_attempt_at=now + LEASE, attempts=F("attempts") + 1, updated_at=now
        )
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    body = encode(delivery.payload)
    outcome = post(delivery.endpoint.url, body, headers_for(delivery, body, int(time.time())))
    record(delivery, outcome, now=now)
    return outcome


def record(delivery, outcome: Outcome, *, now) -> None:
    """The attempt's result on the delivery; the endpoint's failure streak, which disables it
    at WEBHOOKS_DISABLE_AFTER (and tells its team)."""
    from community.models import WebhookDelivery, WebhookEndpoint

    Status = WebhookDelivery.Status
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        if outcome.ok:
            status, next_at = Status.SUCCEEDED, None
            endpoint.consecutive_failures = 0
        else:
            delay = retry_delay(delivery.attempts)
            status, next_at = (Status.PENDING, now + delay) if delay else (Status.FAILED, None)
            endpoint.consecutive_failures += 1
        fields = ["consecutive_failures"]
        if endpoint.active and endpoint.consecutive_failures >= settings.WEBHOOKS_DISABLE_AFTER:
            endpoint.active = False
            endpoint.disabled_at = now
            endpoint.disabled_reason = str(
                format_lazy(_("Disabled after {count} failed deliveries in a row."), count=endpoint.consecutive_failures)
            )[:300]
            fields += ["active", "disabled_at", "disabled_reason"]
            enqueue_on_commit(notify_disabled, endpoint.pk)
        endpoint.save(update_fields=fields)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=status, next_attempt_at=next_at, response_code=outcome.code, response_ms=outcome.ms,
            response_excerpt=outcome.excerpt[:EXCERPT_MAX], error=outcome.error, updated_at=timezone.now(),
        )
        if next_at is not None and endpoint.active and deliver.get_backend().supports_defer:
            enqueue_on_commit(deliver.using(run_after=next_at), delivery.pk)
        # Elsewhere (the immediate backend) `manage.py deliver_due_webhooks` sends what is due.


@retrying_task()
def deliver(delivery_id: int):
    """Send one delivery if it is due (the task emit() and a re-send enqueue)."""
    outcome = attempt(delivery_id)
    return None if outcome is None else outcome.code


DUE_BATCH = 200


def deliver_due(*, now=None, limit: int = DUE_BATCH) -> int:
    """Attempt every delivery that is due, oldest first; returns how many were attempted.
    Run by `manage.py deliver_due_webhooks` (cron) where the task queue cannot defer retries."""
    from community.models import WebhookDelivery

    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now, endpoint__active=True
        ).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if attempt(pk, now=now) is not None)


@retrying_task()
def deliver_due_webhooks() -> int:
    return deliver_due()


@retrying_task()
def notify_disabled(endpoint_id: int) -> int:
    """The team's staff and its lead hear that an endpoint was disabled, each in their own language."""
    from community.models import WebhookEndpoint
    from community.services import notify

    endpoint = WebhookEndpoint.objects.select_related("team__lead").filter(pk=endpoint_id).first()
    if endpoint is None or endpoint.active or endpoint.disabled_at is None:
        return 0
    staff = [*endpoint.team.members.filter(is_active=True, is_staff=True), endpoint.team.lead]
    title = format_lazy(_("A webhook of {team} was disabled"), team=endpoint.team.name)
    body = format_lazy(
        _("Deliveries to {url} failed {count} times in a row, so none are sent until someone enables it again."),
        url=endpoint.url.split("?", 1)[0], count=endpoint.consecutive_failures,  # a query may hold a token
    )
    key = f"webhook-disabled:{endpoint.pk}:{int(endpoint.disabled_at.timestamp())}"
    return len(notify(staff, kind="webhook_disabled", key=key, title=title, body=body,
                      url=endpoint.get_absolute_url()))
