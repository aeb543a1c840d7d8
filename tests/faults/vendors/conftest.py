"""Vendor fault tests: the stack's bank, KYC and issuer sandboxes misbehave for the test (their
failure injection, ``sandbox_kit/faults.py``, switched on at ``PUT /_faults``) and are mended
afterwards. Each test ends with the money checker (``onramp check``) over what it made."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from onramp.devstack.stack import Stack
from tests.e2e.conftest import (  # noqa: F401 - the e2e fixtures, shared
    bank,
    customer,
    second_treasurer,
    treasurer,
)


class VendorFaults:
    """The stack's three sandboxes' ``/_faults``, by vendor: ``bank``, ``kyc``, ``issuer``."""

    def __init__(self, stack: Stack, client: httpx.AsyncClient) -> None:
        assert stack.bank is not None
        assert stack.kyc is not None
        assert stack.issuer is not None
        self.urls = {"bank": stack.bank.url, "kyc": stack.kyc.url, "issuer": stack.issuer.url}
        self._client = client

    async def set(self, vendor: str, **settings: Any) -> dict[str, Any]:
        """Switch ``vendor``'s faults to ``settings`` (unnamed ones off); what it now does."""
        answer = await self._client.put(f"{self.urls[vendor]}/_faults", json=settings)
        assert answer.status_code == 200, answer.text
        view: dict[str, Any] = answer.json()
        return view

    async def done(self, vendor: str) -> dict[str, int]:
        """What ``vendor``'s faults did since they were last set."""
        done: dict[str, int] = (await self._client.get(f"{self.urls[vendor]}/_faults")).json()[
            "done"
        ]
        return done

    async def clear(self) -> None:
        for url in self.urls.values():
            answer = await self._client.delete(f"{url}/_faults")
            assert answer.status_code == 200, answer.text


@pytest.fixture
async def vendor_faults(stack: Stack) -> AsyncIterator[VendorFaults]:
    """The sandboxes' faults, all off again after the test whatever it left on."""
    async with httpx.AsyncClient(timeout=10.0) as client:
        faults = VendorFaults(stack, client)
        await faults.clear()
        try:
            yield faults
        finally:
            await faults.clear()


@pytest.fixture(autouse=True)
def _money_checked(money_checked: None) -> None:
    """After the test: the money checker (tests/conftest.py's ``money_checked``: the test is held
    to the invariants that held before it, on orders, deposits and payout events since)."""
