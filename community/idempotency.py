"""Retry-safe API writes: a POST with an `Idempotency-Key` header runs once per caller and key.

The first request inserts a row (the unique constraint is the lock: a concurrent request with
the same key finds it and answers 409 instead of running too); its response is stored on the
row for 24 hours and replayed to every retry. The same key with another body is a 422. Answers
that say nothing about the write (401, 403, 409, 413, 415, 429, 5xx) are not kept, so the caller
can fix the cause and retry with the same key.
"""

import hashlib
from datetime import timedelta

from django.db import IntegrityError, models, transaction
from django.http import HttpResponse
from django.utils import timezone

KEEP_FOR = timedelta(hours=24)
# A claim this old whose request never finished belongs to a worker that died: it is taken over.
ABANDONED_AFTER = timedelta(minutes=5)
MAX_KEY_LENGTH = 200
MAX_STORED_BYTES = 1_000_000
NOT_KEPT = {401, 403, 408, 409, 413, 415, 422, 429}


class IdempotencyRecord(models.Model):
    owner = models.CharField(max_length=80)  # "user:<pk>" or "token:<hash prefix>"
    key = models.CharField(max_length=MAX_KEY_LENGTH)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    fingerprint = models.CharField(max_length=64, blank=True)  # SHA-256 of the body
    created_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True)  # null while the request runs
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True, default=b"")

    class Meta:
        app_label = "community"
        constraints = [
            models.UniqueConstraint(fields=["owner", "key", "method", "path"], name="idempotency_once_per_key")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self):
        return f"{self.method} {self.path} ({self.key})"


class Conflict(Exception):
    """The key was used for another body, or its first request is still running."""

    def __init__(self, reason: str):
        self.reason = reason  # "mismatch" or "in_progress"


def fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def claim(*, owner: str, key: str, method: str, path: str, body_hash: str):
    """The stored response to replay, or None after claiming the key for this request.
    Raises Conflict when the key cannot be used now."""
    fields = {"owner": owner, "key": key, "method": method, "path": path}
    for _attempt in range(2):
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(**fields, fingerprint=body_hash)
            return None
        except IntegrityError:
            record = IdempotencyRecord.objects.filter(**fields).first()
        if record is None:  # deleted between our insert and read: try again
            continue
        now = timezone.now()
        expired = record.created_at < now - KEEP_FOR
        abandoned = record.status_code is None and record.created_at < now - ABANDONED_AFTER
        if expired or abandoned:
            IdempotencyRecord.objects.filter(pk=record.pk, created_at=record.created_at).delete()
            continue
        if record.fingerprint != body_hash:
            raise Conflict("mismatch")
        if record.status_code is None:
            raise Conflict("in_progress")
        response = HttpResponse(bytes(record.body), status=record.status_code, content_type=record.content_type)
        response["Idempotent-Replayed"] = "true"
        return response
    raise Conflict("in_progress")


def finish(*, owner: str, key: str, method: str, path: str, response) -> None:
    """Keep the response for retries, or release the key when it is not worth keeping."""
    rows = IdempotencyRecord.objects.filter(owner=owner, key=key, method=method, path=path, status_code=None)
    status = response.status_code
    body = b"" if getattr(response, "streaming", False) else response.content
    if status >= 500 or status in NOT_KEPT or getattr(response, "streaming", False) or len(body) > MAX_STORED_BYTES:
        rows.delete()
        return
    rows.update(status_code=status, content_type=response.get("Content-Type", "")[:100], body=body)


def prune(now=None) -> int:
    """Delete records past their 24 hours (manage.py prune_api_records, e.g. daily)."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
