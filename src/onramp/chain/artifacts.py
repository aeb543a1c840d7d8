"""Compiled contracts (ABI + bytecode), committed under ``contracts/artifacts``."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

from onramp.core.settings import REPO_ROOT

ARTIFACTS_DIR = REPO_ROOT / "contracts" / "artifacts"


@dataclass(frozen=True)
class Artifact:
    name: str
    abi: list[dict[str, Any]]
    bytecode: bytes
    deployed_bytecode: bytes


@functools.cache
def load_artifact(name: str, directory: Path = ARTIFACTS_DIR) -> Artifact:
    raw = json.loads((directory / f"{name}.json").read_text())
    return Artifact(
        name=raw["contractName"],
        abi=raw["abi"],
        bytecode=bytes.fromhex(raw["bytecode"].removeprefix("0x")),
        deployed_bytecode=bytes.fromhex(raw["deployedBytecode"].removeprefix("0x")),
    )


def selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def topic(signature: str) -> bytes:
    return keccak(text=signature)
