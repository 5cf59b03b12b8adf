"""Outages of the services the site leans on (Redis, the database, the channel layer): one log
line a minute while a service is down, not one a request, and a short pause before trying it
again, so an unreachable service costs requests nothing but the first failed try."""

import logging
import threading
import time

logger = logging.getLogger("cocreate.outages")


class Outage:
    """What this process knows about one service: when it last failed, and what was logged.

    `skipping()` is true for `retry_after` seconds after a failure: callers then take their
    fallback at once instead of paying a connect timeout on every request.
    """

    def __init__(self, service: str, *, retry_after: float = 2.0, log_every: float = 60.0):
        self.service = service
        self.retry_after = retry_after
        self.log_every = log_every
        self._lock = threading.Lock()
        self._skip_until = 0.0
        self._next_log = 0.0
        self._down_since = None
        self._unlogged = 0

    def skipping(self) -> bool:
        return time.monotonic() < self._skip_until

    @property
    def is_down(self) -> bool:
        return self._down_since is not None

    def failed(self, exc: BaseException, consequence: str = "") -> None:
        now = time.monotonic()
        with self._lock:
            self._skip_until = now + self.retry_after
            if self._down_since is None:
                self._down_since = now
            self._unlogged += 1
            if now < self._next_log:
                return
            self._next_log = now + self.log_every
            count, self._unlogged = self._unlogged, 0
        logger.warning(
            "%s is unavailable (%s: %s); %s failure(s) since the last report. %s",
            self.service, type(exc).__name__, str(exc)[:200], count, consequence,
        )

    def succeeded(self) -> None:
        if self._down_since is None:  # the common case: no lock, no work
            return
        with self._lock:
            if self._down_since is None:
                return
            seconds = time.monotonic() - self._down_since
            self._down_since = None
            self._skip_until = self._next_log = 0.0
            self._unlogged = 0
        logger.warning("%s is available again after %.0f s.", self.service, seconds)
