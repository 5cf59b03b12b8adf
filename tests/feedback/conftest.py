"""Feedback tests run what services register for after the commit (tasks, live events) at once:
each test runs inside one transaction that never commits, and these tests are about what those
callbacks do, in order."""

import pytest


@pytest.fixture(autouse=True)
def _after_commit_at_once(request, monkeypatch):
    if request.node.get_closest_marker("django_db") and request.node.get_closest_marker("django_db").kwargs.get(
        "transaction"
    ):
        return
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
