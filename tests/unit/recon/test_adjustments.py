"""An adjusting entry's other side is the break's own account: the bank's for a bank or ledger
break, the wallet's ``chain:`` account for a chain break (whose "bank" is the wallet)."""

from __future__ import annotations

import pytest

from onramp.recon.adjustments import Adjustment, _draft
from onramp.recon.errors import AdjustmentInvalid
from onramp.recon.models import ReconBreak


def _break(source: str, bank: str) -> ReconBreak:
    return ReconBreak(source=source, bank=bank, amount=5, currency="USDC")


def test_a_chain_break_adjusts_the_wallets_chain_account() -> None:
    draft = _draft(_break("chain", "vault"), Adjustment("fx:USDC", "1.5", "USDC", "debit"))
    assert {(leg.account, leg.amount.minor) for leg in draft.legs} == {
        ("fx:USDC", 1_500_000),
        ("chain:vault:USDC", -1_500_000),
    }


def test_a_bank_break_adjusts_the_banks_account() -> None:
    draft = _draft(_break("bank", "sandbox"), Adjustment("suspense:EUR", "2", "EUR", "credit"))
    assert {leg.account for leg in draft.legs} == {"bank:sandbox:EUR", "suspense:EUR"}


def test_the_wallets_own_account_is_refused_as_the_other_side() -> None:
    with pytest.raises(AdjustmentInvalid):
        _draft(_break("chain", "vault"), Adjustment("chain:vault:USDC", "1", "USDC", "debit"))
