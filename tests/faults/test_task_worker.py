"""The task worker stops in the middle of a batch: the write has committed and its tasks wait in
the database; when a worker runs again every notification is delivered once."""

import signal
import time
from collections import Counter

import pytest

from community.models import Notification
from ideas import services
from tests.factories import IdeaFactory, MemberFactory, StaffFactory, idea_status
from tests.faults.mail import recipients_of
from tests.faults.tools import start_process, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

VOTERS = 30
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}}


def start_worker(mail_dir, **env):
    return start_process(
        ["manage.py", "db_worker", "--queue-name", "*", "--interval", "0.1", "--no-startup-delay",
         "--no-reload", "--verbosity", "0"],
        FAULT_MAIL_DIR=str(mail_dir), **env,
    )


def emailed(key):
    return Notification.objects.filter(key=key, emailed_at__isnull=False).count()


@pytest.fixture
def status_change(settings):
    """An idea with VOTERS voters is planned: the status change commits, its tasks wait."""
    settings.TASKS = DATABASE_QUEUE
    idea = IdeaFactory()
    for voter in MemberFactory.create_batch(VOTERS):
        services.cast_vote(member=voter, idea=idea)
    change = services.change_status(
        idea=idea, to=idea_status("planned"), response="Planned for the spring release.", by=StaffFactory()
    )
    expected = {m.email for m in [idea.author, *(v.member for v in idea.votes.select_related("member"))]}
    return f"idea-status:{change.pk}", expected


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGKILL"])
def test_a_worker_stopped_mid_batch_loses_and_repeats_nothing(status_change, tmp_path, stop):
    key, people = status_change
    assert not Notification.objects.filter(key=key).exists()  # nothing ran in the request

    first = start_worker(tmp_path)
    try:
        wait_for(lambda: emailed(key) >= 5, 60, "the first e-mails")
        first.send_signal(getattr(signal, stop))
        first.wait(30)
    finally:
        first.kill()
    sent_before = emailed(key)
    assert sent_before < len(people), "the worker finished the batch before it was stopped"
    if stop == "SIGTERM":
        assert first.returncode == 0  # it finished the task in hand, then left

    time.sleep(1.1)  # a killed worker's task has been "running" for longer than TASK_ABANDONED_AFTER
    second = start_worker(tmp_path, TASK_ABANDONED_AFTER="1")
    try:
        wait_for(lambda: emailed(key) == len(people), 60, "every e-mail")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)

    delivered = Counter(Notification.objects.filter(key=key).values_list("recipient__email", flat=True))
    assert set(delivered) == people and set(delivered.values()) == {1}  # each once, in the app
    mails = Counter(recipients_of(tmp_path))
    assert set(mails) == people
    if stop == "SIGTERM":
        assert set(mails.values()) == {1}
    else:
        # SMTP has no transaction: the one e-mail being sent as the worker was killed may go twice.
        assert sum(mails.values()) - len(people) <= 1, mails


def test_a_worker_waits_out_a_database_outage_and_then_delivers_everything(status_change, tmp_path, database_proxy):
    key, people = status_change
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = start_worker(tmp_path, output=output, database_port=database_proxy.port, TASK_ABANDONED_AFTER="1")
    try:
        wait_for(lambda: emailed(key) >= 5, 60, "the first e-mails")
        database_proxy.cut()  # the database restarts in the middle of the batch
        time.sleep(3)
        assert worker.poll() is None, log.read_text()  # waiting, not dead
        database_proxy.restore()
        wait_for(lambda: emailed(key) == len(people), 60, "every e-mail")
        assert worker.poll() is None
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
    delivered = Counter(Notification.objects.filter(key=key).values_list("recipient__email", flat=True))
    assert set(delivered) == people and set(delivered.values()) == {1}
    mails = Counter(recipients_of(tmp_path))
    assert set(mails) == people and sum(mails.values()) - len(people) <= 1, mails
    output = log.read_text()
    assert output.count("The database is unavailable") == 1 and "Traceback" not in output, output
