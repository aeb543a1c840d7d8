"""``onramp samples load`` puts samples/ into the running stack, and a second run changes
nothing; the sample staff sign in with their sample authenticators."""

from __future__ import annotations

import json
import re
from pathlib import Path

from onramp.devstack.stack import Stack
from onramp_client import Authenticator, Client
from tests.e2e.samples_cli import load_samples

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_samples_load_twice_then_a_sample_treasurer_signs_in(stack: Stack) -> None:
    staff = json.loads((SAMPLES / "users" / "staff.json").read_text())
    customers = json.loads((SAMPLES / "users" / "customers.json").read_text())
    people = len(customers["individuals"]) + len(customers["businesses"])

    # Another test may have loaded them already (the monitoring example's): then this run is
    # already the second.
    first = load_samples(stack)
    assert first.returncode == 0, first.stdout + first.stderr
    counts = re.findall(r"(\d+) created, (\d+) already there", first.stdout)
    assert [int(c) + int(p) for c, p in counts] == [len(staff["staff"]), people]

    second = load_samples(stack)
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"staff       0 created, {len(staff['staff'])} already there" in second.stdout
    assert f"customers   0 created, {people} already there" in second.stdout
    assert "nothing changed" in second.stdout

    treasurer = next(p for p in staff["staff"] if p["role"] == "treasurer")
    with Client(stack.api_url) as api:
        api.login(
            treasurer["email"], staff["password"], totp=Authenticator(treasurer["totp_secret"])
        )
        wallets = api.get("/v1/admin/treasury/wallets")["data"]
        assert {"vault", "warm", "cold"} <= {w["name"] for w in wallets}
        rita = next(
            p for p in customers["individuals"] if p["kyc"] and p["kyc"]["surname"] == "REJECT"
        )
        api.login(rita["email"], customers["password"])
        assert api.get("/v1/me/kyc")["case"]["status"] in ("pending", "rejected")
