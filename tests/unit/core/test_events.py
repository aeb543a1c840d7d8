"""CloudEvents envelopes: subjects, JSON round trip, and the outbox's event factory."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import orjson
import pytest
from pydantic import ValidationError

from onramp.core.events import SPEC_VERSION, CloudEvent, subject_for
from onramp.core.ids import uuid7_time_ms
from onramp.core.outbox import make_event

WHEN = datetime(2025, 1, 15, 12, 0, 0, 123456, tzinfo=UTC)


def sample(**changes: object) -> CloudEvent:
    fields: dict[str, object] = {
        "id": uuid.UUID("0190f3c2-7b1e-7c3a-9d2e-5f4a3b2c1d0e"),
        "source": "onramp/banking",
        "type": "onramp.banking.deposit_matched.v1",
        "subject": "order-1",
        "time": WHEN,
        "data": {"amount": "1000.00", "nested": {"list": [1, "two", None]}},
        "correlationid": "corr-1",
    }
    fields.update(changes)
    return CloudEvent.model_validate(fields)


@pytest.mark.parametrize(
    ("domain", "name", "version", "subject"),
    [
        ("banking", "deposit_matched", 1, "onramp.banking.deposit_matched.v1"),
        ("chain", "payout_confirmed", 1, "onramp.chain.payout_confirmed.v1"),
        ("orders", "completed", 2, "onramp.orders.completed.v2"),
    ],
)
def test_subject_for(domain: str, name: str, version: int, subject: str) -> None:
    assert subject_for(domain, name, version) == subject


def test_subject_for_defaults_to_v1() -> None:
    assert subject_for("banking", "deposit_matched") == "onramp.banking.deposit_matched.v1"


def test_json_round_trip() -> None:
    event = sample()
    assert CloudEvent.from_json(event.to_json()) == event


def test_json_round_trip_without_optional_fields() -> None:
    event = sample(subject=None, correlationid=None, data={})
    raw = orjson.loads(event.to_json())
    assert "subject" not in raw
    assert "correlationid" not in raw
    assert CloudEvent.from_json(event.to_json()) == event


def test_json_shape() -> None:
    raw = orjson.loads(sample().to_json())
    assert raw["specversion"] == "1.0"
    assert raw["id"] == "0190f3c2-7b1e-7c3a-9d2e-5f4a3b2c1d0e"
    assert raw["datacontenttype"] == "application/json"
    assert raw["type"] == "onramp.banking.deposit_matched.v1"
    assert datetime.fromisoformat(raw["time"]) == WHEN
    assert raw["data"]["nested"] == {"list": [1, "two", None]}


def test_from_json_rejects_incomplete_events() -> None:
    raw = orjson.loads(sample().to_json())
    del raw["source"]
    with pytest.raises(ValidationError):
        CloudEvent.from_json(orjson.dumps(raw))
    with pytest.raises(ValidationError):
        CloudEvent.from_json(b"not json")


def test_events_are_frozen() -> None:
    event = sample()
    with pytest.raises(ValidationError):
        event.type = "other"  # type: ignore[misc]


def test_make_event() -> None:
    subject = subject_for("banking", "deposit_matched")
    before = datetime.now(UTC)
    event = make_event(
        subject,
        {"order_id": "o-1"},
        source="onramp/banking",
        entity_id="o-1",
        correlation_id="c-1",
    )
    after = datetime.now(UTC)
    assert event.specversion == SPEC_VERSION == "1.0"
    assert event.type == subject
    assert event.source == "onramp/banking"
    assert event.subject == "o-1"
    assert event.correlationid == "c-1"
    assert event.data == {"order_id": "o-1"}
    assert event.id.version == 7
    assert event.time.tzinfo is not None
    assert before <= event.time <= after
    assert abs(uuid7_time_ms(event.id) - int(event.time.timestamp() * 1000)) <= 2_000
    assert CloudEvent.from_json(event.to_json()) == event


def test_make_event_ids_are_unique_and_data_is_copied() -> None:
    data = {"n": 1}
    events = [make_event("onramp.x.y.v1", data, source="test") for _ in range(500)]
    assert len({e.id for e in events}) == 500
    data["n"] = 2
    assert all(e.data == {"n": 1} for e in events)
    assert events[0].subject is None
    assert events[0].correlationid is None


@pytest.mark.parametrize(
    "subject", ["nostream.x", "onramp.banking", "onramp.Banking.x.v1", "onramp.banking.x", ""]
)
def test_make_event_refuses_subjects_the_stream_cannot_carry(subject: str) -> None:
    from onramp.core.errors import InvariantViolated
    from onramp.core.outbox import make_event

    with pytest.raises(InvariantViolated):
        make_event(subject, {}, source="onramp/test")
