"""The team inbox end to end (issue 11's "done when"): touchpoint feedback about an invoice arrives
through the public endpoint, is tagged "invoice" and routed to Billing, and appears live in the
Billing inbox that is open; Ingrid opens it (the receipt is stamped), answers and resolves it; the
customer sees the answer signed by the team, the receipt and the notification. Nils of Network
can neither open the item nor answer an idea on the Billing board."""

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from feedback import services
from feedback.models import FeedbackItem
from tests.browser.test_feedback_journey import no_axe_violations
from tests.browser.test_ideas_journey import at_top, logged_in
from tests.factories import IdeaFactory
from tests.feedback.inbox_world import make_world

pytestmark = pytest.mark.browser

COMMENT = "Fakturaen min er feil: jeg ble belastet to ganger for mars."
REPLY = "Beklager! Vi har refundert det doble trekket, det kommer på neste faktura."


def submit_at_the_touchpoint(server, touchpoint):
    """What the invoice page's widget sends: a signed customer reference, from an allowed origin."""
    body = json.dumps({
        "score": 2, "comment": COMMENT, "language": "nb", "reference": "100234",
        "signature": services.sign_reference(touchpoint, "100234"),
    }).encode()
    request = urllib.request.Request(
        f"{server.url}/touchpoint/v1/{touchpoint.public_key}/", data=body, method="POST",
        headers={"Content-Type": "application/json", "Origin": "https://minside.example.com"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201


def test_invoice_feedback_reaches_billing_live_and_the_loop_closes(asgi_tab, asgi_live_server, home_page, screenshot):
    world = make_world()
    # Some earlier work in the inbox, so it looks lived in.
    for n, text in enumerate(["Why is the invoice so long?", "Faktura kom ikke denne måneden"]):
        earlier = services.submit_answer(touchpoint=world.touchpoint, score=5 + n, comment=text, language="nb")
        if n:
            services.assign_item(item=FeedbackItem.objects.get(answer=earlier), assignee=world.bo, by=world.bo)
    IdeaFactory(board=world.billing_board, title="Let me pay by the month")
    billing_idea = IdeaFactory(board=world.billing_board, title="Invoices as PDF in the app")

    with asgi_tab() as inbox, asgi_tab() as other:
        logged_in(inbox, world.ingrid).goto("/staff/inbox/")
        expect(inbox.get_by_role("heading", level=1)).to_have_text("Billing inbox")
        expect(inbox.locator("html[data-live=on]")).to_have_count(1)
        assert inbox.locator("tr.inbox-row").count() == 2

        # The customer answers at the invoice: the open inbox shows it without a reload.
        submit_at_the_touchpoint(asgi_live_server, world.touchpoint)
        row = inbox.locator("tr.inbox-row").filter(has_text="Fakturaen min er feil")
        expect(row).to_be_visible()
        expect(row).to_contain_text("#Invoice")
        expect(inbox.get_by_role("status").filter(has_text="Updated just now")).to_be_visible()
        item = FeedbackItem.objects.get(text__startswith="Fakturaen min er feil")
        assert item.team == world.billing and item.read_at is None
        no_axe_violations(inbox, "the team inbox")
        screenshot(at_top(inbox), "inbox-billing")

        # Ingrid opens it: the customer's receipt is stamped.
        row.get_by_role("link", name=re.compile("Fakturaen")).click()
        expect(inbox.get_by_role("heading", name="Answer the customer")).to_be_visible()
        item.refresh_from_db()
        assert item.read_by_team == world.billing and item.read_at is not None
        # The customer panel belongs to the insight work: the link is there (its page may not be yet).
        expect(inbox.get_by_role("link", name="Customer panel")).to_have_attribute(
            "href", f"/staff/customers/{world.customer.pk}/")
        expect(inbox.get_by_text("Invoice questions")).to_be_visible()  # why Billing has it
        no_axe_violations(inbox, "the inbox item view")
        screenshot(at_top(inbox), "inbox-item")

        # Resolving without an answer is refused, and nothing is lost.
        inbox.get_by_label("New status").select_option("resolved")
        inbox.get_by_role("button", name="Change status and tell the customer").click()
        expect(inbox.get_by_text("Please write something here.")).to_be_visible()
        inbox.get_by_label("Answer to the customer").fill(REPLY)
        inbox.get_by_label("New status").select_option("resolved")
        inbox.get_by_role("button", name="Change status and tell the customer").click()
        expect(inbox.get_by_role("status")).to_contain_text("The customer has been told")
        item.refresh_from_db()
        assert item.status == "resolved"

        # Nils of Network: the item is a 404, and he cannot answer an idea on the Billing board.
        logged_in(other, world.nils)
        response = other.goto(f"/staff/inbox/item/{item.pk}/")
        assert response.status == 404
        assert other.goto("/staff/inbox/billing/").status == 404
        other.goto(billing_idea.get_absolute_url())
        expect(other.get_by_text("Only the team that owns this board can answer its ideas.")).to_be_visible()
        expect(other.get_by_role("button", name="Change status and notify")).to_have_count(0)

    with asgi_tab() as customer:
        logged_in(customer, world.customer).goto("/feedback/mine/")
        receipt = re.compile(r"Read by the Billing team|Lest av Billing-teamet")
        expect(customer.get_by_text(receipt)).to_be_visible()
        customer.get_by_role("link", name=re.compile("Fakturaen min er feil")).click()
        expect(customer.get_by_text(REPLY)).to_be_visible()
        expect(customer.locator(".item-history")).to_contain_text(re.compile("Billing team|Billing-teamet"))
        expect(customer.get_by_text(receipt)).to_be_visible()
        no_axe_violations(customer, "the customer's answered feedback")
        screenshot(at_top(customer), "inbox-customer-answer")
        customer.goto("/notifications/")
        expect(customer.get_by_text(re.compile("Billing(-teamet| team) .*Fakturaen|Billing(-teamet| team)"))
               .first).to_be_visible()
