"""Routing rules in the browser: staff try a rule against the feedback that came in, save it
(an empty rule is refused with what was typed kept), move it up, and re-apply the rules; the
pages work at phone and desktop widths and pass axe-core."""

import re

import pytest
from playwright.sync_api import expect

from community.models import Team
from feedback import routing_services, services
from feedback.models import FeedbackItem, RoutingRule, Tag
from tests.browser.test_feedback_journey import no_axe_violations
from tests.browser.test_ideas_journey import at_top, logged_in
from tests.factories import StaffFactory, TouchpointFactory, triage_team

pytestmark = pytest.mark.browser


def test_staff_try_save_order_and_reapply_routing_rules(page, live_server, home_page, screenshot):
    triage_team()
    billing = Team.objects.create(name="Billing", slug="billing")
    network = Team.objects.create(name="Network", slug="network")
    admin = StaffFactory(is_superuser=True)
    routing_services.save_routing_rule(by=admin, name="Coverage and network", team=network,
                                       tags=[Tag.objects.get(slug="coverage")])
    touchpoint = TouchpointFactory(name="Invoice")
    for comment, language in [("Fakturaen er svær at forstå", "da"), ("Mobilnettet er tregt hjemme", "nb"),
                              ("Mijn factuur is te hoog", "nl")]:
        services.submit_answer(touchpoint=touchpoint, score=3, comment=comment, language=language)
    logged_in(page, StaffFactory(display_name="Ingrid"))

    page.locator(".account-menu summary").click()
    page.get_by_role("link", name="Routing rules").click()
    expect(page.get_by_role("heading", name="Routing rules", level=1)).to_be_visible()
    page.get_by_role("link", name="New routing rule").click()

    # An empty rule is refused; what was typed stays.
    page.get_by_label("Name").fill("Invoice questions")
    page.get_by_label("Send to the team").select_option(label="Billing")
    page.get_by_role("button", name="Save the rule").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one thing this rule matches")
    expect(page.get_by_label("Name")).to_have_value("Invoice questions")

    # Trying it shows the two invoice answers (Danish and Dutch), and saves nothing.
    page.get_by_label("Invoice", exact=True).check()
    page.get_by_role("button", name="Try against existing items").click()
    expect(page.get_by_role("status")).to_contain_text("2 of the newest 3 open items you can see. Nothing was saved.")
    expect(page.get_by_text("Rule “Invoice questions” matched tag Invoice.").first).to_be_visible()
    assert not RoutingRule.objects.filter(name="Invoice questions").exists()
    no_axe_violations(page, "the routing rule form")
    screenshot(at_top(page), "routing-rule-form")

    page.get_by_role("button", name="Save the rule").click()
    expect(page.get_by_role("status")).to_contain_text("Routing rule “Invoice questions” saved.")
    page.get_by_role("button", name=re.compile(r"Move up\W+Invoice questions")).click()
    names = page.locator(".rule-name a")
    expect(names.first).to_have_text("Invoice questions")
    page.get_by_role("button", name="Re-apply the rules").click()
    expect(page.get_by_role("status")).to_contain_text("Rules re-applied to 3 open items: 2 moved to another team.")
    assert FeedbackItem.objects.filter(team=billing).count() == 2
    page.goto("/staff/routing/")  # base.html's message list (role=status on a <ul>) is not this page's
    no_axe_violations(page, "the routing rules page")
    screenshot(at_top(page), "routing-rules")
