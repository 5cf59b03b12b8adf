"""Fault tests: Redis, the task worker or the database goes away while the site runs.

They need PostgreSQL (a database that started processes share) and `redis-server`; CI runs them
on its PostgreSQL + Redis leg and deselects them (-m "not faults") from the SQLite one.
"""

import pytest

from tests.faults.tools import RedisServer, SilentServer, TcpProxy, free_port, point_redis_at
from tests.postgres import require_postgresql


@pytest.fixture(autouse=True)
def _needs_postgresql(request):
    if request.node.get_closest_marker("faults"):
        require_postgresql()


@pytest.fixture
def dead_redis(settings):
    """Nothing listens on the port: every connection is refused."""
    point_redis_at(settings, f"redis://127.0.0.1:{free_port()}/0")


@pytest.fixture
def silent_redis(settings):
    """A Redis that accepts connections and never answers (overloaded, or a network half gone)."""
    server = SilentServer()
    point_redis_at(settings, server.url)
    yield
    server.stop()


@pytest.fixture
def redis_server(settings):
    server = RedisServer().start()
    point_redis_at(settings, server.url)
    yield server
    server.stop()


@pytest.fixture
def database_proxy():
    """A TcpProxy in front of the test database; point connections at proxy.port."""
    from django.db import connection

    proxy = TcpProxy(connection.settings_dict["HOST"] or "127.0.0.1", int(connection.settings_dict["PORT"] or 5432))
    yield proxy
    proxy.stop()
