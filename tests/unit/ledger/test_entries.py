"""Journal entry drafts and account codes: checked before anything reaches the database."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onramp.core.errors import InvalidInput, InvariantViolated
from onramp.core.money import Money, UnknownCurrency
from onramp.ledger.accounts import (
    bank_account,
    chain_account,
    customer_account,
    expense_account,
    fees_account,
    fx_account,
    parse_account_code,
    rounding_account,
    spread_account,
    suspense_account,
    transit_account,
)
from onramp.ledger.errors import InvalidAccountCode, UnbalancedEntry
from onramp.ledger.models import AccountKind
from onramp.ledger.service import EntryDraft, Leg, credit, debit, entry

CUSTOMER = uuid.UUID("0190f3c2-7b1e-7c3a-9d2e-5f4a3b2c1d0e")


def eur(amount: str) -> Money:
    return Money.parse(amount, "EUR")


def usdc(amount: str) -> Money:
    return Money.parse(amount, "USDC")


def unbalanced(draft: EntryDraft) -> UnbalancedEntry:
    with pytest.raises(UnbalancedEntry) as info:
        draft.check()
    assert info.value.code == "ledger_entry_unbalanced"
    assert isinstance(info.value, InvariantViolated)
    return info.value


def test_debit_and_credit_signs() -> None:
    assert debit("bank:sandbox:EUR", eur("10.00")) == Leg("bank:sandbox:EUR", eur("10.00"))
    assert credit("suspense:EUR", eur("10.00")) == Leg("suspense:EUR", Money(-1000, "EUR"))


@pytest.mark.parametrize("make", [debit, credit])
@pytest.mark.parametrize("amount", [Money(0, "EUR"), Money(-1, "EUR"), Money(-100000, "EUR")])
def test_debit_credit_reject_zero_and_negative(
    make: Callable[[str, Money], Leg], amount: Money
) -> None:
    with pytest.raises(UnbalancedEntry):
        make("bank:sandbox:EUR", amount)


def test_simple_deposit_entry_balances() -> None:
    draft = entry(
        "deposit",
        "dep-1",
        debit("bank:sandbox:EUR", eur("1000.00")),
        credit(customer_account(CUSTOMER, "EUR"), eur("1000.00")),
    )
    assert draft == EntryDraft("deposit", "dep-1", draft.legs)
    assert len(draft.legs) == 2
    draft.check()


def test_balanced_multi_currency_conversion_passes() -> None:
    draft = entry(
        "conversion",
        "order-1",
        debit(customer_account(CUSTOMER, "EUR"), eur("1000.00")),
        credit(fees_account("EUR"), eur("5.00")),
        credit(fx_account("EUR"), eur("995.00")),
        debit(fx_account("USDC"), usdc("1117.334852")),
        credit(customer_account(CUSTOMER, "USDC"), usdc("1117.334852")),
    )
    draft.check()


def test_unbalanced_single_currency() -> None:
    draft = entry(
        "deposit",
        "dep-2",
        debit("bank:sandbox:EUR", eur("1000.00")),
        credit("suspense:EUR", eur("999.99")),
    )
    error = unbalanced(draft)
    assert "dep-2" in error.detail


def test_unbalanced_per_currency_even_if_grand_total_is_zero() -> None:
    # +1.00 EUR (100 minor) and -0.000100 USDC (100 minor): sums to zero only if currencies mix
    draft = entry(
        "conversion",
        "order-2",
        debit("fx:EUR", eur("1.00")),
        credit("fx:USDC", usdc("0.000100")),
    )
    assert sum(leg.amount.minor for leg in draft.legs) == 0
    unbalanced(draft)


def test_one_currency_balanced_other_not() -> None:
    draft = entry(
        "conversion",
        "order-3",
        debit("fx:EUR", eur("1.00")),
        credit("fees:EUR", eur("1.00")),
        debit("fx:USDC", usdc("1.000000")),
        credit("chain:vault:USDC", usdc("0.999999")),
    )
    unbalanced(draft)


def test_leg_currency_must_match_account_currency() -> None:
    draft = entry(
        "deposit",
        "dep-3",
        debit("bank:sandbox:EUR", Money.parse("10.00", "USD")),
        credit("suspense:USD", Money.parse("10.00", "USD")),
    )
    error = unbalanced(draft)
    assert "bank:sandbox:EUR" in error.detail


@pytest.mark.parametrize("legs", [(), (Leg("bank:sandbox:EUR", Money(0, "EUR")),)])
def test_entries_need_two_legs(legs: tuple[Leg, ...]) -> None:
    unbalanced(EntryDraft("deposit", "dep-4", legs))


def test_single_leg_rejected_even_when_built_with_entry() -> None:
    unbalanced(entry("deposit", "dep-5", debit("bank:sandbox:EUR", eur("1.00"))))


def test_zero_leg_rejected() -> None:
    draft = EntryDraft(
        "deposit",
        "dep-6",
        (
            Leg("bank:sandbox:EUR", eur("1.00")),
            Leg("suspense:EUR", Money(-100, "EUR")),
            Leg("fees:EUR", Money(0, "EUR")),
        ),
    )
    unbalanced(draft)


def test_invalid_account_code_in_a_leg_is_rejected() -> None:
    draft = entry(
        "deposit", "dep-7", debit("cash:EUR", eur("1.00")), credit("fees:EUR", eur("1.00"))
    )
    with pytest.raises(InvalidAccountCode):
        draft.check()


@given(st.lists(st.integers(min_value=1, max_value=10**12), min_size=1, max_size=8))
def test_any_split_of_a_debit_balances(parts: list[int]) -> None:
    legs = [debit("bank:sandbox:EUR", Money(sum(parts), "EUR"))]
    legs += [credit(f"customer:c{i}:EUR", Money(p, "EUR")) for i, p in enumerate(parts)]
    entry("deposit", "split", *legs).check()
    legs[0] = debit("bank:sandbox:EUR", Money(sum(parts) + 1, "EUR"))
    unbalanced(entry("deposit", "split", *legs))


@pytest.mark.parametrize(
    ("code", "kind", "currency"),
    [
        ("bank:sandbox:EUR", AccountKind.ASSET, "EUR"),
        (bank_account("sandbox", "GBP"), AccountKind.ASSET, "GBP"),
        ("chain:vault:USDC", AccountKind.ASSET, "USDC"),
        (chain_account("hot-wallet_1.a"), AccountKind.ASSET, "USDC"),
        (f"customer:{CUSTOMER}:EUR", AccountKind.LIABILITY, "EUR"),
        (customer_account(CUSTOMER, "USDC"), AccountKind.LIABILITY, "USDC"),
        ("suspense:EUR", AccountKind.LIABILITY, "EUR"),
        (suspense_account("JPY"), AccountKind.LIABILITY, "JPY"),
        ("fees:EUR", AccountKind.REVENUE, "EUR"),
        (fees_account("USD"), AccountKind.REVENUE, "USD"),
        ("fx:USDC", AccountKind.FX_POSITION, "USDC"),
        (fx_account("EUR"), AccountKind.FX_POSITION, "EUR"),
    ],
)
def test_valid_account_codes(code: str, kind: AccountKind, currency: str) -> None:
    assert parse_account_code(code) == (kind, currency)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "cash:EUR",  # unknown class
        "BANK:sandbox:EUR",  # class is case-sensitive
        "bank:EUR",  # too few segments
        "bank:sandbox:extra:EUR",  # too many
        "suspense:x:EUR",
        "fees:EUR:EUR",
        "bank::EUR",  # empty segment
        "bank:Sandbox:EUR",  # upper-case segment
        f"customer:{str(CUSTOMER).upper()}:EUR",
        "bank:-sandbox:EUR",  # must start alphanumeric
        "bank:sand box:EUR",
        "bank:" + "a" * 101 + ":EUR",  # segment too long
    ],
)
def test_invalid_account_codes(code: str) -> None:
    with pytest.raises(InvalidAccountCode) as info:
        parse_account_code(code)
    assert info.value.code == "ledger_account_code_invalid"
    assert isinstance(info.value, InvalidInput)


def test_longest_segment_is_accepted() -> None:
    assert parse_account_code("bank:" + "a" * 100 + ":EUR")[1] == "EUR"


@pytest.mark.parametrize("code", ["bank:sandbox:XXX", "fees:eur", "suspense:", "fx:BTC"])
def test_unknown_currency_in_account_code(code: str) -> None:
    with pytest.raises(UnknownCurrency):
        parse_account_code(code)


def test_segment_with_trailing_newline_is_rejected() -> None:
    with pytest.raises(InvalidAccountCode):
        parse_account_code("bank:sandbox\n:EUR")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (spread_account("EUR"), "revenue"),
        (rounding_account("USDC"), "revenue"),
        (expense_account("micro_deposits", "EUR"), "expense"),
        (transit_account("refunds", "USD"), "liability"),
    ],
)
def test_every_account_helper_makes_a_code_of_its_kind(code: str, kind: str) -> None:
    parsed_kind, currency = parse_account_code(code)
    assert parsed_kind.value == kind
    assert currency == code.rsplit(":", 1)[1]
