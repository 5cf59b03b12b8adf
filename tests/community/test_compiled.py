"""Process-local compiled rules (community/compiled.py) follow a version in the shared cache."""

import itertools

from django.core.cache import cache

from community import compiled
from community.compiled import Compiled


def counting_build():
    counter = itertools.count(1)
    return lambda: next(counter)


def test_a_change_in_another_worker_rebuilds_here():
    rules = Compiled("test:compiled:rules", counting_build())
    assert rules.get() == rules.get() == 1
    Compiled("test:compiled:rules", counting_build()).changed()  # another worker saved
    assert rules.get() == 2


def test_a_lost_version_never_brings_back_an_old_build():
    rules = Compiled("test:compiled:rules", counting_build())
    assert rules.get() == 1
    cache.incr("test:compiled:rules")  # another worker saved...
    cache.delete("test:compiled:rules")  # ...then the key was lost (evicted, Redis restarted empty)
    assert rules.get() == 2


class DownCache:
    """What the resilient cache answers while Redis is down: misses, and writes that do nothing."""

    def get(self, key, default=None):
        return default

    def add(self, *args, **kwargs):
        return True

    def incr(self, key):
        raise ValueError(key)

    def set(self, *args, **kwargs):
        pass


def test_with_the_cache_down_every_use_rebuilds(monkeypatch):
    monkeypatch.setattr(compiled, "cache", DownCache())
    rules = Compiled("test:compiled:rules", counting_build())
    assert [rules.get(), rules.get(), rules.get()] == [1, 2, 3]
    rules.changed()  # nothing to bump: no error either
    assert rules.get() == 4
