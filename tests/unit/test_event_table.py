"""docs/architecture.md's "Where each event is handled" table stays true: every event a consumer
subscribes to has a row, every file a row names exists, and each publisher named mentions the
event's constant."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

import pytest

from onramp.banking.worker import deposits_consumer
from onramp.core.settings import Settings
from onramp.identity import account_emails_consumer
from onramp.orders.customer_emails import order_emails_consumer
from onramp.orders.worker import orders_consumer
from onramp.webhooks import webhooks_consumer

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "onramp"
DOC = ROOT / "docs" / "architecture.md"


def _rows() -> list[tuple[list[str], list[str], str, list[str]]]:
    """(events, publisher files, consumer, handler files) of each row between the markers."""
    text = DOC.read_text()
    table = text.split("<!-- events: checked by tests/unit/test_event_table.py -->")[1]
    table = table.split("<!-- events: end -->")[0]
    rows = []
    for line in table.strip().splitlines()[2:]:
        events, published, consumer, handled = (c.strip() for c in line.strip("|").split("|"))
        rows.append(
            (
                re.findall(r"`([a-z_]+\.[a-z_]+)`", events),
                re.findall(r"`([a-z_/]+\.py)`", published),
                consumer.strip("`"),
                re.findall(r"`([a-z_/]+\.py)`", handled),
            )
        )
    return rows


def _subscribed() -> dict[str, set[str]]:
    """Consumer name → the events it subscribes to, as ``domain.name``."""
    none = cast(Any, None)
    consumers = [
        deposits_consumer(min_holder_score=0.5, payments=cast(Any, object())),
        orders_consumer(desk=none, screener=none, kyc_settings=none, travel_rule_policy=none),
        order_emails_consumer(Settings(), none),
        webhooks_consumer(Settings(), none),
        account_emails_consumer(Settings(), none),
    ]
    pattern = re.compile(r"^onramp\.([a-z_]+\.[a-z_.]+)\.v\d+$")
    return {
        c.name: {m.group(1) for s in c.subjects if (m := pattern.match(s)) is not None}
        for c in consumers
    }


def test_every_subscribed_event_has_a_row_under_its_consumer() -> None:
    listed = {(event, consumer) for events, _, consumer, _ in _rows() for event in events}
    missing = [
        f"{event} ({consumer})"
        for consumer, events in _subscribed().items()
        for event in sorted(events)
        if (event, consumer) not in listed
    ]
    assert not missing, f"events with no row in docs/architecture.md: {missing}"


@pytest.mark.parametrize("row", _rows(), ids=lambda r: ",".join(r[0]))
def test_each_row_names_files_that_exist_and_publish_the_event(
    row: tuple[list[str], list[str], str, list[str]],
) -> None:
    events, published, _, handled = row
    assert events
    assert published
    assert handled
    for path in published + handled:
        assert (SRC / path).is_file(), f"{path} does not exist"
    for path in published:
        source = (SRC / path).read_text()
        constants = [event.split(".", 1)[1].upper() for event in events]
        assert any(c in source for c in constants), f"{path} publishes none of {events}"
