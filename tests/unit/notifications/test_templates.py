from __future__ import annotations

from datetime import timedelta

import pytest

from onramp.notifications.service import backoff
from onramp.notifications.templates import TEMPLATES, render


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_renders_with_its_parameters(template: str) -> None:
    params = {"name": "Ada", "link": "https://x/y?token=t", "expires_at": "e", "at": "a"}
    # An order's emails (orders/customer_emails.py fills these).
    order = {"order": "01a2b3c4", "amount": "40.00 EUR", "usdc": "43.79", "address": "0xab"}
    order |= {"reference": "RF18 5390", "tx_hash": "0x12", "holder": "onramp", "pay_to": "IBAN"}
    webhook = {"url": "https://example.com/hook", "since": "2026-12-06T10:00:00+00:00"}
    subject, body = render(template, params | order | webhook | {"new_email": "n@example.com"})
    assert subject
    assert body.startswith("Hello Ada")


def test_a_missing_parameter_is_an_error_not_a_blank() -> None:
    with pytest.raises(KeyError):
        render("verify_email", {"name": "Ada"})


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert backoff(30) == timedelta(hours=1)
