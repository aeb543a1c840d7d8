"""UUIDv7 ids: version, variant, monotonic within a process, and the embedded time."""

from __future__ import annotations

import time
import uuid

from onramp.core.ids import uuid7, uuid7_time_ms


def test_version_and_variant() -> None:
    value = uuid7()
    assert isinstance(value, uuid.UUID)
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert (value.int >> 76) & 0xF == 7
    assert (value.int >> 62) & 0b11 == 0b10


def test_text_form_has_version_digit() -> None:
    text = str(uuid7())
    assert len(text) == 36
    assert text[14] == "7"
    assert text[19] in "89ab"


def test_strictly_increasing_over_many_calls() -> None:
    ids = [uuid7() for _ in range(10_000)]
    assert all(a < b for a, b in zip(ids, ids[1:], strict=False))
    assert all(a.bytes < b.bytes for a, b in zip(ids, ids[1:], strict=False))
    assert all(str(a) < str(b) for a, b in zip(ids, ids[1:], strict=False))
    assert len(set(ids)) == len(ids)


def test_all_many_have_version_and_variant() -> None:
    ids = [uuid7() for _ in range(2_000)]
    assert {i.version for i in ids} == {7}
    assert {i.variant for i in ids} == {uuid.RFC_4122}


def test_time_is_now() -> None:
    before = time.time_ns() // 1_000_000
    value = uuid7()
    after = time.time_ns() // 1_000_000
    ms = uuid7_time_ms(value)
    assert abs(ms - before) <= 2_000
    assert abs(ms - after) <= 2_000
    # a burst may borrow a few future milliseconds, never go back in time
    assert before <= ms


def test_time_of_a_burst_stays_close_to_now() -> None:
    ids = [uuid7() for _ in range(10_000)]
    now = time.time_ns() // 1_000_000
    assert all(abs(uuid7_time_ms(i) - now) <= 2_000 for i in ids)
    times = [uuid7_time_ms(i) for i in ids]
    assert times == sorted(times)


def test_time_ms_reads_the_top_48_bits() -> None:
    value = uuid.UUID("01890a5d-ac96-774b-bcce-b302099a8057")
    assert uuid7_time_ms(value) == 0x01890A5DAC96


def test_random_bits_differ() -> None:
    a, b = uuid7(), uuid7()
    mask = (1 << 62) - 1
    assert a.int & mask != b.int & mask
