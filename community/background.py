"""Background work through Django's Tasks API, with what the API lacks: enqueue with the write,
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
    """Enqueue with the surrounding transaction's write; never for a write that rolled back.

    With the database queue the task row is written now, in a savepoint of the same
    transaction, so it commits (or rolls back) with the write. Other queues (immediate runs the
    task at once) are called after the commit. Either way a failed enqueue leaves a FailedTask
    that staff can see and run again, instead of a lost notification.
    """
    if _queues_in_database(task_obj) and transaction.get_connection().in_atomic_block:
        _enqueue_or_record(task_obj, args, kwargs, savepoint=True)
    else:
        transaction.on_commit(lambda: _enqueue_or_record(task_obj, args, kwargs), robust=True)


def _queues_in_database(task_obj) -> bool:
    from django_tasks_db import DatabaseBackend

    return isinstance(task_obj.get_backend(), DatabaseBackend)


def _enqueue_or_record(task_obj, args, kwargs, *, savepoint: bool = False) -> None:
    try:
        if savepoint:
            # A failed insert rolls back to here, not the whole write.
            with transaction.atomic():
                task_obj.enqueue(*args, **kwargs)
        else:
            task_obj.enqueue(*args, **kwargs)
    except Exception as exc:
        logger.exception("Could not enqueue %s; recorded for staff to run again", task_obj.name)
        save_failure(task_obj, args, kwargs, 0, exc)


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
    logger.error("%s failed for good after %s attempts: %s", runner.name, attempts, exc)
    save_failure(runner, args, kwargs, attempts, exc)


def save_failure(runner, args, kwargs, attempts, exc) -> None:
    """A FailedTask row (attempts 0: it could not even be enqueued)."""
    from community.models import FailedTask

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
