"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    # The narrowest phones still common: long Danish and Dutch words must wrap here too.
    "small-phone": {"width": 360, "height": 740},
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 900},
}
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "var" / "screenshots"
# Playwright waits this long for an element before failing; the live server answers in ms.
TIMEOUT_MS = 10_000


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests last.

    While Playwright's sync API is started, its event loop counts as running in the main
    thread, so any later test that runs its own loop (async tests, async_to_sync) fails with
    "Cannot run the event loop while another loop is running". One browser for the whole
    session is only safe if nothing else runs after it. trylast: after pytest-django's sort.
    """
    here = Path(__file__).parent
    items.sort(key=lambda item: here in Path(str(item.path)).parents)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"chromium not installed: apt-get install chromium (looked for {CHROMIUM})"
        # CI promises that nothing is skipped: a missing browser is a broken machine there.
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, and Django then refuses
    # ORM calls from it. The test thread only reads the outbox and sets up rows while the
    # live server thread serves the browser, so allowing it here is safe (tests only).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@contextmanager
def _open_tab(browser, live_server, *, websockets=False, **options):
    """A fresh browser context (no cookies) on the live server, desktop-sized.

    Fails the test if the page broke the Content Security Policy (an inline style or script
    slipped in), raised a JavaScript error, or a static file failed to load. pytest-django's
    live_server serves /static/ through staticfiles' finders whatever DEBUG is, so site.css
    is the working copy, not a stale collectstatic.
    """
    context = browser.new_context(
        base_url=live_server.url,
        viewport=VIEWPORTS["desktop"],
        locale="en-GB",
        reduced_motion="reduce",
        **options,
    )
    context.set_default_timeout(TIMEOUT_MS)
    if not websockets:
        # The live server speaks WSGI, not websockets: answer live.js's socket in the browser
        # (it then stays quiet) instead of letting it retry against a 404 all test long.
        context.route_web_socket("**/ws/live/", lambda socket: None)
    tab = context.new_page()
    problems = []

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(message.text)

    def on_response(response):
        if "/static/" in response.url and response.status >= 400:
            problems.append(f"{response.status} for {response.url}")

    tab.on("console", on_console)
    tab.on("response", on_response)
    tab.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    try:
        yield tab
    finally:
        context.close()
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def page(browser, live_server):
    with _open_tab(browser, live_server) as tab:
        yield tab


@pytest.fixture
def new_tab(browser, live_server):
    """`with new_tab() as other:` another person's browser (own cookies), checked like `page`."""
    return lambda **options: _open_tab(browser, live_server, **options)


@pytest.fixture
def page_without_js(browser, live_server):
    """The same, with JavaScript off: every page must still work."""
    with _open_tab(browser, live_server, java_script_enabled=False) as tab:
        yield tab


def save_screenshots(page, name: str) -> list[Path]:
    """Save var/screenshots/<name>-small-phone.png, -phone.png and -desktop.png of the whole page.

    Also checks the phone layouts do not scroll sideways: overflow there is a layout bug.
    Restores the page's viewport afterwards.
    """
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    saved = []
    try:
        for label, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            if "phone" in label:
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{name} scrolls sideways on a phone by {overflow}px"
            path = SCREENSHOT_DIR / f"{name}-{label}.png"
            page.screenshot(path=str(path), full_page=True, animations="disabled")
            saved.append(path)
    finally:
        if original:
            page.set_viewport_size(original)
    return saved


@pytest.fixture
def screenshot():
    """screenshot(page, "login") saves the phone and desktop screenshots of the page."""
    return save_screenshots


class AsgiLiveServer:
    """The project's real ASGI application (HTTP and websockets, as in production) served by
    uvicorn in a thread of this process, against the test database. pytest-django's live_server
    speaks WSGI only, so journeys that need live updates use this one."""

    def __init__(self):
        import socket

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = None
        self.thread = None

    def start(self):
        import threading
        import time

        import uvicorn

        from community.asgi import application

        config = uvicorn.Config(application, log_level="warning", lifespan="off", ws="websockets-sansio")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "the ASGI test server did not start"
            time.sleep(0.05)

    def stop(self):
        if self.server is not None:
            self.server.should_exit = True
            self.thread.join(timeout=20)
        self.socket.close()


@pytest.fixture
def asgi_live_server(transactional_db):
    """Like live_server, but ASGI: websockets reach community.consumers as in production. Tabs
    opened with `asgi_tab()` use it with live.js's socket left alone."""
    server = AsgiLiveServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def asgi_tab(browser, asgi_live_server):
    """`with asgi_tab() as tab:` a fresh browser (own cookies) on the ASGI server, websockets on."""
    return lambda **options: _open_tab(browser, asgi_live_server, websockets=True, **options)
