"""Rate limits: fixed windows per key, in-process or in Redis.

One API process (the embedded demo) counts in memory; several API processes share counts in Redis
when ``ONRAMP_REDIS_URL`` is set. Both answer the same ``Decision``, which the API edge turns into
``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset`` headers, and ``429`` with
``Retry-After`` when the limit is spent.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis


@dataclass(frozen=True)
class Limit:
    requests: int
    window_seconds: int


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the current window ends

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }


def _window(limit: Limit, now: float) -> tuple[int, int]:
    """The window's number and the whole seconds until it ends."""
    index = int(now // limit.window_seconds)
    reset = math.ceil((index + 1) * limit.window_seconds - now)
    return index, max(1, reset)


def _decide(limit: Limit, count: int, reset: int) -> Decision:
    return Decision(
        allowed=count <= limit.requests,
        limit=limit.requests,
        remaining=max(0, limit.requests - count),
        reset_seconds=reset,
    )


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: Limit, *, now: float) -> Decision: ...


class InProcessRateLimiter:
    def __init__(self, *, max_keys: int = 100_000) -> None:
        self._counts: dict[str, tuple[int, int]] = {}
        self._max_keys = max_keys
        self._lock = asyncio.Lock()

    async def hit(self, key: str, limit: Limit, *, now: float) -> Decision:
        index, reset = _window(limit, now)
        async with self._lock:
            window, count = self._counts.get(key, (index, 0))
            count = count + 1 if window == index else 1
            if len(self._counts) >= self._max_keys and key not in self._counts:
                self._evict(index)
            self._counts[key] = (index, count)
        return _decide(limit, count, reset)

    def _evict(self, current: int) -> None:
        stale = [k for k, (window, _) in self._counts.items() if window != current]
        for k in stale or list(self._counts)[: len(self._counts) // 2]:
            del self._counts[k]


class RedisRateLimiter:
    def __init__(self, redis: Redis, *, prefix: str = "onramp:rl:") -> None:
        self._redis = redis
        self._prefix = prefix

    @classmethod
    def from_url(cls, url: str) -> RedisRateLimiter:
        return cls(Redis.from_url(url))

    async def hit(self, key: str, limit: Limit, *, now: float) -> Decision:
        index, reset = _window(limit, now)
        redis_key = f"{self._prefix}{key}:{index}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(redis_key)
            pipe.expire(redis_key, limit.window_seconds + 1)
            count, _ = await pipe.execute()
        return _decide(limit, int(count), reset)

    async def close(self) -> None:
        await self._redis.aclose()
