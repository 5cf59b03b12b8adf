"""The page visitors see while the database is down: short, in their language, accessible, and
fine on a phone."""

import pytest
from django.conf import settings
from django.db import OperationalError
from playwright.sync_api import expect

from tests.browser.test_languages_journey import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def database_down(monkeypatch, home_page):
    def unreachable(**kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    monkeypatch.setattr("ideas.queries.roadmap", unreachable)


def test_while_the_database_is_down_a_visitor_gets_a_short_page_in_their_language(
    page, live_server, database_down, screenshot
):
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "nb", "url": live_server.url}])
    response = page.goto("/roadmap/")
    assert response.status == 503 and response.headers["retry-after"] == "30"
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilbake om et øyeblikk")
    expect(page.get_by_text("Alt du har lagret fra før, er trygt.")).to_be_visible()
    expect(page.get_by_role("link", name="Prøv igjen")).to_be_visible()
    assert "Traceback" not in page.content() and "OperationalError" not in page.content()
    report = axe_violations(page)
    assert not report, f"axe-core found problems on the outage page:\n{report}"
    screenshot(page, "database-down")
