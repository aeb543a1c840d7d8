"""What ``onramp dev`` keeps between two runs, and the check that it still fits together.

A kept state dir holds the PostgreSQL cluster (``pgdata/``), the JetStream store
(``jetstream/``), anvil's chain (``anvil/state.json``, dumped every few seconds and on stop),
the SoftHSM2 token with its PINs (``softhsm/``) and ``devstack.json``: the HSM keys' ids and
addresses, the contracts and Safes deployed on that chain. The next start reuses all of it
instead of deploying again, once it has checked that the keys are still in the token and the
contracts still have code: a database whose chain is gone is refused (``StateLost``), never
silently paired with a new one. ``--fresh`` (and ``onramp demo``, the test stack) wipe it all.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from web3 import Web3

from onramp.chain import Deployment, find_key
from onramp.core.keys import Hsm
from onramp.devstack.treasury_setup import TreasurySetup

STATE_FILE = "devstack.json"
CHAIN_FILE = Path("anvil") / "state.json"
# Everything a fresh start removes (logs, run/ and the bank's drop dir are not state).
KEPT = ("pgdata", "jetstream", "anvil-home", "anvil", "softhsm", "secrets.json", STATE_FILE)


class StateLost(RuntimeError):
    """The kept state does not fit together (a chain or key gone): start with ``--fresh``."""


@dataclass(frozen=True)
class SigningKey:
    key_id: str  # CKA_ID in the token, hex
    address: str


@dataclass(frozen=True)
class DevState:
    payout: SigningKey
    guardian: SigningKey
    custody: SigningKey
    executor: SigningKey
    deployment: Deployment
    treasury: TreasurySetup

    def keys(self) -> dict[str, SigningKey]:
        return {
            "payout": self.payout,
            "guardian": self.guardian,
            "custody": self.custody,
            "executor": self.executor,
        }


def chain_file(state_dir: Path) -> Path:
    path = state_dir / CHAIN_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def wipe(state_dir: Path) -> None:
    for name in KEPT:
        path = state_dir / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def load(state_dir: Path) -> DevState | None:
    """The kept state, or None when there is none (first start, or after a fresh one)."""
    try:
        raw: dict[str, Any] = json.loads((state_dir / STATE_FILE).read_text())
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise StateLost(f"{state_dir / STATE_FILE} is unreadable ({exc})") from None
    try:
        keys = {name: SigningKey(**raw["keys"][name]) for name in _KEY_NAMES}
        return DevState(
            **keys,
            deployment=Deployment(**raw["deployment"]),
            treasury=TreasurySetup(**raw["treasury"]),
        )
    except (KeyError, TypeError) as exc:  # written by another version of the stack
        raise StateLost(f"{state_dir / STATE_FILE} does not say {exc}") from None


_KEY_NAMES = ("payout", "guardian", "custody", "executor")


def save(state_dir: Path, state: DevState) -> None:
    """Written last at a first start: without it the next start begins afresh."""
    body = {
        "keys": {name: dataclasses.asdict(key) for name, key in state.keys().items()},
        "deployment": dataclasses.asdict(state.deployment),
        "treasury": dataclasses.asdict(state.treasury),
    }
    path = state_dir / STATE_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, indent=2) + "\n")
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    tmp.replace(path)


def check_files(state_dir: Path) -> None:
    """Before starting anything: the database and the chain a kept state names are there."""
    if not (state_dir / "pgdata" / "PG_VERSION").is_file():
        raise StateLost(f"the kept database ({state_dir / 'pgdata'}) is gone")
    if not (state_dir / CHAIN_FILE).is_file():
        raise StateLost(f"the kept chain ({state_dir / CHAIN_FILE}) is gone")


def check(state: DevState, hsm: Hsm, rpc_url: str) -> int:
    """Every kept key is in the token with its address, every kept contract has code on the
    chain; returns the chain's block number. ``StateLost`` says what is missing."""
    for name, key in state.keys().items():
        try:
            address = find_key(hsm, key.key_id)
        except Exception as exc:  # noqa: BLE001 - any failure to find it means the same
            raise StateLost(f"the {name} key {key.key_id} is not in the HSM token: {exc}") from None
        if address.lower() != key.address.lower():
            raise StateLost(f"the {name} key {key.key_id} now has address {address}")
    w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": 10}))
    contracts = {
        "TestUSDC": state.deployment.usdc,
        "TreasuryVault": state.deployment.vault,
        "UserWalletFactory": state.deployment.wallet_factory,
        "cold Safe": state.treasury.cold_safe,
        "warm Safe": state.treasury.warm_safe,
    }
    for name, address in contracts.items():
        if not w3.eth.get_code(Web3.to_checksum_address(address)):
            raise StateLost(f"the chain has no {name} at {address} (its state was lost)")
    return int(w3.eth.block_number)
