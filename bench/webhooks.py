"""Webhooks: the delivery log at 100,000 deliveries, emit() in a service's transaction, and
sending to a receiver on 127.0.0.1.

    .venv/bin/python bench/webhooks.py                     # SQLite bench database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_bench .venv/bin/python bench/webhooks.py

Seeds (once) a team with three endpoints and --deliveries delivery rows (default 100,000,
bulk-created), then times:

- the team's webhook page and an endpoint's page (page 1 and a deep page) and the API log,
  through the whole Django stack for a staff member of the team;
- emit() of one event to the three endpoints inside a transaction (rolled back: nothing sent);
- one delivery attempt (claim, sign, POST to a receiver in this process, record);
- deliver_due() over --due due deliveries: deliveries per second.
"""

import argparse
import os
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import benchenv


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def seed(deliveries: int, url: str):
    from django.utils import timezone

    from community.models import Member, Team, WebhookDelivery, WebhookEndpoint
    from community.services import grant_staff

    team, _ = Team.objects.get_or_create(slug="bench-webhooks", defaults={"name": "Bench webhooks"})
    staff = Member.objects.filter(username="bench-webhooks").first()
    if staff is None:
        staff = Member.objects.create_user(username="bench-webhooks", email="bench-webhooks@example.com", password="x")
        grant_staff(staff, teams=[team])
    endpoints = list(team.webhook_endpoints.all())
    while len(endpoints) < 3:
        endpoints.append(WebhookEndpoint.objects.create(team=team, url=url, events=["poll.closed"], secret="s" * 64))
    WebhookEndpoint.objects.filter(team=team).update(url=url, active=True, consecutive_failures=0)
    have = WebhookDelivery.objects.filter(endpoint__team=team).count()
    if have < deliveries:
        now = timezone.now()
        WebhookDelivery.objects.bulk_create([
            WebhookDelivery(endpoint=endpoints[i % 3], team=team, uuid=uuid.uuid4(), event="poll.closed", event_id=uuid.uuid4(),
                            payload={"id": str(i), "event": "poll.closed", "data": {"poll": {"id": i}}},
                            status="succeeded", attempts=1, response_code=204, response_ms=3, created_at=now,
                            updated_at=now)
            for i in range(have, deliveries)
        ], batch_size=5000)
    return team, staff, endpoints


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=300)
    parser.add_argument("--iterations", type=int, default=50)
    args = parser.parse_args()
    os.environ["WEBHOOKS_ALLOW_PRIVATE"] = "true"
    benchenv.setup()

    from django.db import transaction
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from community.models import WebhookDelivery
    from community.webhooks import delivery, events

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    team, staff, endpoints = seed(args.deliveries, url)
    print(benchenv.describe())
    print(f"{WebhookDelivery.objects.filter(endpoint__team=team).count():,} deliveries, 3 endpoints")

    client = Client()
    client.force_login(staff)
    deep = args.deliveries // 3 // 25 - 1
    benchenv.print_header("Pages (whole stack, staff of the team)")
    for name, path in [
        ("team page, log page 1", reverse("webhooks_team", args=[team.pk])),
        ("team page, log page 1000", reverse("webhooks_team", args=[team.pk]) + "?page=1000"),
        ("endpoint page 1", reverse("webhook_endpoint", args=[endpoints[0].pk])),
        (f"endpoint page {deep}", reverse("webhook_endpoint", args=[endpoints[0].pk]) + f"?page={deep}"),
        ("API deliveries page 1", reverse("api_webhook_deliveries", args=[endpoints[0].pk])),
    ]:
        result = benchenv.measure(lambda path=path: client.get(path).status_code, iterations=args.iterations, warmup=3)
        benchenv.print_row(name, result, f"HTTP {result['outcome']}")

    benchenv.print_header("Domain layer")

    def emit_rolled_back():
        with transaction.atomic():
            made = events.emit(events.POLL_CLOSED, team=team, data={"poll": {"id": 1}})
            transaction.set_rollback(True)
        return len(made)

    result = benchenv.measure(emit_rolled_back, iterations=args.iterations)
    benchenv.print_row("emit() to 3 endpoints (rolled back)", result, f"{result['outcome']} deliveries")

    def one_attempt():
        now = timezone.now()
        row = WebhookDelivery.objects.create(endpoint=endpoints[0], team=team, uuid=uuid.uuid4(), event="poll.closed",
                                             event_id=uuid.uuid4(), payload={"id": "x"}, next_attempt_at=now)
        outcome = delivery.attempt(row.pk)
        return outcome.code

    result = benchenv.measure(one_attempt, iterations=args.iterations)
    benchenv.print_row("attempt(): claim, sign, POST, record", result, f"HTTP {result['outcome']}")

    now = timezone.now()
    WebhookDelivery.objects.bulk_create([
        WebhookDelivery(endpoint=endpoints[i % 3], team=team, uuid=uuid.uuid4(), event="poll.closed", event_id=uuid.uuid4(),
                        payload={"id": str(i)}, next_attempt_at=now) for i in range(args.due)
    ])
    start = time.perf_counter()
    sent = 0
    while True:
        done = delivery.deliver_due()
        sent += done
        if not done:
            break
    seconds = time.perf_counter() - start
    print(f"\ndeliver_due(): {sent} deliveries in {seconds:.2f} s = {sent / seconds:.0f} deliveries/s (one process)")
    server.shutdown()


if __name__ == "__main__":
    main()
