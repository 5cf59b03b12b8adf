"""A process-local compiled copy of a few database rows (keyword rules, routing rules), rebuilt
when a version number in the shared cache moves: a save in any worker bumps the version, and every
worker rebuilds at its next use. An unreachable cache means rebuilding each time, never an error.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


class Compiled:
    def __init__(self, key: str, build):
        self.key, self.build = key, build
        self.version, self.value = None, None

    def _current_version(self):
        try:
            version = cache.get(self.key)
            if version is None:
                version = 1
                cache.add(self.key, version, None)
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
        except ValueError:
            cache.set(self.key, 2, None)
        except Exception:
            logger.warning("compiled rules: cache unavailable (%s)", self.key, exc_info=True)
