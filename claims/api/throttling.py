"""Request rates per user (so per token) and, for anonymous callers, per address.

A fixed-window counter: one atomic increment per request. DRF's own throttles keep
the time of every request in the window and rewrite that list on each request,
which grows with the rate allowed. Rates are read on every request, so that changed
settings (and tests) apply at once; an empty rate switches a limit off.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'100/hour' → (100, 3600)."""
    number, period = rate.split("/")
    return int(number), _PERIODS[period.strip()[0]]


def throttle_hit(scope: str, ident: str) -> tuple[bool, float]:
    """Count one request of ``ident`` in ``scope``: (allowed, seconds until the next window)."""
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
    if not rate:
        return True, 0.0
    key, timeout, allowed, wait = _window(rate, scope, ident)
    count = _count(key, timeout=timeout)
    # A cache that does not answer counts nothing: requests go through until it is back.
    return count is None or count <= allowed, wait


def _window(rate: str, scope: str, ident: str) -> tuple[str, int, int, float]:
    """The counter of this window: its key, lifetime, allowance and seconds left."""
    allowed, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    return f"throttle:{scope}:{ident}:{window}", period + 1, allowed, (window + 1) * period - now


def cache_read_and_hit(
    keys: list[str], scope: str, ident: str
) -> tuple[dict, tuple[bool, float] | None]:
    """``cache.get_many(keys)`` and, in the same round trip to Redis, ``throttle_hit``.

    The hit is None where it could not go with the read (a cache other than Redis, or
    no rate for the scope): the throttle then counts the request itself.
    """
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
    client = _redis_client()
    if not rate or client is None or not keys:
        return cache.get_many(keys), None
    counter, timeout, allowed, wait = _window(rate, scope, ident)
    try:
        values, count = _redis_count(client, counter, timeout=timeout, reads=keys)
    except RedisError:
        return {}, (True, wait)
    decode = cache.client.decode
    found = {key: decode(v) for key, v in zip(keys, values, strict=True) if v is not None}
    return found, (count <= allowed, wait)


def _count(key: str, *, timeout: int) -> int | None:
    """Add one to the counter ``key`` (made with ``timeout`` by its first request) and
    return it; None when the cache cannot be reached."""
    client = _redis_client()
    if client is None:
        try:
            return cache.incr(key)
        except ValueError:  # the window's first request (or the counter expired)
            # Unless another process started the window meanwhile.
            return 1 if cache.add(key, 1, timeout=timeout) else cache.incr(key)
    try:
        return _redis_count(client, key, timeout=timeout)[1]
    except RedisError:
        return None


def _redis_count(client, key: str, *, timeout: int, reads: list[str] = ()) -> tuple[list, int]:
    """The values of the cache keys ``reads`` and the counter ``key`` plus one, in one
    round trip.

    The counter is made if missing and incremented by two plain commands, where the
    cache's incr() runs a Lua script (ten times the work in Redis) and a window's first
    request took two more round trips. It is stored as the cache stores an integer,
    under its key, so cache.get() reads the same counter.
    """
    made = cache.make_key(key)
    pipe = client.pipeline(transaction=False)
    if reads:
        pipe.mget([cache.make_key(read) for read in reads])
    pipe.set(made, 0, ex=timeout, nx=True)
    pipe.incr(made)
    results = pipe.execute()
    return (results[0] if reads else []), results[-1]


def _redis_client():
    """The cache's Redis client when the cache is django-redis's, else None."""
    get_client = getattr(getattr(cache, "client", None), "get_client", None)
    return get_client(write=True) if get_client is not None else None


class _FixedWindowThrottle(BaseThrottle):
    scope = ""
    wait_seconds = 0.0

    def ident(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        if not api_settings.DEFAULT_THROTTLE_RATES.get(self.scope):
            return True
        ident = self.ident(request)
        if ident is None:
            return True
        # Counted already, with the token's look-up (claims.api.authentication).
        counted = getattr(request._request, "api_rate_counted", None)
        if counted is not None and counted[:2] == (self.scope, ident):
            allowed, self.wait_seconds = counted[2]
        else:
            allowed, self.wait_seconds = throttle_hit(self.scope, ident)
        return allowed

    def wait(self) -> float:
        return self.wait_seconds


class ApiUserThrottle(_FixedWindowThrottle):
    scope = "user"

    def ident(self, request) -> str | None:
        user = request.user
        return str(user.pk) if user and user.is_authenticated else None


class ApiAnonThrottle(_FixedWindowThrottle):
    scope = "anon"

    def ident(self, request) -> str | None:
        user = request.user
        return None if user and user.is_authenticated else self.get_ident(request)


class ArticleSubmitThrottle(ApiUserThrottle):
    """Submissions cost an extraction each: a tighter budget than reads."""

    scope = "submit"

    def allow_request(self, request, view) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


def refused_caller_wait(request, view) -> float | None:
    """Count a request refused for its missing or bad token against the anonymous
    rate of its address: the seconds to wait when that rate is used up, else None.

    DRF checks permissions before rates, so without this a caller guessing tokens
    would only ever see 401s and never be slowed down.
    """
    throttle = ApiAnonThrottle()
    if throttle.allow_request(request, view):
        return None
    return throttle.wait()
