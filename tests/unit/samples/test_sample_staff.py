"""The sample treasurers sign with the dev stack's own Safe owner keys, two different ones (the
Safes are 2 of 3: two people with two keys), so examples/treasury_management.py can execute."""

from __future__ import annotations

import json
from pathlib import Path

from onramp.devstack.treasury_setup import DEMO_TREASURER_KEYS, SAFE_THRESHOLD

STAFF = Path(__file__).resolve().parents[3] / "samples" / "users" / "staff.json"


def test_each_sample_treasurer_holds_a_different_demo_safe_owner_key() -> None:
    staff = json.loads(STAFF.read_text())["staff"]
    treasurers = [p for p in staff if p["role"] == "treasurer"]
    keys = [p["safe_owner_key"] for p in treasurers]
    assert len(set(keys)) == len(keys) >= SAFE_THRESHOLD
    assert set(keys) <= set(DEMO_TREASURER_KEYS)
    assert all("safe_owner_key" not in p for p in staff if p["role"] != "treasurer")
