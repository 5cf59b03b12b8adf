"""Tasks: enqueued with the write, retried with backoff, recorded for staff when they give up."""

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings

from community import background
from community.models import FailedTask, Notification
from community.tasks import send_notification_email
from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db(transaction=True)

calls = []


@background.retrying_task(max_attempts=3)
def flaky(fail_times: int) -> str:
    calls.append(1)
    if len(calls) <= fail_times:
        raise ConnectionError("SMTP down")
    return "ok"


@pytest.fixture(autouse=True)
def _reset():
    calls.clear()


def test_a_task_is_retried_until_it_succeeds():
    flaky.enqueue(2)
    assert len(calls) == 3
    assert not FailedTask.objects.exists()


def test_a_task_that_keeps_failing_is_recorded_for_staff():
    flaky.enqueue(10)
    assert len(calls) == 3
    failed = FailedTask.objects.get()
    assert failed.task_path.endswith("flaky")
    assert failed.attempts == 3
    assert "SMTP down" in failed.error
    assert failed.arguments == {"args": [10], "kwargs": {}}


def test_rerun_enqueues_again_and_resolves():
    flaky.enqueue(10)
    calls.clear()
    failed = FailedTask.objects.get()
    background.rerun(failed)
    assert len(calls) == 3
    failed.refresh_from_db()
    assert failed.resolved


def test_nothing_is_enqueued_for_a_write_that_rolls_back():
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            background.enqueue_on_commit(flaky, 0)
            raise RuntimeError
    assert calls == []
    with transaction.atomic():
        background.enqueue_on_commit(flaky, 0)
        assert calls == []
    assert calls == [1]


def test_backoff_grows_and_is_capped():
    assert 8 <= background.backoff(1).total_seconds() <= 12
    assert 16 <= background.backoff(2).total_seconds() <= 24
    assert background.backoff(30).total_seconds() <= 3600 * 1.2


def test_a_retried_email_is_never_sent_twice():
    n = NotificationFactory()
    assert send_notification_email.call(n.pk) is True
    assert send_notification_email.call(n.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_send_is_retried_and_sent_once(monkeypatch):
    n = NotificationFactory()
    attempts = []
    real_send = mail.send_mail

    def flaky_send(*args, **kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("SMTP timeout")
        return real_send(*args, **kwargs)

    monkeypatch.setattr("community.tasks.send_mail", flaky_send)
    send_notification_email.enqueue(n.pk)
    assert len(attempts) == 2
    assert len(mail.outbox) == 1
    n.refresh_from_db()
    assert n.emailed_at is not None


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}}


def queued_rows():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=flaky.module_path).count()


@override_settings(TASKS=DATABASE_QUEUE)
def test_with_the_database_queue_the_task_row_commits_with_the_write():
    with transaction.atomic():
        background.enqueue_on_commit(flaky, 0)
        assert queued_rows() == 1  # written in the write's own transaction, not after it
    assert queued_rows() == 1
    assert calls == []  # a worker runs it, not the request


@override_settings(TASKS=DATABASE_QUEUE)
def test_with_the_database_queue_a_rolled_back_write_leaves_no_task():
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            background.enqueue_on_commit(flaky, 0)
            raise RuntimeError
    assert queued_rows() == 0


def fail_to_enqueue(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("queue unreachable")

    monkeypatch.setattr(type(flaky.get_backend()), "enqueue", refuse)


@pytest.mark.parametrize("tasks", [DATABASE_QUEUE, None], ids=["database", "immediate"])
def test_a_failed_enqueue_is_recorded_for_staff_and_the_write_still_commits(monkeypatch, settings, tasks):
    if tasks:
        settings.TASKS = tasks
    fail_to_enqueue(monkeypatch)
    with transaction.atomic():
        n = NotificationFactory()
        background.enqueue_on_commit(flaky, 0)
    assert Notification.objects.filter(pk=n.pk).exists()
    failed = FailedTask.objects.get()
    assert failed.task_path == flaky.module_path
    assert failed.arguments == {"args": [0], "kwargs": {}}
    assert (failed.attempts, failed.resolved) == (0, False)
    assert "queue unreachable" in failed.error
    monkeypatch.undo()
    if tasks:
        settings.TASKS = tasks
    background.rerun(failed)
    assert calls == [] if tasks else calls == [1]
