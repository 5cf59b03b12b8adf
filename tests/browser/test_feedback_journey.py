"""Beta programmes and touchpoints end to end: a customer applies, staff approve, the customer
reports a bug with a screenshot, staff reply and add an internal note the customer never sees;
the widget on a mock invoice takes a Danish answer that staff find tagged "invoice"."""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import expect

from feedback.models import FeedbackItem, Touchpoint, TouchpointAnswer
from feedback.pages import BetaProgramPage
from tests.browser.test_ideas_journey import at_top, logged_in
from tests.factories import MemberFactory, StaffFactory

pytestmark = pytest.mark.browser

NOTE = "Known crash in build 41, see TVAPP-412"
REPLY = "Thanks Kari! We can reproduce it and a fix is on the way."
DANISH = "Fakturaen er svær at forstå, og gebyret er for højt."


def no_axe_violations(tab, where):
    results = Axe().run(tab)
    assert results.violations_count == 0, f"axe-core found problems on {where}:\n{results.generate_report()}"


def png_bytes() -> bytes:
    image = Image.new("RGB", (360, 640), (24, 28, 48))
    for x in range(40, 320):
        for y in range(280, 360):
            image.putpixel((x, y), (220, 40, 40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def programme(home_page):
    return home_page.add_child(instance=BetaProgramPage(
        title="New TV app", slug="new-tv-app",
        intro="<p>Our new TV app is faster and remembers where you stopped.</p>",
        what_is_tested="<ul><li>The programme guide</li><li>Switching channels</li></ul>",
        enrolment="apply", capacity=50, eligible_plans=["tv"], devices="Apple TV 4K\nAndroid TV",
        consent_text="The new app is not public yet: please keep what you see to yourself.",
    ))


def test_apply_approve_report_a_bug_and_hear_back(page, new_tab, programme, screenshot):
    kari = MemberFactory(display_name="Kari A.", plan="tv")
    staff = StaffFactory(display_name="Sofie (TV)")

    # The customer applies.
    logged_in(page, kari)
    page.goto(programme.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("New TV app")
    no_axe_violations(page, "the programme page (outside)")
    screenshot(at_top(page), "beta-programme-apply")
    page.get_by_label("Why do you want to join?").fill("I watch TV every evening on my Apple TV.")
    page.get_by_label("Your device").select_option("Apple TV 4K")
    page.get_by_label("I accept these terms").check()
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_role("status")).to_contain_text("Your application is in")

    # Staff approve it.
    with new_tab() as desk:
        logged_in(desk, staff)
        desk.goto(programme.url)
        desk.get_by_role("link", name=re.compile("Members and applications")).click()
        expect(desk.get_by_text("I watch TV every evening")).to_be_visible()
        no_axe_violations(desk, "the members page")
        screenshot(at_top(desk), "beta-members")
        desk.get_by_role("button", name="Approve Kari A.").click()
        expect(desk.get_by_role("status")).to_contain_text("Kari A. is now a member")

    # The customer is in, and reports a bug with a screenshot.
    page.goto(programme.url)
    with page.expect_navigation():  # axe must not run on the page being left
        page.get_by_role("link", name="Give feedback").click()
    no_axe_violations(page, "the feedback form")
    page.get_by_role("radio", name="Bug report").check()
    page.get_by_label("Title").fill("The app freezes when I switch channels")
    page.get_by_label("Description").fill("Zapping fast between two channels freezes the picture.")
    page.get_by_label("Device").select_option("Apple TV 4K")
    page.get_by_label("App version").fill("0.9.2")
    page.get_by_label("Screenshots").set_input_files(
        files=[{"name": "frozen.png", "mimeType": "image/png", "buffer": png_bytes()}])
    screenshot(at_top(page), "beta-feedback-form")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The app freezes when I switch channels")
    shot = page.get_by_role("img", name="Screenshot 1")
    expect(shot).to_be_visible()
    # Served through the rule-checked view, decoded by the browser: the re-encoded PNG.
    page.wait_for_function("img => img.complete && img.naturalWidth === 360", arg=shot.element_handle())
    thread_url = page.url

    # Staff reply and leave an internal note.
    with new_tab() as desk:
        logged_in(desk, staff)
        desk.goto(thread_url)
        desk.get_by_label("Your reply").fill(REPLY)
        desk.get_by_role("button", name="Reply", exact=True).click()
        desk.get_by_label("New internal note").fill(NOTE)
        desk.get_by_role("button", name="Add internal note").click()
        expect(desk.get_by_role("status")).to_contain_text("Only staff can see it")
        expect(desk.get_by_text(NOTE)).to_be_visible()
        screenshot(at_top(desk), "beta-thread-staff")

    # The customer reads the reply, never the note.
    page.reload()
    expect(page.get_by_text(REPLY)).to_be_visible()
    assert NOTE not in page.content()
    no_axe_violations(page, "the thread page")
    screenshot(at_top(page), "beta-thread-customer")
    page.goto("/feedback/mine/")
    expect(page.get_by_role("link", name="The app freezes when I switch channels")).to_be_visible()
    screenshot(at_top(page), "my-feedback")
    page.goto(programme.url)
    screenshot(at_top(page), "beta-programme-member")


def test_widget_on_the_mock_invoice_reaches_staff_tagged_invoice(page, live_server, home_page, screenshot):
    touchpoint = Touchpoint.objects.create(name="Invoice", slug="invoice", allowed_origins=live_server.url)
    staff = StaffFactory(display_name="Ingrid (Billing)")
    logged_in(page, staff)
    page.goto(f"/feedback/touchpoints/{touchpoint.pk}/demo/?lang=da")
    form = page.get_by_role("form")
    expect(form).to_be_visible()
    assert form.get_attribute("lang") == "da"
    no_axe_violations(page, "the mock invoice")
    screenshot(page, "touchpoint-invoice-demo")
    # Keyboard only: into the scale, an arrow to the score, tab to the comment.
    page.get_by_role("radio").first.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio").nth(3)).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type(DANISH)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".cn-thanks")).to_be_visible()
    expect(page.locator(".cn-thanks")).to_be_focused()
    screenshot(page, "touchpoint-invoice-thanks")

    answer = TouchpointAnswer.objects.get()
    assert (answer.score, answer.language, answer.member) == (3, "da", None)

    page.goto("/feedback/all/?tag=invoice")
    row = page.get_by_role("listitem").filter(has_text="Fakturaen er svær at forstå")
    expect(row).to_be_visible()
    expect(row).to_contain_text("#Invoice")
    no_axe_violations(page, "the staff feedback list")
    screenshot(at_top(page), "staff-feedback-list")
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert FeedbackItem.objects.get(answer=answer).tags.filter(slug="invoice").exists()
    screenshot(at_top(page), "touchpoint-item-staff")
    page.goto("/feedback/touchpoints/")
    no_axe_violations(page, "the touchpoints page")
    screenshot(at_top(page), "touchpoints")
