"""The credential cache keeps an answer only while it can hear changes, forgets it on a change
to any row it names, never keeps an answer that raced a change, and never serves one past the
time it stops letting anyone in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from onramp.auth import CredentialCache, watched

NOW = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


def _live() -> CredentialCache:
    cache = CredentialCache()
    cache.live = True
    return cache


def _put(cache: CredentialCache, key: str, *rows: str, ends_at: datetime | None = None) -> None:
    cache.put(key, key.upper(), ends_at=ends_at, rows=rows, generation=cache.generation)


def test_nothing_is_kept_while_no_listener_hears_changes() -> None:
    cache = CredentialCache()
    _put(cache, "session:a", watched("auth_sessions", "a"))
    assert cache.get("session:a", NOW) is None
    assert len(cache) == 0


def test_a_change_to_any_named_row_drops_the_answer_and_only_that_one() -> None:
    cache = _live()
    _put(cache, "session:a", watched("auth_sessions", "a"), watched("users", "u"))
    _put(cache, "session:b", watched("auth_sessions", "b"), watched("users", "v"))
    assert cache.get("session:a", NOW) == "SESSION:A"

    cache.changed(watched("users", "u"))  # a role change, a deactivation

    assert cache.get("session:a", NOW) is None
    assert cache.get("session:b", NOW) == "SESSION:B"


def test_an_answer_read_before_a_change_and_stored_after_it_is_not_kept() -> None:
    cache = _live()
    generation = cache.generation  # the lookup starts
    cache.changed(watched("auth_sessions", "a"))  # the session is revoked meanwhile
    cache.put("session:a", "stale", ends_at=None, rows=["auth_sessions:a"], generation=generation)
    assert cache.get("session:a", NOW) is None


def test_an_answer_past_its_end_is_not_served() -> None:
    cache = _live()
    _put(cache, "key:k", watched("api_keys", "k"), ends_at=NOW + timedelta(seconds=1))
    assert cache.get("key:k", NOW) == "KEY:K"
    assert cache.get("key:k", NOW + timedelta(seconds=1)) is None


def test_losing_the_listener_empties_the_cache() -> None:
    cache = _live()
    _put(cache, "session:a", watched("auth_sessions", "a"))
    cache.live = False
    cache.clear()
    cache.live = True
    assert cache.get("session:a", NOW) is None


def test_the_cache_is_bounded() -> None:
    cache = CredentialCache(max_entries=2)
    cache.live = True
    for k in ("a", "b", "c"):
        _put(cache, k, watched("users", k))
    assert len(cache) == 2
    assert cache.get("a", NOW) is None
