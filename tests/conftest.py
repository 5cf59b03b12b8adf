"""Fixtures shared by every test."""

import os

import pytest
from django.core.cache import cache

from tests.factories import MemberFactory, StaffFactory


def pytest_configure(config):
    # Tests read the interface in nb, da, sv and nl: build the .mo files from the committed .po
    # files (they are not committed), once, in the controlling process rather than each worker.
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        from community.management.commands.messages import compile_catalogues

        compile_catalogues()


@pytest.fixture(autouse=True)
def _site_language():
    # A request through the test client leaves its language active in this thread (a member's
    # "nb" from the middleware): the next test would otherwise run in Norwegian.
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits live in the cache: each test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _live_events_sent():
    # With Redis, writes hand their live events to a publisher thread: a test's events must
    # not reach the next test's sockets.
    from community import live

    yield
    live.flush_events()


# Rows that migrations create. Transactional tests (live server, threads, websockets) end by
# flushing every table, so the next one starts without them; each transactional test gets
# them back from the migrations' own functions.
MIGRATION_ROWS = [
    ("community.migrations.0003_staff_group", "create_staff_group"),
    ("community.migrations.0004_staff_page_permissions", "grant"),
    ("ideas.migrations.0002_default_statuses", "create_statuses"),
    ("ideas.migrations.0003_staff_permissions", "grant"),
    ("community.migrations.0008_staff_segment_permissions", "grant"),
    ("feedback.migrations.0002_default_tags", "create_tags"),
    ("feedback.migrations.0003_staff_permissions", "grant"),
]


def restore_migration_rows():
    import importlib

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import DEFAULT_DB_ALIAS
    from wagtail.models import Locale, Page

    ContentType.objects.clear_cache()  # cached ids point at flushed rows
    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
    Locale.objects.get_or_create(language_code="en")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    for module, function in MIGRATION_ROWS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def _migration_rows(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        restore_migration_rows()


@pytest.fixture
def home_page(transactional_db):
    """The Wagtail home page at "/", without the rest of the demo data (tests/conftest.py has
    restored the root page and the other rows migrations create)."""
    from wagtail.models import Page, Site

    from community.pages import HomePage

    home = Page.get_first_root_node().add_child(instance=HomePage(title="Welcome to Cocreate", slug="home-browser"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Cocreate"},
    )
    return home


@pytest.fixture
def member(db):
    return MemberFactory()


@pytest.fixture
def unverified_member(db):
    return MemberFactory(verified=False)


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


# In CI nothing may be skipped: a skip there hides a missing install step (chromium, a
# database). Tests that need PostgreSQL are deselected from the SQLite run with -m instead.
_skipped = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    import os

    if os.environ.get("CI") == "true" and _skipped and exitstatus == 0:
        print(f"\nCI forbids skipped tests; skipped: {', '.join(_skipped[:10])}")
        session.exitstatus = 1
