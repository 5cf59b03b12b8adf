"""Webhooks end to end: a team's staff member registers a receiver (a metadata address is
refused first), an idea changes status and the receiver gets it, a failing delivery is re-sent
by hand from the log."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from community.models import WebhookDelivery, WebhookEndpoint
from community.webhooks import events
from tests.browser.test_feedback_journey import no_axe_violations
from tests.browser.test_ideas_journey import at_top, logged_in
from tests.factories import StaffFactory, TeamFactory

pytestmark = pytest.mark.browser


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.count += 1
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.count, server.status = 0, 204
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/cocreate-hooks"
    yield server
    server.shutdown()
    server.server_close()


def test_staff_register_a_receiver_and_read_the_delivery_log(page, home_page, receiver, screenshot):
    team = TeamFactory(name="Billing", slug="billing")
    staff = StaffFactory(display_name="Ingrid (Billing)", staff=[team])

    logged_in(page, staff)
    page.goto("/members/me/")
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
    no_axe_violations(page, "the team's webhook page (empty)")
    screenshot(at_top(page), "webhooks-team-empty")

    page.get_by_role("link", name="Add an endpoint").click()
    page.get_by_label("Receiver URL").fill("http://169.254.169.254/latest/meta-data/")
    page.get_by_label("Idea status changed").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("it is not a public address")).to_be_visible()
    expect(page.get_by_label("Receiver URL")).to_have_value("http://169.254.169.254/latest/meta-data/")
    assert not WebhookEndpoint.objects.exists()
    no_axe_violations(page, "the endpoint form with an error")
    screenshot(at_top(page), "webhooks-form-error")

    page.get_by_label("Receiver URL").fill(receiver.url)
    page.get_by_label("Poll closed").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("The endpoint is registered")
    endpoint = WebhookEndpoint.objects.get()

    # Two events: one delivered, one refused by the receiver.
    events.emit(events.IDEA_STATUS_CHANGED, team=team, data={"idea": {"id": 1}}, key="first")
    receiver.status = 500
    events.emit(events.POLL_CLOSED, team=team, data={"poll": {"id": 2}}, key="second")
    assert receiver.count == 2
    page.reload()
    rows = page.get_by_role("row")
    expect(rows).to_have_count(3)
    expect(page.get_by_role("cell", name="500")).to_be_visible()
    page.locator("summary", has_text="Show the signing secret").click()
    expect(page.get_by_text(endpoint.secret)).to_be_visible()
    no_axe_violations(page, "the endpoint page")
    screenshot(at_top(page), "webhooks-endpoint")

    receiver.status = 204
    page.get_by_role("button", name="Re-send poll.closed").click()
    expect(page.get_by_role("status")).to_contain_text("sent again")
    assert WebhookDelivery.objects.filter(manual=True, status="succeeded").count() == 1

    page.goto(f"/teams/{team.pk}/webhooks/")
    expect(page.get_by_role("link", name=receiver.url).first).to_be_visible()
    screenshot(at_top(page), "webhooks-team")
