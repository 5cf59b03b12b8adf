"""Tasks: enqueued after commit, retried with backoff, recorded for staff when they give up."""

import pytest
from django.core import mail
from django.db import transaction

from community import background
from community.models import FailedTask
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
