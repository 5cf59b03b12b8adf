"""The Redis cache with Redis unreachable: a read is a miss and a write is skipped, except for the
guards (rate limits, their locks, used one-time codes), which fall back to this process."""

import logging
import socket

import pytest

from community.cache import ResilientRedisCache


@pytest.fixture
def cache():
    with socket.socket() as s:  # a port nothing listens on: connections are refused at once
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return ResilientRedisCache(
        f"redis://127.0.0.1:{port}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.25, "PROCESS_FALLBACK_PREFIXES": ["allauth:rl:", "throttle_"]}},
    )


def test_shared_facts_are_misses(cache):
    cache.set("visibility:version", 3)
    assert cache.get("visibility:version") is None
    assert cache.get("visibility:version", "default") == "default"
    assert cache.get_many(["visibility:version"]) == {}
    assert cache.has_key("visibility:version") is False
    assert cache.add("lock", 1) is True  # as Django's DummyCache: a lock nobody can take would stall
    assert cache.delete("visibility:version") is False
    with pytest.raises(ValueError):
        cache.incr("visibility:version")  # what a missing key raises; callers handle it
    cache.clear()


def test_guards_fall_back_to_this_process(cache):
    cache.set("throttle_anon_1.2.3.4", [1, 2], 60)
    assert cache.get("throttle_anon_1.2.3.4") == [1, 2]
    assert cache.add("allauth:rl:login:lock", True, 10) is True
    assert cache.add("allauth:rl:login:lock", True, 10) is False  # held: a real lock
    cache.delete("allauth:rl:login:lock")
    assert cache.add("allauth:rl:login:lock", True, 10) is True
    cache.set_many({"throttle_x": 1, "other": 2})
    assert cache.get_many(["throttle_x", "other"]) == {"throttle_x": 1}


def test_healthz_probe_is_not_fooled_by_the_fallback(cache):
    with pytest.raises(Exception):  # noqa: B017  (redis-py's ConnectionError)
        cache.probe()


def test_the_outage_is_logged_once_and_redis_is_skipped_for_a_moment(cache, caplog, monkeypatch):
    attempts = []
    real_get = cache._cache.get
    monkeypatch.setattr(cache._cache, "get", lambda *a: attempts.append(1) or real_get(*a))
    with caplog.at_level(logging.WARNING, logger="cocreate.outages"):
        for _ in range(20):
            cache.get("anything")
    assert len(attempts) == 1  # the others went straight to the miss
    assert [r.getMessage()[:33] for r in caplog.records] == ["The cache (Redis) is unavailable "]


def test_clear_deletes_this_caches_keys_only():
    """Not FLUSHDB: the channel layer's groups and another process's keys (an xdist worker's
    cached facts, in the middle of its query-count test) share the database."""
    import redis

    from tests.faults.tools import RedisServer

    server = RedisServer().start()
    try:
        ours = ResilientRedisCache(server.url, {"KEY_PREFIX": "ours"})
        theirs = ResilientRedisCache(server.url, {"KEY_PREFIX": "theirs"})
        ours.set_many({f"k{i}": i for i in range(2500)})  # more than one batch of deletes
        ours.set("*", "a key like a pattern")
        theirs.set("k1", "kept")
        raw = redis.Redis.from_url(server.url)
        raw.set("asgi:group:idea.1", b"a channel group")
        ours.clear()
        assert ours.get_many(["k0", "k1", "k2499", "*"]) == {}
        assert theirs.get("k1") == "kept"
        assert raw.get("asgi:group:idea.1") == b"a channel group"
        raw.close()
    finally:
        server.stop()
