"""Rate limits in the shared cache (Redis in production, so every worker counts together):
fixed windows counted with add + incr, one round trip each when under the limit.

    if not allow(f"tp-key:{key}", limit=600, seconds=60): refuse
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def allow(name: str, *, limit: int, seconds: int) -> bool:
    """Count one hit against `name`; False once more than `limit` hits fell in this window."""
    window = int(time.time() // seconds)
    key = f"ratelimit:{name}:{window}"
    try:
        if cache.add(key, 1, seconds + 1):
            return True
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, 1, seconds + 1)
        return True
    except Exception:  # a cache outage must not take the touchpoints down with it
        logger.warning("rate limit cache unavailable", exc_info=True)
        return True
