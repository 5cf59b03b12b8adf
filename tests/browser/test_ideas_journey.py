"""Idea boards end to end: post (after a similar-idea hint), vote, comment, answer, hear back."""

import re

import pytest
from playwright.sync_api import expect

from ideas import services
from ideas.models import Idea, Status
from ideas.pages import IdeaBoardPage
from tests.browser.test_signup_journey import log_in
from tests.factories import PASSWORD, MemberFactory, StaffFactory

pytestmark = pytest.mark.browser

NEW_TITLE = "Roaming prices EU"
SIMILAR_TITLE = "Cheaper roaming in the EU"
BODY = "I visit Spain every month and pay **extra for data**.\n\n- Calls home\n- Maps abroad"
COMMENT = "Same for me: I *always* switch data off at the border."
RESPONSE = "Good news: the Mobile team plans **EU roaming at home prices** for the spring release."
PLANNED_TITLE = re.compile(rf"^“{NEW_TITLE}” is now Planned$")


def bell(page):
    return page.get_by_role("banner").get_by_role("link", name=re.compile(r"^Notifications"))


def unread(n):
    return re.compile(rf"^Notifications\W+{n} unread$")


def vote_button(page, title):
    return page.get_by_role("main").get_by_role("button", name=re.compile(rf"^Vote for “{re.escape(title)}”"))


def votes_shown(page):
    return page.locator(".idea-header [data-vote-count]")


def at_top(page):
    """Scrolled back up, so the sticky header is not drawn mid-page in a full-page screenshot."""
    page.evaluate("window.scrollTo(0, 0)")
    return page


def logged_in(tab, member):
    tab.goto("/accounts/login/")
    log_in(tab, member.email, PASSWORD)
    expect(tab.get_by_role("status")).to_contain_text("Successfully signed in")
    return tab


@pytest.fixture
def board(home_page):
    """A Mobile board with a few ideas, one of them like the idea the customer will post, and
    some already answered so the board and the roadmap look lived in."""
    board = home_page.add_child(
        instance=IdeaBoardPage(
            title="Mobile",
            slug="mobile",
            intro="<p>Plans, roaming, eSIM and the network: what would make your mobile better?</p>",
        )
    )
    others = MemberFactory.create_batch(3)
    team = StaffFactory(display_name="Mobile team")
    for title, body, voters, status in [
        (SIMILAR_TITLE, "Roaming outside the Nordics costs too much.", 3, None),
        ("eSIM for smartwatches", "Let my watch share my number.", 2, "in-progress"),
        ("Wi-Fi calling on every plan", "Calls at my cabin drop all the time.", 3, "shipped"),
        ("Show data used abroad in the app", "", 1, None),
    ]:
        idea = services.post_idea(author=MemberFactory(), board=board, title=title, body=body)
        for voter in others[:voters]:
            services.cast_vote(member=voter, idea=idea)
        if status:
            services.change_status(
                idea=idea, to=Status.objects.get(slug=status), response="Thank you, we are on it.", by=team
            )
    return board


def test_customer_posts_member_votes_staff_plans_and_both_hear_back(page, new_tab, board, screenshot):
    author = MemberFactory(display_name="Kari Nordmann")
    voter = MemberFactory(display_name="Ola Hansen")
    staff = StaffFactory(display_name="Lars (Mobile team)")

    # The customer opens the board and starts a new idea.
    logged_in(page, author).goto(board.url)
    expect(page.get_by_role("heading", name="Mobile", level=1)).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name=SIMILAR_TITLE)).to_be_visible()
    screenshot(page, "ideas-board")
    page.get_by_role("main").get_by_role("link", name="Post an idea").click()
    expect(page.get_by_role("heading", name="Post an idea", level=1)).to_be_visible()

    # While the title is typed, the similar idea is suggested (ideas.js asks the server).
    page.get_by_label("Title", exact=True).press_sequentially(NEW_TITLE, delay=40)
    suggestion = page.locator(".similar").get_by_role("link", name=SIMILAR_TITLE)
    expect(suggestion).to_be_visible()
    expect(page.locator(".similar")).to_contain_text("Similar ideas — vote instead?")
    page.get_by_label("Description").fill(BODY)
    screenshot(page, "idea-form-similar")

    # Not the same idea: post it anyway, and land on its page.
    page.get_by_role("button", name="Post idea").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you! Your idea is posted.")
    expect(page.get_by_role("heading", name=NEW_TITLE, level=1)).to_be_visible()
    body = page.locator(".idea-body")
    expect(body.locator("strong")).to_have_text("extra for data")
    expect(body.get_by_role("listitem")).to_have_text(["Calls home", "Maps abroad"])
    idea = Idea.objects.get(title=NEW_TITLE)
    assert idea.author == author and idea.vote_count == 0
    # Authors follow their idea; they do not vote for it.
    expect(votes_shown(page)).to_have_text("0")

    # A second member votes (0 → 1) and comments.
    with new_tab() as other:
        logged_in(other, voter).goto(idea.get_absolute_url())
        vote = vote_button(other, NEW_TITLE)
        expect(vote).to_have_attribute("aria-pressed", "false")
        vote.click()
        expect(vote).to_have_attribute("aria-pressed", "true")
        expect(votes_shown(other)).to_have_text("1")
        other.get_by_label("Your comment").fill(COMMENT)
        other.get_by_role("button", name="Post comment").click()
        expect(other.get_by_role("status")).to_contain_text("Your comment is posted.")
        posted = other.locator("#comments .comment").filter(has_text="Ola Hansen")
        expect(posted.locator("em")).to_have_text("always")  # the Markdown is rendered
        expect(votes_shown(other)).to_have_text("1")
        screenshot(at_top(other), "idea-customer")
    idea.refresh_from_db()
    assert idea.vote_count == idea.votes.count() == 1

    # Staff answer: Planned, with a public response.
    with new_tab() as desk:
        logged_in(desk, staff).goto(idea.get_absolute_url())
        panel = desk.get_by_role("region", name=re.compile("Manage this idea"))
        expect(panel).to_be_visible()
        screenshot(desk, "idea-staff")
        panel.get_by_label("New status").select_option(label="Planned")
        panel.get_by_label("Public response").fill(RESPONSE)
        panel.get_by_label("Show my name with the team's").check()  # the team speaks; Lars signs too
        panel.get_by_role("button", name="Change status and notify").click()
        expect(desk.get_by_role("status")).to_contain_text("The idea is now “Planned”.")
        expect(desk.get_by_role("region", name="Official response")).to_contain_text(
            "EU roaming at home prices"
        )
    idea.refresh_from_db()
    assert idea.status == Status.objects.get(slug="planned")

    # The author's bell counts the comment and the answer; the answer leads to the idea.
    page.goto(board.url)
    expect(bell(page)).to_have_accessible_name(unread(2))
    bell(page).click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    answer = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=PLANNED_TITLE))
    expect(answer).to_contain_text("EU roaming at home prices")
    expect(answer).not_to_contain_text("**")  # plain text, not the Markdown source
    expect(page.get_by_role("link", name=f"Ola Hansen commented on “{NEW_TITLE}”")).to_be_visible()
    screenshot(page, "idea-notifications")
    answer.get_by_role("link", name=PLANNED_TITLE).click()
    expect_planned_idea_page(page)
    screenshot(page, "idea-planned")

    # The voter hears it too.
    with new_tab() as other:
        logged_in(other, voter)
        expect(bell(other)).to_have_accessible_name(unread(1))
        bell(other).click()
        answer = other.get_by_role("listitem").filter(has=other.get_by_role("link", name=PLANNED_TITLE))
        expect(answer).to_contain_text("EU roaming at home prices")
        answer.get_by_role("link", name=PLANNED_TITLE).click()
        expect_planned_idea_page(other)
        expect(vote_button(other, NEW_TITLE)).to_have_attribute("aria-pressed", "true")

    # The roadmap shows it under Planned.
    page.get_by_role("banner").get_by_role("link", name="Roadmap").click()
    expect(page.get_by_role("heading", name="Roadmap", level=1)).to_be_visible()
    planned = page.get_by_role("region", name=re.compile("^Planned"))
    expect(planned.get_by_role("link", name=NEW_TITLE)).to_be_visible()
    screenshot(page, "roadmap")


def expect_planned_idea_page(page):
    expect(page.get_by_role("heading", name=NEW_TITLE, level=1)).to_be_visible()
    expect(page.locator(".idea-heading [data-status-badge]")).to_have_text("Planned")
    official = page.get_by_role("region", name="Official response")
    expect(official.locator("strong")).to_have_text("EU roaming at home prices")
    expect(official).to_contain_text("Lars (Mobile team)")


def test_visitor_votes_logs_in_and_comes_back_with_the_vote_counted(page, board):
    member = MemberFactory(display_name="Astrid Berg")
    idea = Idea.objects.get(title=SIMILAR_TITLE)
    page.goto(idea.get_absolute_url())
    expect(votes_shown(page)).to_have_text("3")

    vote_button(page, SIMILAR_TITLE).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.get_by_role("status")).to_contain_text("Log in and your vote will be counted.")
    log_in(page, member.email, PASSWORD)

    expect(page.get_by_role("heading", name=SIMILAR_TITLE, level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Your vote is counted. Thank you!")
    expect(votes_shown(page)).to_have_text("4")
    expect(vote_button(page, SIMILAR_TITLE)).to_have_attribute("aria-pressed", "true")
    idea.refresh_from_db()
    assert idea.vote_count == idea.votes.count() == 4
    assert idea.votes.filter(member=member).exists()
