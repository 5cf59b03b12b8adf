"""API throttles per client IP, per member and per token, counted in the shared cache.

Fixed windows counted with add + incr (atomic in Redis, one round trip when under the limit),
so every worker counts together. Rates come from settings.API_THROTTLE_RATES (env API_RATE_IP,
API_RATE_USER, API_RATE_TOKEN), read at each request so tests can override them. The keys
start with "throttle_": while Redis is down they count per process (community/cache.py).
"""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from community.api_auth import token_grant

PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
           "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """"600/min" -> (600, 60)."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip().lower()]


class WindowThrottle(BaseThrottle):
    scope = ""

    def ident(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view):
        self.wait_seconds = None
        ident = self.ident(request)
        rate = settings.API_THROTTLE_RATES.get(self.scope)
        if ident is None or not rate:
            return True
        limit, seconds = parse_rate(rate)
        now = time.time()
        window = int(now // seconds)
        key = f"throttle_{self.scope}:{ident}:{window}"
        try:
            if cache.add(key, 1, seconds + 1):
                return True
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            cache.set(key, 1, seconds + 1)
            return True
        if count <= limit:
            return True
        self.wait_seconds = max(1, int((window + 1) * seconds - now + 0.999))
        return False

    def wait(self):
        return self.wait_seconds


class IPThrottle(WindowThrottle):
    """Everyone, signed in or not, per client address (proxies counted by NUM_PROXIES)."""

    scope = "ip"

    def ident(self, request):
        return self.get_ident(request)


class MemberThrottle(WindowThrottle):
    """A member, whatever session or tokens they use."""

    scope = "user"

    def ident(self, request):
        return str(request.user.pk) if request.user and request.user.is_authenticated else None


class TokenThrottle(WindowThrottle):
    """One token: an integration cannot use up its member's whole allowance."""

    scope = "token"

    def ident(self, request):
        grant = token_grant(request)
        return str(grant.id) if grant else None
