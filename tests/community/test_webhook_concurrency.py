"""Webhooks under concurrency (PostgreSQL): workers racing for one delivery send it once, and one
event emitted by two transactions at once is delivered once, without failing either write."""

import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from community.models import WebhookDelivery, WebhookEndpoint
from community.webhooks import delivery, events
from tests.community.test_webhooks import Scripted, serve
from tests.factories import TeamFactory
from tests.ideas.test_concurrency import require_postgresql, run_together

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture
def receiver(settings):
    from http.server import ThreadingHTTPServer

    settings.WEBHOOKS_ALLOW_PRIVATE = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    server.requests, server.status, server.delay = [], 200, 0.2
    server.url = serve(server)
    yield server
    server.shutdown()
    server.server_close()


def test_workers_racing_for_one_delivery_send_it_once(receiver):
    require_postgresql()
    endpoint = WebhookEndpoint.objects.create(team=TeamFactory(), url=receiver.url, events=["poll.closed"], secret="s")
    row = WebhookDelivery.objects.create(endpoint=endpoint, team_id=endpoint.team_id, uuid=uuid.uuid4(), event="poll.closed",
                                         event_id=uuid.uuid4(), payload={}, next_attempt_at=timezone.now())
    errors, results = run_together([lambda: delivery.attempt(row.pk)] * 3 + [lambda: delivery.deliver_due()] * 2)
    assert not errors
    assert len(receiver.requests) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("succeeded", 1)


def test_one_event_emitted_twice_at_once_is_delivered_once_and_both_writes_commit(receiver):
    require_postgresql()
    team = TeamFactory()
    WebhookEndpoint.objects.create(team=team, url=receiver.url, events=["poll.closed"], secret="s")
    other = TeamFactory()

    def write_and_emit(n):
        def job():
            with transaction.atomic():
                TeamFactory(name=f"Written {n}", slug=f"written-{n}")  # the service's own write
                events.emit(events.POLL_CLOSED, team=team, data={}, key="poll-9")
                WebhookEndpoint.objects.filter(team=other).exists()  # the transaction goes on after it

        return job

    errors, _ = run_together([write_and_emit(n) for n in range(3)])
    assert not errors
    assert WebhookDelivery.objects.count() == 1
    assert sorted(TeamFactory._meta.model.objects.filter(slug__startswith="written-").values_list("slug", flat=True)) == [
        "written-0", "written-1", "written-2"]
