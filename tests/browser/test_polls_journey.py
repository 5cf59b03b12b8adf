"""Polls end to end on the real ASGI server: staff create a poll in the Wagtail admin, two
customers answer, a third watches the results change live, a customer outside the segment is
refused, and after the close the participants hear the conclusion."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from community.models import Notification
from ideas.polls.pages import PollIndexPage, PollPage
from tests.browser.conftest import VIEWPORTS
from tests.browser.test_signup_journey import log_in
from tests.factories import PASSWORD, MemberFactory, StaffFactory, TeamFactory, make_segment

pytestmark = pytest.mark.browser

TITLE = "Which should we build first?"
QUESTION = "What do you want most?"
CONCLUSION = "Fibre to the cabin won: we start building it this spring, because you asked."


def logged_in(tab, member):
    tab.goto("/accounts/login/")
    log_in(tab, member.email, PASSWORD)
    expect(tab.get_by_role("status")).to_contain_text("Successfully signed in")
    return tab


def percent(tab, label):
    row = tab.locator(".result-row").filter(has=tab.locator(".result-name", has_text=label))
    return row.locator("[data-percent]")


def axe_report(tab) -> str:
    results = Axe().run(tab)
    return "" if results.violations_count == 0 else results.generate_report()


@pytest.fixture
def polls_index(home_page):
    return home_page.add_child(instance=PollIndexPage(title="Polls", slug="polls", intro="<p>Our teams ask, you decide.</p>"))


def test_staff_create_a_poll_customers_answer_live_results_and_the_loop_closes(
    asgi_tab, polls_index, screenshot
):
    team = TeamFactory(name="TV & Broadband")
    staff = StaffFactory(display_name="Sofie (TV & Broadband)", staff=[team])
    make_segment(name="Broadband customers", plans=["broadband", "bundle"], team=team)
    kari = MemberFactory(display_name="Kari Nordmann", plan="broadband")
    ola = MemberFactory(display_name="Ola Hansen", plan="bundle")
    watcher = MemberFactory(display_name="Mette Jensen", plan="broadband")
    outsider = MemberFactory(display_name="Lars Mobil", plan="mobile")

    # Staff write the poll in the Wagtail admin.
    with asgi_tab() as admin:
        logged_in(admin, staff).goto(f"/admin/pages/add/polls/pollpage/{polls_index.pk}/")
        form = admin.get_by_role("main")
        form.get_by_role("textbox", name="Title*").fill(TITLE)
        now = timezone.localtime()
        form.get_by_role("textbox", name="Opens at").fill((now - timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M"))
        form.get_by_role("textbox", name="Closes at*").fill((now + timedelta(days=7)).strftime("%Y-%m-%d %H:%M"))
        admin.keyboard.press("Escape")  # close the date picker, which covers the buttons below
        form.get_by_role("combobox", name="Owning team").select_option(label="TV & Broadband")
        form.get_by_role("combobox", name="Who may answer*").select_option(label="A customer segment")
        form.get_by_role("combobox", name="Customer segment").select_option(label="Broadband customers (TV & Broadband)")
        form.get_by_role("combobox", name="Results shown*").select_option(label="Live, to everyone who may see the poll")
        form.get_by_role("textbox", name="Question*").fill(QUESTION)
        form.get_by_role("combobox", name="Kind*").select_option(label="Single choice")
        form.get_by_role("textbox", name="Options").fill("Fibre to the cabin\nFaster upload\nA better TV app")
        form.get_by_role("textbox", name="Title*").click()
        admin.get_by_role("button", name="More actions").click()
        admin.get_by_role("button", name="Publish").click()
        expect(admin.get_by_text(f"Page '{TITLE}' created and published")).to_be_visible()
    poll = PollPage.objects.get(title=TITLE)

    # A customer outside the segment sees the poll but may not answer it.
    with asgi_tab() as tab:
        logged_in(tab, outsider).goto(poll.url)
        expect(tab.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
        expect(tab.get_by_text("This poll asks a group of customers you are not part of.")).to_be_visible()
        expect(tab.get_by_role("button", name="Send my ballot")).to_have_count(0)

    # A third customer watches the results while the others answer.
    with asgi_tab() as watching, asgi_tab() as tab:
        logged_in(watching, watcher).goto(poll.url)
        expect(watching.locator("html")).to_have_attribute("data-live", "on")
        expect(watching.locator("[data-ballots]")).to_have_text("0")
        report = axe_report(watching)
        assert not report, f"axe-core found problems on the poll page:\n{report}"

        logged_in(tab, kari).goto(poll.url)
        tab.get_by_role("radio", name="Fibre to the cabin").check()
        tab.get_by_role("button", name="Send my ballot").click()
        expect(tab.get_by_role("status").first).to_contain_text("Your ballot is counted")
        expect(percent(watching, "Fibre to the cabin")).to_have_text("100")
        expect(watching.locator("[data-ballots]")).to_have_text("1")

        tab.context.clear_cookies()
        logged_in(tab, ola).goto(poll.url)
        tab.get_by_role("radio", name="Faster upload").check()
        tab.get_by_role("button", name="Send my ballot").click()
        expect(tab.get_by_role("status").first).to_contain_text("Your ballot is counted")
        expect(percent(watching, "Fibre to the cabin")).to_have_text("50")
        expect(percent(watching, "Faster upload")).to_have_text("50")
        expect(percent(watching, "A better TV app")).to_have_text("0")
        expect(watching.locator("[data-ballots]")).to_have_text("2")

        # The results page shows the same on a fresh load.
        tab.goto(poll.url)
        expect(percent(tab, "Fibre to the cabin")).to_have_text("50")
        expect(tab.get_by_role("heading", name="Change your ballot")).to_be_visible()
        watching.evaluate("window.scrollTo(0, 0)")
        screenshot(watching, "poll-open")

    # The poll closes; staff write the conclusion; both participants hear it.
    PollPage.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    with asgi_tab() as admin:
        logged_in(admin, staff).goto(poll.url)
        admin.get_by_label("Conclusion").fill(CONCLUSION)
        admin.get_by_role("button", name="Publish and notify everyone who answered").click()
        expect(admin.get_by_text("The conclusion is published.")).to_be_visible()
        admin.evaluate("window.scrollTo(0, 0)")  # the sticky header stays at the top of the shot
        screenshot(admin, "poll-staff")
    told = set(Notification.objects.filter(kind="poll_result").values_list("recipient_id", flat=True))
    assert told == {kari.pk, ola.pk}

    with asgi_tab() as tab:
        logged_in(tab, kari).goto("/notifications/")
        tab.get_by_role("main").get_by_role("link", name=f"Results of “{TITLE}”").click()
        expect(tab.get_by_role("heading", name="Our conclusion")).to_be_visible()
        expect(tab.get_by_text("Fibre to the cabin won")).to_be_visible()
        tab.set_viewport_size(VIEWPORTS["small-phone"])
        screenshot(tab, "poll-closed")
        tab.goto(polls_index.url)
        expect(tab.get_by_role("heading", name="Closed: results and conclusions")).to_be_visible()
        report = axe_report(tab)
        assert not report, f"axe-core found problems on the polls index:\n{report}"
        screenshot(tab, "poll-index")
