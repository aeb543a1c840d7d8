"""Transaction processing: a verified customer quotes EUR 250 in USDC, orders it under an
Idempotency-Key (a retry after a lost answer gets the same order, never a second one), pays by
bank transfer, and follows the order from the deposit to the confirmed on-chain payout.

    .venv/bin/python examples/transaction_processing.py      # against a running `onramp dev`
"""

from __future__ import annotations

import uuid

from _stack import bank_transfer, follow, identity, say, signed_up, stack, verify_identity
from onramp_client import Client


def main() -> None:
    where = stack()
    with Client(where["api"]) as api:
        signed_up(api, where, name="Grace Hopper")
        verify_identity(api, identity("Hopper", "Grace"))

        quote = api.quote("250.00")
        say(
            f"quote        EUR {quote['source_amount']} -> {quote['target_amount']} USDC at "
            f"{quote['rate']}, fee EUR {quote['fee']}, firm until {quote['expires_at']}"
        )
        key = str(uuid.uuid4())  # stored before sending, so a retry is the same request
        order = api.create_order(quote, idempotency_key=key)
        again = api.create_order(quote, idempotency_key=key)
        assert again["id"] == order["id"], "a retried create must not make a second order"
        ins = order["deposit_instructions"]
        say(f"order        {order['id']} {order['state']} (the retry got the same order)")
        say(f"             pay {ins['currency']} {ins['amount']} to {ins['iban']}")
        say(f"             quoting the reference {ins['reference']}")

        transfer = bank_transfer(where, order, sender="Grace Hopper")
        say(f"bank         transfer {transfer['id']} booked; the bank notifies onramp")
        done = follow(api, order["id"])
        if done["state"] != "completed":
            raise SystemExit(f"order ended {done['state']}")
        payout = done["payout"]
        say(f"payout       {payout['amount']} USDC to {payout['to']}")
        say(f"             tx {payout['tx_hash']} in block {payout['block_number']}")

        mine = list(api.paginate("/v1/orders", limit=1))  # one page per order, to show paging
        say(f"history      {len(mine)} order(s): " + ", ".join(o["state"] for o in mine))


if __name__ == "__main__":
    main()
