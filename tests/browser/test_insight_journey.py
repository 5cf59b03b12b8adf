"""Staff find a customer and read their whole history, then look at their team's dashboard: both
readable by axe, on a phone and without JavaScript."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import CustomerNumber, FeedbackItem, Membership, Status
from feedback.pages import BetaProgramPage
from ideas import services as idea_services
from ideas.models import Status as IdeaStatus
from ideas.pages import IdeaBoardPage
from ideas.polls import services as poll_services
from tests.browser.test_feedback_journey import no_axe_violations
from tests.browser.test_ideas_journey import at_top, logged_in
from tests.factories import (
    CommentFactory,
    IdeaFactory,
    MemberFactory,
    StaffFactory,
    TeamFactory,
    TouchpointFactory,
    VoteFactory,
    make_poll,
    make_thread,
)
from tests.insight.conftest import answer
from tests.polls.conftest import by_text, option

pytestmark = pytest.mark.browser


@pytest.fixture
def history(home_page):
    """Kari, a Billing customer with a bit of everything; the Billing team with some figures."""
    billing = TeamFactory(name="Billing", slug="billing")
    tv = TeamFactory(name="TV", slug="tv")
    agent = StaffFactory(display_name="Ingrid", staff=[billing])
    kari = MemberFactory(display_name="Kari Nordmann", plan="bundle", region="Oslo", preferred_language="nb",
                         customer_since=timezone.localdate() - timedelta(days=1300))
    CustomerNumber.objects.create(member=kari, number="100234")
    board = home_page.add_child(instance=IdeaBoardPage(title="Billing and invoices", slug="billing-board",
                                                       owner_team=billing))
    idea = IdeaFactory(board=board, author=kari, title="Show the invoice amount in the app's home screen")
    idea_services.change_status(idea=idea, to=IdeaStatus.by_slug("planned"), by=agent,
                                response="Good idea, Kari: it is planned for the spring release.")
    IdeaFactory(board=board, author=kari, title="Pay two invoices at once")
    for title in ("Split the bill with my family", "Invoice as PDF in the e-mail"):
        VoteFactory(idea=IdeaFactory(board=board, title=title), member=kari)
    CommentFactory(idea=IdeaFactory(board=board, title="Cheaper roaming in the Nordics"), author=kari,
                   body_html="<p>This would save me a lot every summer.</p>")
    poll = make_poll(questions=[("single", "Which plan suits you?", "Cheap\nPremium", {})], title="Our next plan")
    q = by_text(poll)["Which plan suits you?"]
    poll_services.cast_ballot(member=kari, poll=poll, answers={q.pk: [option(q, "Premium")]})
    secret = make_poll(questions=[("single", "How happy are you?", "Happy\nUnhappy", {})], title="Staff survey",
                       anonymous=True)
    q = by_text(secret)["How happy are you?"]
    poll_services.cast_ballot(member=kari, poll=secret, answers={q.pk: [option(q, "Unhappy")]})
    programme = home_page.add_child(instance=BetaProgramPage(title="New TV guide", slug="tv-guide", enrolment="open",
                                                             owner_team=tv))
    Membership.objects.create(programme=programme, member=kari, state=Membership.State.ACTIVE, device="Apple TV 4K")
    make_thread(programme=programme, author=kari, title="The guide freezes after an hour")
    invoice = TouchpointFactory(name="Invoice", owner_team=billing)
    first = answer(invoice, kari, 3, days_ago=30, comment="The fee on my invoice is not explained anywhere.")
    FeedbackItem.objects.filter(answer=first).update(
        team=billing, status=Status.RESOLVED, first_response_at=timezone.now() - timedelta(days=29, hours=20),
        resolved_at=timezone.now() - timedelta(days=28))
    answer(invoice, kari, 8, days_ago=2, comment="Much clearer now, thanks.")
    for i in range(24):
        other = MemberFactory()
        made = answer(invoice, other, (i * 7) % 11, days_ago=i * 3)
        FeedbackItem.objects.filter(answer=made).update(
            team=billing, first_response_at=made.created_at + timedelta(hours=2 + i) if i % 3 else None,
            response_due_at=made.created_at + timedelta(hours=8),
            resolved_at=made.created_at + timedelta(hours=30 + 4 * i) if i % 2 else None,
            status=Status.RESOLVED if i % 2 else Status.NEW)
    return kari, agent


def test_staff_find_a_customer_and_read_their_history(page, history, screenshot):
    kari, agent = history
    logged_in(page, agent)
    page.goto("/staff/customers/")
    page.get_by_role("searchbox", name="Find a customer").fill("100234")
    with page.expect_navigation():  # axe must not run on the page being left (it did, under load)
        page.get_by_role("button", name="Search").first.click()
    no_axe_violations(page, "the customer search")
    screenshot(at_top(page), "customer-search")
    page.get_by_role("link", name="Kari Nordmann").click()
    expect(page.get_by_role("heading", name="Kari Nordmann")).to_be_visible()
    for text in ("Bundle", "Oslo", "Norwegian", "planned for the spring release", "Premium",
                 "Took part in this anonymous poll", "Feedback handled by the TV team",
                 "Detractor: next score here 8 (+5)."):
        expect(page.get_by_text(text, exact=False).first).to_be_visible()
    expect(page.get_by_text("Unhappy")).to_have_count(0)
    expect(page.get_by_text("The guide freezes")).to_have_count(0)  # the TV team's item
    no_axe_violations(page, "the customer panel")
    screenshot(at_top(page), "customer-panel")

    page.goto("/staff/dashboard/")
    expect(page.get_by_role("heading", name="Billing team dashboard")).to_be_visible()
    expect(page.get_by_role("img", name="First response time (calendar hours)")).to_be_visible()
    page.get_by_text("Show as table").first.click()
    expect(page.get_by_role("table").first).to_be_visible()
    no_axe_violations(page, "the team dashboard")
    screenshot(at_top(page), "team-dashboard")


def test_panel_and_dashboard_work_without_javascript(page_without_js, history):
    kari, agent = history
    logged_in(page_without_js, agent)
    page_without_js.goto(f"/staff/customers/{kari.pk}/")
    expect(page_without_js.get_by_text("Pay two invoices at once")).to_be_visible()
    page_without_js.goto("/staff/dashboard/")
    page_without_js.get_by_text("Show as table").first.click()
    expect(page_without_js.get_by_role("table").first).to_be_visible()
