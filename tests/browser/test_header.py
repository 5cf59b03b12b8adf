"""The header on a small phone: the navigation wraps whole links onto a second row."""

import pytest

pytestmark = pytest.mark.browser


def test_at_360_px_every_nav_link_stays_on_one_line_and_nothing_scrolls_sideways(page, home_page, live_server):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Home", "Ideas", "Roadmap", "You asked, we did"):
        link = nav.get_by_role("link", name=name)
        box = link.bounding_box()
        line = float(link.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)"))
        padding = float(link.evaluate("el => parseFloat(getComputedStyle(el).paddingTop) * 2"))
        assert box["height"] <= line + padding + 1, f"{name} wraps inside itself"
        assert box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
