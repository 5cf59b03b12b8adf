"""The interface in every language: chosen from the footer menu, accessible (axe-core) and narrow-screen safe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from ideas import services
from ideas.pages import IdeaBoardPage
from tests.browser.conftest import VIEWPORTS, _open_tab
from tests.factories import MemberFactory

pytestmark = pytest.mark.browser

PHONE_360 = VIEWPORTS["small-phone"]
# Long words as Danish and Dutch customers write them, to catch overflow on narrow screens.
LONG_TITLES = {
    "da": "Mobilabonnementsprisændringsmeddelelser skal komme før fakturaen",
    "nl": "Klantenservicemedewerkersbeschikbaarheidsoverzicht in de app",
    "nb": "Sommerhusbredbåndsabonnementsforlengelsesmulighet",
}


def t(code: str, english: str) -> str:
    """What the interface says for `english` in the language (our catalogue, or allauth's)."""
    with translation.override(code):
        return translation.gettext(english)


def words(text: str):
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


@pytest.fixture
def board(home_page):
    board = home_page.add_child(
        instance=IdeaBoardPage(title="Mobile", slug="mobile", intro="<p>What would make your mobile better?</p>")
    )
    for code, title in LONG_TITLES.items():
        services.post_idea(author=MemberFactory(preferred_language=code), board=board, title=title, body=title)
    return board


def check_speaks(tab, code: str) -> None:
    """The page is in `code`: its lang attribute, the navigation and the log-in link say so."""
    expect(tab.locator("html")).to_have_attribute("lang", code)
    nav = tab.get_by_role("navigation", name=t(code, "Main"))
    expect(nav.get_by_role("link", name=words(t(code, "Ideas")))).to_be_visible()
    expect(tab.get_by_role("banner").get_by_role("link", name=words(t(code, "Log in")))).to_be_visible()


@pytest.mark.parametrize("code", ["nb", "da", "sv", "nl"])
def test_a_visitor_switches_language_from_the_footer_without_javascript(page_without_js, board, code):
    """The menu is a plain form; the cookie it sets keeps the choice on every later page."""
    for english in ("Main", "Ideas", "Log in", "Language", "Change"):
        assert t(code, english) != english, f"{english!r} is not translated into {code}"
    tab = page_without_js
    tab.goto("/")
    expect(tab.locator("html")).to_have_attribute("lang", "en")
    footer = tab.get_by_role("contentinfo")
    footer.get_by_label("Language").select_option(code)
    footer.get_by_role("button", name="Change").click()

    check_speaks(tab, code)  # the home page
    expect(tab.get_by_role("contentinfo").get_by_label(t(code, "Language"))).to_have_value(code)
    tab.goto(board.url)
    check_speaks(tab, code)
    expect(tab.get_by_role("heading", name="Mobile", level=1)).to_be_visible()
    tab.get_by_role("banner").get_by_role("link", name=words(t(code, "Log in"))).click()
    check_speaks(tab, code)
    # The log-in form itself comes from allauth, which has its own catalogue for the language.
    expect(tab.get_by_role("main").get_by_role("button", name=words(t(code, "Sign In")))).to_be_visible()


def test_a_member_switching_language_keeps_it_as_their_preference(page, board):
    from tests.browser.test_ideas_journey import logged_in

    member = MemberFactory(preferred_language="en")
    logged_in(page, member).goto(board.url)
    footer = page.get_by_role("contentinfo")
    footer.get_by_label("Language").select_option("sv")
    footer.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    member.refresh_from_db()
    assert member.preferred_language == "sv"


def axe_violations(tab) -> str:
    results = Axe().run(tab)  # every rule axe-core has: WCAG 2.x A and AA, and best practices
    return "" if results.violations_count == 0 else results.generate_report()


@pytest.mark.parametrize("code", ["nb", "nl", "da"])
def test_pages_are_accessible_and_fit_a_360px_screen_in_each_language(browser, live_server, board, code):
    """axe-core's rules on the home page, a board and the log-in page, with the interface in the
    language; at 360 px no page scrolls sideways (long compound words wrap)."""
    with _open_tab(browser, live_server) as tab:
        tab.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": live_server.url}])
        for path in ("/", board.url, "/accounts/login/"):
            tab.set_viewport_size(VIEWPORTS["desktop"])
            tab.goto(path)
            expect(tab.locator("html")).to_have_attribute("lang", code)
            report = axe_violations(tab)
            assert not report, f"axe-core found problems on {path} in {code}:\n{report}"
            tab.set_viewport_size(PHONE_360)
            overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} in {code} scrolls sideways at 360 px by {overflow}px"
