"""IBANs of accounts no other test uses: the test stack is shared, and a well-known sample IBAN
that some test verified as a customer's account makes another test's credit from it match that
customer (the sender-account rule) instead of going where the test expects."""

from __future__ import annotations

import random


def fresh_iban() -> str:
    """A valid German IBAN (check digits computed) with a random account number."""
    bban = "37040044" + f"{random.randrange(10**10):010d}"  # noqa: S311 - not a secret
    digits = "".join(str(int(c, 36)) for c in bban + "DE00")
    return f"DE{98 - int(digits) % 97:02d}{bban}"
