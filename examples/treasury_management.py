"""Treasury management, as two treasurers do it: a refill of the hot vault from the warm Safe,
proposed by one treasurer, signed (EIP-712, each with their own Safe owner key) by two, then
executed through the Safe by the treasury worker — the vault and the books both gain it.

    .venv/bin/onramp samples load                        # once: the sample treasurers
    .venv/bin/python examples/treasury_management.py     # against a running `onramp dev`

A treasurer's first signature binds their key to them (each key is one person's): the sample
treasurers sign with the dev stack's demo owner keys named in samples/users/staff.json.
"""

from __future__ import annotations

import json
import time
from typing import Any

from eth_account import Account

from _stack import ROOT, say, stack
from onramp_client import JSON, ApiError, Authenticator, Client

REFILL = "1000"  # USDC, from the warm Safe to the vault
DONE = {"executed", "failed", "cancelled"}


def signed_in(where: dict[str, Any], person: JSON, password: str) -> Client:
    api = Client(where["api"])
    try:
        api.login(person["email"], password, totp=Authenticator(person["totp_secret"]))
    except ApiError as error:
        api.close()
        raise SystemExit(f"{error.code}: run `.venv/bin/onramp samples load` first") from error
    say(f"signed in    as {person['email']} (treasurer)")
    return api


def signature(key: str, typed_data: JSON) -> str:
    """The owner's EIP-712 signature over the Safe transaction (what a hardware wallet does)."""
    signed = Account.sign_typed_data(key, full_message=typed_data)
    return "0x" + bytes(signed.signature).hex()


def vault(api: Client) -> JSON:
    wallets: list[JSON] = api.get("/v1/admin/treasury/wallets")["data"]
    return next(w for w in wallets if w["name"] == "vault")


def settled(api: Client, path: str, timeout: float = 60.0) -> JSON:
    deadline = time.monotonic() + timeout
    while (proposal := api.get(path))["status"] not in DONE:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} is still {proposal['status']}")
        time.sleep(0.3)
    done: JSON = proposal
    return done


def main() -> None:
    where = stack()
    staff = json.loads((ROOT / "samples" / "users" / "staff.json").read_text())
    first, second = (p for p in staff["staff"] if p["role"] == "treasurer")
    with (
        signed_in(where, first, staff["password"]) as tara,
        signed_in(where, second, staff["password"]) as theo,
    ):
        before = vault(tara)
        say(f"vault        {before['balance']} USDC ({before['state']})")
        refill = {
            "kind": "refill",
            "source": "warm",
            "destination": "vault",
            "amount": REFILL,
            "reason": "examples/treasury_management.py",
        }
        try:
            proposal = tara.post("/v1/admin/treasury/proposals", refill)
        except ApiError as error:  # proposal_already_open: sign that one in the back office
            raise SystemExit(str(error)) from error
        path = f"/v1/admin/treasury/proposals/{proposal['id']}"
        say(
            f"proposed     {proposal['kind']} of {proposal['amount']} USDC from "
            f"{proposal['source']} to {proposal['destination']} "
            f"(Safe {proposal['safe']}, {proposal['threshold']} signatures needed)"
        )
        try:
            for api, person in ((tara, first), (theo, second)):
                owner = Account.from_key(person["safe_owner_key"]).address
                signed = api.post(
                    f"{path}/signatures",
                    {"signature": signature(person["safe_owner_key"], proposal["typed_data"])},
                )
                say(f"signed       by {person['email']} with owner {owner}: {signed['status']}")
        except ApiError as error:
            tara.post(f"{path}/cancel")  # left open, it would block the next refill
            raise SystemExit(f"{error} (the proposal is cancelled)") from error

        done = settled(tara, path)
        if done["status"] != "executed":
            raise SystemExit(f"the proposal {done['status']}: {done['failure']}")
        say(f"executed     transaction {done['exec_tx_hash']}")
        after = vault(tara)
        say(f"vault        {after['balance']} USDC ({after['state']})")
    say("treasury     done")


if __name__ == "__main__":
    main()
