"""The Redis cache, made optional: when Redis cannot be reached, a read is a miss and a write is
skipped, so every page still renders (from the database). Rate limits, their locks and used
one-time codes are guards, not copies of data: those keys fall back to this process's memory,
so log-in keeps a per-process limit rather than none. Shared facts (page visibility, Wagtail's
site roots) are never kept per process, where another worker's change could not reach them."""

import re

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from community.outages import Outage

ERRORS = (redis.exceptions.RedisError, OSError)
_outages: dict[str, Outage] = {}
# Connection pools by server and options, for the whole process. Django makes a cache backend
# per thread, and under ASGI per request (each request runs in a new context): with a pool per
# backend, every request opened a new Redis connection. redis-py's pools are thread-safe and
# notice a fork.
_pools: dict[str, dict] = {}


class ResilientRedisCache(RedisCache):
    """RedisCache whose errors are misses (logged once a minute by `outage`).

    OPTIONS beyond redis-py's: PROCESS_FALLBACK_PREFIXES (keys kept in this process's memory
    while Redis is down) and RETRY_AFTER (seconds to go straight to the fallback after a failure).
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.process_prefixes = tuple(options.pop("PROCESS_FALLBACK_PREFIXES", ()))
        retry_after = options.pop("RETRY_AFTER", 2.0)
        super().__init__(server, {**params, "OPTIONS": options})
        # Django makes one backend per thread: the outage and the fallback are per process.
        self.outage = _outages.setdefault(str(server), Outage("The cache (Redis)", retry_after=retry_after))
        self._cache._pools = _pools.setdefault(repr((server, sorted(options.items()))), {})
        self.local = LocMemCache(f"cocreate-fallback:{server}", {"OPTIONS": {"MAX_ENTRIES": 20000}})

    def _try(self, operation, *args, **kwargs):
        """(True, result) from Redis, or (False, None) when it is down or just failed."""
        if self.outage.skipping():
            return False, None
        try:
            result = operation(*args, **kwargs)
        except ERRORS as exc:
            self.outage.failed(
                exc, "Pages are served without the cache; rate limits count per process."
            )
            return False, None
        self.outage.succeeded()
        return True, result

    def _local(self, key) -> bool:
        return isinstance(key, str) and key.startswith(self.process_prefixes)

    def probe(self) -> None:
        """Raise if Redis does not answer (for /healthz: the fallback must not hide an outage)."""
        key = self.make_and_validate_key("healthz:probe")
        self._cache.set(key, 1, 10)
        if self._cache.get(key, None) != 1:
            raise redis.exceptions.ConnectionError("the cache did not return what was stored")

    # --- The cache API: Redis, else the process fallback (guards) or a miss (everything else) ---

    def get(self, key, default=None, version=None):
        ok, value = self._try(super().get, key, default, version)
        if ok:
            return value
        return self.local.get(key, default, version) if self._local(key) else default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        ok, _ = self._try(super().set, key, value, timeout, version)
        if not ok and self._local(key):
            self.local.set(key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        ok, added = self._try(super().add, key, value, timeout, version)
        if ok:
            return added
        # A skipped add "succeeds", as Django's DummyCache: a lock nobody can take would stall.
        return self.local.add(key, value, timeout, version) if self._local(key) else True

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        ok, touched = self._try(super().touch, key, timeout, version)
        if ok:
            return touched
        return self.local.touch(key, timeout, version) if self._local(key) else False

    def delete(self, key, version=None):
        ok, deleted = self._try(super().delete, key, version)
        local = self.local.delete(key, version) if self._local(key) else False
        return deleted if ok else local

    def has_key(self, key, version=None):
        ok, found = self._try(super().has_key, key, version)
        if ok:
            return found
        return self.local.has_key(key, version) if self._local(key) else False

    def incr(self, key, delta=1, version=None):
        ok, value = self._try(super().incr, key, delta, version)
        if ok:
            return value
        if self._local(key):
            return self.local.incr(key, delta, version)
        raise ValueError(f"Key '{key}' not found")  # what a missing key raises: callers handle it

    def get_many(self, keys, version=None):
        ok, found = self._try(super().get_many, keys, version)
        if ok:
            return found
        return self.local.get_many([k for k in keys if self._local(k)], version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        ok, failed = self._try(super().set_many, data, timeout, version)
        if ok:
            return failed
        self.local.set_many({k: v for k, v in data.items() if self._local(k)}, timeout, version)
        return []

    def delete_many(self, keys, version=None):
        self._try(super().delete_many, keys, version)
        self.local.delete_many([k for k in keys if self._local(k)], version)

    def clear(self):
        """This cache's own keys (its KEY_PREFIX), not the whole Redis database (FLUSHDB): the
        channel layer's groups may live there, and another process's keys (a test worker's)."""
        self._try(self._delete_own_keys)
        self.local.clear()

    def _delete_own_keys(self) -> None:
        client = self._cache.get_client(write=True)
        pattern = re.sub(r"([\\*?\[\]])", r"\\\1", self.key_prefix) + ":*"
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
