"""Degrading, not failing: a slow channel layer never holds a write up for long, a database outage
is a short 503 page (JSON for the API), and tasks a killed worker left running are put back."""

import asyncio
import json
import time
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import timezone, translation

from community import live, unavailable
from community.outages import Outage

# --- The channel layer ------------------------------------------------------------------------


class HangingLayer:
    async def group_send(self, group, message):
        await asyncio.sleep(60)


@pytest.fixture
def hanging_layer(monkeypatch):
    monkeypatch.setattr(live, "get_channel_layer", lambda: HangingLayer())
    monkeypatch.setattr(live, "PUBLISH_TIMEOUT", 0.2)
    monkeypatch.setattr(live, "layer_outage", Outage("The channel layer (live updates)"))


def test_a_hanging_channel_layer_holds_a_write_up_for_a_bounded_time_then_is_skipped(hanging_layer):
    start = time.monotonic()
    live.publish("idea.1", {"type": "idea"})
    assert time.monotonic() - start < 1  # PUBLISH_TIMEOUT, then the events are dropped
    assert live.layer_outage.is_down
    start = time.monotonic()
    live.publish("idea.1", {"type": "idea"})
    assert time.monotonic() - start < 0.05  # just failed: not even tried


class RedisLikeLayer:
    """Has a `connection`, as channels_redis does: its events go through the publisher thread."""

    connection = object()

    def __init__(self, hang: bool = False):
        self.hang, self.sent = hang, []

    async def group_send(self, group, message):
        if self.hang:
            await asyncio.sleep(60)
        self.sent.append((group, json.loads(message["text"])))


@pytest.fixture
def outage(monkeypatch):
    monkeypatch.setattr(live, "PUBLISH_TIMEOUT", 0.2)
    fresh = Outage("The channel layer (live updates)")
    monkeypatch.setattr(live, "layer_outage", fresh)
    return fresh


def test_with_redis_a_write_hands_its_events_over_and_they_go_out_in_order(monkeypatch, outage):
    layer = RedisLikeLayer()
    monkeypatch.setattr(live, "get_channel_layer", lambda: layer)
    for version in range(1, 51):
        live.publish_many([("idea.1", {"type": "idea", "version": version}), ("member.2", {"n": version})])
    assert live.flush_events(5)
    assert [m["version"] for group, m in layer.sent if group == "idea.1"] == list(range(1, 51))
    assert len(layer.sent) == 100 and not outage.is_down


def test_with_redis_a_hanging_layer_never_holds_a_write_up(monkeypatch, outage):
    monkeypatch.setattr(live, "get_channel_layer", lambda: RedisLikeLayer(hang=True))
    start = time.monotonic()
    for _ in range(3):
        live.publish("idea.1", {"type": "idea"})
    assert time.monotonic() - start < 0.05  # handed over, not waited for
    assert live.flush_events(5)  # the first times out; those queued behind it are dropped at once
    assert outage.is_down
    start = time.monotonic()
    live.publish("idea.1", {"type": "idea"})
    assert time.monotonic() - start < 0.05 and live.flush_events(0.01)  # just failed: not even queued


def test_a_full_publisher_queue_drops_events_instead_of_growing(monkeypatch, outage):
    monkeypatch.setattr(live, "get_channel_layer", lambda: RedisLikeLayer(hang=True))
    monkeypatch.setattr(live.Publisher, "MAX_QUEUED", 2)
    for _ in range(5):
        live.publish("idea.1", {"type": "idea"})
    assert outage.is_down  # the third was refused at once, before any timed out
    assert live.flush_events(5)


# --- The database -----------------------------------------------------------------------------


def raise_outage(request):
    raise OperationalError("connection refused")


def test_a_view_that_loses_the_database_answers_a_short_503_page_in_the_visitors_language():
    request = RequestFactory().get("/board-1/")
    middleware = unavailable.DatabaseUnavailableMiddleware(raise_outage)
    with translation.override("nl"):
        response = middleware.process_exception(request, OperationalError("server closed the connection"))
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert '<html lang="nl">' in page and "Zo weer terug" in page and "Traceback" not in page


def test_the_api_gets_a_json_503():
    request = RequestFactory().post("/api/v1/ideas/1/vote/")
    response = unavailable.DatabaseUnavailableMiddleware(raise_outage).process_exception(
        request, OperationalError("down")
    )
    assert response.status_code == 503
    assert json.loads(response.content) == {"detail": "The service is briefly unavailable. Try again in a moment."}


def test_other_errors_are_left_to_django():
    request = RequestFactory().get("/")
    assert unavailable.DatabaseUnavailableMiddleware(raise_outage).process_exception(request, KeyError()) is None


@pytest.mark.django_db
def test_an_outage_before_the_view_is_the_503_page_too():
    """handler500 sees the exception a middleware raised (loading the session, the member)."""
    request = RequestFactory().get("/")
    try:
        raise OperationalError("the database system is starting up")
    except OperationalError:
        response = unavailable.server_error(request)
    assert response.status_code == 503
    try:
        raise KeyError("a bug")
    except KeyError:
        assert unavailable.server_error(request).status_code == 500


def test_the_per_request_traceback_is_not_logged_for_an_outage():
    import logging
    import sys

    quiet = unavailable.QuietDatabaseOutage()
    for exc, logged in ((OperationalError("down"), False), (KeyError("bug"), True)):
        try:
            raise exc
        except Exception:
            record = logging.LogRecord("django.request", logging.ERROR, "", 0, "x", (), sys.exc_info())
        assert quiet.filter(record) is logged


# --- Task workers -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_tasks_a_killed_worker_left_running_are_put_back():
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from community.management.commands.db_worker import requeue_abandoned

    def task(started_ago):
        return DBTaskResult.objects.create(
            status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(seconds=started_ago),
            args_kwargs={"args": [], "kwargs": {}}, task_path="community.tasks.send_notification_email",
            backend_name="default", run_after=timezone.now(), queue_name="email",
        )

    abandoned, running = task(700), task(5)
    assert requeue_abandoned(600) == 1
    abandoned.refresh_from_db()
    running.refresh_from_db()
    assert abandoned.status == TaskResultStatus.READY and running.status == TaskResultStatus.RUNNING
