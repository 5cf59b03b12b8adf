"""A member creates an API token in their settings, copies it (shown once), uses it from a script,
and revokes it; staff create an integration token; the API docs page works under the CSP."""

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.test_feedback_journey import no_axe_violations
from tests.browser.test_ideas_journey import logged_in
from tests.factories import MemberFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.browser


def api_status(live_server, secret) -> int:
    """What a script with the token gets (no browser cookies)."""
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/notifications/", headers={"Authorization": f"Bearer {secret}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (the test server)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_create_use_and_revoke_a_token(page, live_server, home_page, screenshot):
    kari = MemberFactory(display_name="Kari A.")
    logged_in(page, kari)
    page.goto("/members/me/")
    page.get_by_role("navigation", name="Account settings").get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()

    page.get_by_label("Name").fill("My dashboard script")
    page.get_by_label("Write").check()
    page.get_by_label("Expires").select_option("30")
    page.get_by_role("button", name="Create token").click()

    secret = page.get_by_role("textbox", name="Token", exact=True).input_value()
    assert secret.startswith("cc_")
    expect(page.get_by_role("status")).to_contain_text("shown only this once")
    no_axe_violations(page, "the API tokens page with a new token")
    screenshot(page, "api-tokens")

    assert api_status(live_server, secret) == 200

    # Reloading the list never shows the secret again.
    page.goto("/members/me/api-tokens/")
    assert secret not in page.content()
    page.get_by_role("button", name=re.compile(r"Revoke\W+My dashboard script")).click()
    expect(page.get_by_role("status").first).to_contain_text("is revoked")
    assert api_status(live_server, secret) == 401


def test_staff_create_an_integration_token(page, home_page, screenshot):
    staff = StaffFactory(display_name="Ingrid (Billing)", staff=[TeamFactory(name="Billing", slug="billing")])
    logged_in(page, staff)
    page.goto("/staff/api-tokens/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Integration tokens")
    page.get_by_label("Name").fill("CRM sync")
    page.get_by_label("Staff").check()
    page.get_by_label("Billing").check()
    page.get_by_role("button", name="Create token").click()
    assert page.get_by_role("textbox", name="Token", exact=True).input_value().startswith("cc_")
    expect(page.get_by_role("cell", name="Ingrid (Billing)")).to_be_visible()
    no_axe_violations(page, "the integration tokens page")
    screenshot(page, "staff-api-tokens")


def test_api_docs_page_works_under_the_content_security_policy(page, home_page, screenshot):
    page.goto("/api/docs/")
    expect(page.get_by_text("Cocreate API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/ideas/{id}/").first).to_be_visible()
    screenshot(page, "api-docs")
