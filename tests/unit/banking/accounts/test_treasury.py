"""Where customers send each currency: the configured treasury accounts, validated."""

from __future__ import annotations

import pytest

from onramp.banking.accounts.treasury import (
    TreasuryAccountInvalid,
    check_treasury_accounts,
    treasury_account,
)
from onramp.core.settings import BankingSettings, TreasuryAccountSettings


def test_each_currency_has_its_account_and_the_rest_use_the_main_iban() -> None:
    settings = BankingSettings()
    check_treasury_accounts(settings)
    eur, gbp, usd, jpy = (treasury_account(settings, c) for c in ("EUR", "GBP", "USD", "JPY"))
    assert (eur.scheme, eur.iban, eur.bic) == ("iban", settings.treasury_iban, "COBADEFFXXX")
    assert (gbp.scheme, gbp.iban) == ("iban", "GB29NWBK60161331926819")
    assert (usd.scheme, usd.routing_number, usd.account_number, usd.iban) == (
        "us_aba",
        "021000021",
        "000123456789",
        None,
    )
    assert jpy == eur  # paid by SWIFT into the multi-currency account


@pytest.mark.parametrize(
    "account",
    [
        TreasuryAccountSettings(currencies=frozenset({"GBP"}), iban="GB29NWBK60161331926818"),
        TreasuryAccountSettings(
            currencies=frozenset({"USD"}), routing_number="021000022", account_number="1"
        ),
        TreasuryAccountSettings(currencies=frozenset({"CHF"})),
    ],
)
def test_a_bad_account_is_refused_at_start(account: TreasuryAccountSettings) -> None:
    with pytest.raises(TreasuryAccountInvalid) as refused:
        check_treasury_accounts(BankingSettings(treasury_accounts=(account,)))
    assert next(iter(account.currencies)) in refused.value.detail


def test_a_currency_on_two_accounts_is_refused() -> None:
    twice = (
        TreasuryAccountSettings(currencies=frozenset({"GBP"}), iban="GB29NWBK60161331926819"),
        TreasuryAccountSettings(currencies=frozenset({"GBP", "CHF"}), iban="CH9300762011623852957"),
    )
    with pytest.raises(TreasuryAccountInvalid, match="GBP"):
        check_treasury_accounts(BankingSettings(treasury_accounts=twice))
