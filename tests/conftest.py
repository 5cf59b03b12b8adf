"""Fixtures shared by every test."""

import pytest
from django.core.cache import cache

from tests.factories import MemberFactory, StaffFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits live in the cache: each test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


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
