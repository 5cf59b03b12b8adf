"""A process-local compiled copy of a few database rows (keyword rules, routing rules), rebuilt
when a version number in the shared cache moves: a save in any worker bumps the version, and every
worker rebuilds at its next use. An unreachable cache means rebuilding each time, never an error.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


class Compiled:
    def __init__(self, key: str, build):
        self.key, self.build = key, build
        self.version, self.value = None, None

    def _current_version(self):
        """None when the cache cannot say (down): then every use rebuilds."""
        try:
            version = cache.get(self.key)
            if version is None:  # first use, or the key was lost (evicted, Redis restarted empty)
                cache.add(self.key, _new_version(), None)
                version = cache.get(self.key)  # whichever worker's add came first
            return version
        except Exception:
            logger.warning("compiled rules: cache unavailable (%s)", self.key, exc_info=True)
            return None

    def get(self):
        version = self._current_version()
        if version is None or version != self.version or self.value is None:
            self.value, self.version = self.build(), version
        return self.value

    def changed(self) -> None:
        """The rows changed: this process rebuilds now, the others at their next use."""
        self.version = None
        try:
            cache.incr(self.key)
        except ValueError:  # no version (lost): a new one
            cache.set(self.key, _new_version(), None)
        except Exception:
            logger.warning("compiled rules: cache unavailable (%s)", self.key, exc_info=True)


def _new_version() -> int:
    # From the clock, never an old number again: with 1 after a lost key, a process that had
    # built version 1 kept serving those rows however often they changed since.
    return time.time_ns() // 1000
