"""A visitor becomes a member: sign up, verify the e-mail, log in, edit the profile."""

import re

import pytest
from playwright.sync_api import expect

from community.models import Member
from tests.factories import PASSWORD, MemberFactory, NotificationFactory

pytestmark = pytest.mark.browser

EMAIL = "kari.nordmann@example.com"
NEW_PASSWORD = "Fjord-sunrise-2031"
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+")
VERIFICATION_SENT = re.compile(r"/accounts/confirm-email/$")


def words(text):
    """An accessible name, whatever its capitals (allauth says "Sign In", we say "Sign in")."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$", re.IGNORECASE)


def log_in(page, email, password):
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name=words("Sign in")).click()


def open_account_menu(page):
    page.locator("summary").filter(has_text="Account menu").click()


def test_visitor_signs_up_verifies_and_edits_profile(page, home_page, mailoutbox, screenshot):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(home_page.hero_title)
    # site.css is served and applied (the page background is its --bg).
    expect(page.locator("html")).to_have_css("background-color", "rgb(246, 247, 251)")
    screenshot(page, "home")

    page.get_by_role("banner").get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name=words("Sign up"), level=1)).to_be_visible()
    screenshot(page, "signup")

    # A weak password is refused with a message next to the field.
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password (again)").fill("short")
    page.get_by_role("main").get_by_role("button", name=words("Sign up")).click()
    expect(page.get_by_text("This password is too short.")).to_be_visible()
    screenshot(page, "signup-errors")

    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=words("Sign up")).click()
    expect(page).to_have_url(VERIFICATION_SENT)
    expect(page.get_by_role("heading", name=words("Verify your email address"))).to_be_visible()
    screenshot(page, "verification-sent")
    assert not Member.objects.get(email=EMAIL).is_verified
    assert [message.to for message in mailoutbox] == [[EMAIL]]

    # Before verifying, logging in is refused: allauth shows the verification page again.
    page.goto("/accounts/login/")
    screenshot(page, "login")
    log_in(page, EMAIL, NEW_PASSWORD)
    expect(page).to_have_url(VERIFICATION_SENT)
    expect(page.get_by_role("heading", name=words("Verify your email address"))).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()
    expect(page.locator("summary").filter(has_text="Account menu")).to_have_count(0)
    page.goto("/members/me/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/members/me/$"))

    links = CONFIRM_LINK.findall(mailoutbox[0].body)
    assert len(links) == 1, mailoutbox[0].body
    page.goto(links[0])
    expect(page.get_by_role("heading", name=words("Confirm email address"))).to_be_visible()
    screenshot(page, "confirm-email")
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("status")).to_contain_text(f"You have confirmed {EMAIL}")
    log_in(page, EMAIL, NEW_PASSWORD)
    expect(page.get_by_role("status")).to_contain_text("Successfully signed in")

    open_account_menu(page)
    page.get_by_role("link", name="Your profile").click()
    expect(page.get_by_role("heading", name="Your profile", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(EMAIL)
    screenshot(page, "profile")

    page.get_by_label("Display name").fill("Kari from Bergen")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    expect(page.get_by_label("Display name")).to_have_value("Kari from Bergen")
    expect(page.get_by_role("banner")).to_contain_text("Kari from Bergen")
    screenshot(page, "profile-saved")
    assert Member.objects.get(email=EMAIL).display_name == "Kari from Bergen"


def test_member_reads_notifications_without_javascript(page_without_js, home_page, screenshot):
    page = page_without_js
    member = MemberFactory(display_name="Ola N.")
    NotificationFactory(
        recipient=member,
        title="Your idea “eSIM for smartwatches” is planned",
        body="The Mobile team plans to ship it this spring.",
        url="/",
    )
    NotificationFactory(recipient=member, title="Lars (Network) answered your idea")
    NotificationFactory.create_batch(2, recipient=member)
    Member.objects.filter(pk=member.pk).update(notification_version=4)

    page.goto("/accounts/login/")
    log_in(page, member.email, PASSWORD)
    bell = page.get_by_role("banner").get_by_role("link", name=re.compile(r"^Notifications"))
    expect(bell).to_have_accessible_name(re.compile(r"^Notifications\W+4 unread$"))
    bell.click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    screenshot(page, "notifications")

    page.get_by_role("button", name=re.compile(r"^Mark read\W+Lars \(Network\) answered your idea$")).click()
    expect(bell).to_have_accessible_name(re.compile(r"^Notifications\W+3 unread$"))
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("button", name=re.compile("^Mark read"))).to_have_count(0)
    expect(bell).to_have_accessible_name("Notifications")


def test_member_finds_account_settings_from_the_menu(page, home_page, screenshot):
    member = MemberFactory(display_name="Astrid Berg")
    page.goto("/accounts/login/")
    log_in(page, member.email, PASSWORD)

    open_account_menu(page)
    screenshot(page, "account-menu")
    page.get_by_role("link", name="E-mail addresses").click()
    expect(page.get_by_role("heading", name=words("Email address"), level=1)).to_be_visible()
    expect(page.get_by_label("Current email")).to_have_value(member.email)
    screenshot(page, "email-addresses")

    settings_menu = page.get_by_role("navigation", name="Account settings")
    settings_menu.get_by_role("link", name="Password").click()
    expect(page.get_by_role("heading", name=words("Change password"), level=1)).to_be_visible()
    expect(settings_menu.get_by_role("link", name="Password")).to_have_attribute("aria-current", "page")
    screenshot(page, "password-change")

    settings_menu.get_by_role("link", name="Two-factor").click()
    expect(page.get_by_role("heading", name=words("Two-factor authentication"), level=1)).to_be_visible()
    screenshot(page, "two-factor")
