"""Fixed-window counting, the same in memory and in Redis."""

from __future__ import annotations

from onramp.core.ratelimit import InProcessRateLimiter, Limit

LIMIT = Limit(requests=3, window_seconds=60)


async def test_counts_within_a_window_and_starts_again_in_the_next() -> None:
    limiter = InProcessRateLimiter()
    t = 6000.0  # the start of a window
    decisions = [await limiter.hit("k", LIMIT, now=t + i) for i in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert decisions[3].reset_seconds == 57
    fresh = await limiter.hit("k", LIMIT, now=t + 60)
    assert fresh.allowed
    assert fresh.remaining == 2


async def test_keys_are_counted_apart() -> None:
    limiter = InProcessRateLimiter()
    for _ in range(3):
        await limiter.hit("a", LIMIT, now=0.0)
    assert not (await limiter.hit("a", LIMIT, now=1.0)).allowed
    assert (await limiter.hit("b", LIMIT, now=1.0)).allowed


async def test_memory_stays_bounded() -> None:
    limiter = InProcessRateLimiter(max_keys=100)
    for i in range(1000):
        await limiter.hit(f"k{i}", LIMIT, now=float(i * 60))
    assert len(limiter._counts) <= 100


def test_headers() -> None:
    from onramp.core.ratelimit import Decision

    assert Decision(True, 10, 7, 30).headers() == {
        "RateLimit-Limit": "10",
        "RateLimit-Remaining": "7",
        "RateLimit-Reset": "30",
    }
