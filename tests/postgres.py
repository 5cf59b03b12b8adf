"""Tests that need PostgreSQL: real concurrent writers, or a server to cut and restore."""

import os

import pytest
from django.db import connection


def require_postgresql():
    if connection.vendor == "postgresql":
        return
    message = (
        f"needs PostgreSQL (the database is {connection.vendor}); "
        "run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate"
    )
    if os.environ.get("CI") == "true":
        # CI runs the suite on PostgreSQL too and must not skip this; its SQLite run
        # deselects it with -m "not postgres and not faults".
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
