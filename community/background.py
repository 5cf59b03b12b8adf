"""Background work through Django's Tasks API, with what the API lacks: enqueue on commit,
retries with backoff, and failures recorded for staff.

    @retrying_task(queue_name="email")
    def send_notification_email(notification_id): ...

    enqueue_on_commit(send_notification_email, notification.pk)

Tasks must be idempotent (a retry runs the whole function again): each one checks a key,
such as Notification.emailed_at, before doing anything visible.
"""

import functools
import logging
import random
import traceback
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


def backoff(attempt: int) -> timedelta:
    """10 s, 20 s, 40 s, ... capped at an hour, with jitter so retries do not stampede."""
    base = min(10 * 2 ** (attempt - 1), 3600)
    return timedelta(seconds=base * random.uniform(0.8, 1.2))


def enqueue_on_commit(task_obj, *args, **kwargs) -> None:
    """Enqueue once the surrounding transaction commits; never for a write that rolled back."""
    transaction.on_commit(lambda: task_obj.enqueue(*args, **kwargs), robust=True)


def retrying_task(*, queue_name: str = "default", priority: int = 0, max_attempts: int | None = None):
    """Declare a task that retries on any exception, then records a FailedTask."""

    def decorate(fn):
        @functools.wraps(fn)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                limit = max_attempts or settings.TASK_MAX_ATTEMPTS
                if attempt >= limit:
                    record_failure(runner, args, kwargs, attempt, exc)
                    return None
                logger.warning("%s failed (attempt %s of %s): %s", runner.name, attempt, limit, exc)
                retry = runner
                if retry.get_backend().supports_defer:
                    retry = retry.using(run_after=timezone.now() + backoff(attempt))
                retry.enqueue(*args, attempt=attempt + 1, **kwargs)
                return None

        runner = task(queue_name=queue_name, priority=priority)(run)
        return runner

    return decorate


def record_failure(runner, args, kwargs, attempts, exc) -> None:
    from community.models import FailedTask

    logger.error("%s failed for good after %s attempts: %s", runner.name, attempts, exc)
    FailedTask.objects.create(
        task_path=runner.module_path,
        arguments={"args": list(args), "kwargs": kwargs},
        attempts=attempts,
        error="".join(traceback.format_exception(exc))[-4000:],
    )


def rerun(failed) -> None:
    """Staff action: enqueue a failed task again from its first attempt."""
    from django.utils.module_loading import import_string

    runner = import_string(failed.task_path)
    runner.enqueue(*failed.arguments.get("args", []), **failed.arguments.get("kwargs", {}))
    failed.resolved = True
    failed.save(update_fields=["resolved"])
