"""`manage.py db_worker`, django-tasks-db's worker made to outlive a database outage.

Theirs exits on the first database error. Ours waits and tries again with capped, jittered
backoff (one log line a minute), so a database restart never needs the workers restarted.
It also puts back tasks that a killed worker left "running" (tasks are idempotent, so running
one again is safe): those started more than TASK_ABANDONED_AFTER seconds ago.
"""

import random
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from community.unavailable import database_outage

MAX_BACKOFF = 60.0


def requeue_abandoned(older_than: float) -> int:
    """Put back tasks whose worker died mid-run (killed, machine lost): ready again, now."""
    cutoff = timezone.now() - timedelta(seconds=older_than)
    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).update(
        status=TaskResultStatus.READY, started_at=None
    )


def _watch_abandoned(stop: threading.Event) -> None:
    """In a thread of its own (with its own connection), beside the worker's loop."""
    while not stop.is_set():
        try:
            count = requeue_abandoned(settings.TASK_ABANDONED_AFTER)
            if count:
                db_worker.logger.warning("Put back %s task(s) a stopped worker had left running.", count)
        except DatabaseError:
            pass  # the worker's loop reports the outage
        finally:
            connection.close()
        # Every 30 s with the default 10 minutes; sooner when the operator (or a test) says sooner.
        stop.wait(max(1.0, min(30.0, settings.TASK_ABANDONED_AFTER / 4)))


class Worker(db_worker.Worker):
    def run(self) -> None:
        stop = threading.Event()
        threading.Thread(target=_watch_abandoned, args=(stop,), daemon=True, name="abandoned-tasks").start()
        try:
            return self._run_through_outages()
        finally:
            stop.set()

    def _run_through_outages(self) -> None:
        delay = 1.0
        while self.running:
            started = time.monotonic()
            try:
                return super().run()
            except (OperationalError, InterfaceError) as exc:
                database_outage.failed(exc, "The task worker waits and tries again; tasks wait in the queue.")
                self.running_task = False
                for conn in connections.all():
                    conn.close_if_unusable_or_obsolete()
                if time.monotonic() - started > MAX_BACKOFF:
                    delay = 1.0  # it had been working: this is a new outage
                time.sleep(delay * random.uniform(0.5, 1.5))
                delay = min(delay * 2, MAX_BACKOFF)
        return None


class Command(db_worker.Command):
    help = "Run a database task worker that survives database outages"

    def handle(self, **options):
        original = db_worker.Worker
        db_worker.Worker = Worker  # their handle() builds the worker under this name
        try:
            return super().handle(**options)
        finally:
            db_worker.Worker = original
