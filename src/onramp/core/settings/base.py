"""Defaults every section shares: the repository's root, anvil's well-known development keys,
the sections' base model and whether this process runs in production."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict

# Anvil's well-known test accounts. Local chains only: real deployments configure their own
# deployer, and sign payouts with a key in the HSM (ChainSettings.signer = "hsm").
ANVIL_DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
ANVIL_PAYOUT_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
ANVIL_EXECUTOR_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6"

REPO_ROOT = Path(__file__).resolve().parents[4]


def running_in_production() -> bool:
    """``ONRAMP_ENV=production`` (``Settings.env``), read from the process environment."""
    return os.environ.get("ONRAMP_ENV", "").strip().lower() == "production"


class Section(BaseModel):
    """A settings section: unknown keys refused, frozen once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)
