"""The back office's customer and order templates show what support acts on: the hold and the
form that lifts it (with its CSRF token and a required reason), amounts with their currency's
decimals, a request waiting for a second person instead of the forms that would start another,
and filters kept in the next page's and the CSV's links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from onramp.kyc import KycDecisionOut
from onramp.web.admin.orders import Filters
from onramp.web.rendering import _ENV
from tests.unit.web.support_pages import support_context


def _render(template: str, **changes: Any) -> str:
    context = {
        "request": None, "path": "/admin", "principal": None, "csrf": "tok", "error": None,
        **support_context(), **changes,
    }  # fmt: skip
    return _ENV.get_template(template).render(**context)


def test_a_frozen_customer_shows_the_hold_and_the_form_that_lifts_it() -> None:
    html = _render("admin/customer.html")
    assert "a stolen login" in html
    assert 'action="/admin/customers/' in html
    assert '/unfreeze"' in html
    assert 'name="csrf_token" value="tok"' in html
    assert 'name="reason" rows="2" required' in html
    assert "1000.00 EUR" in html
    assert "270.123456 USDC" in html


def test_a_reader_gets_no_hold_form() -> None:
    html = _render("admin/customer.html", may_hold=False)
    assert "/unfreeze" not in html
    assert "a stolen login" in html


def test_a_pending_request_replaces_the_staff_actions() -> None:
    html = _render("admin/order.html")
    assert "Waiting for a second person" in html
    assert "retry-payout" not in html
    started = _render("admin/order.html", order=support_context()["order"].model_copy(
        update={"pending_action": None}
    ))  # fmt: skip
    assert 'action="/admin/orders/' in started
    assert "/retry-payout" in started
    assert "/refund" in started
    assert "bank:sandbox:EUR" in html
    assert "-250.00 EUR" in html


def test_filters_are_kept_in_the_next_page_and_the_csv() -> None:
    filters = Filters(state="failed", amount_min="10.00", currency="EUR")
    html = _render("admin/orders.html", filters=filters)
    assert "/admin/orders/export.csv?state=failed&amp;amount_min=10.00&amp;currency=EUR" in html
    assert "cursor=abc" in html


def test_the_customer_page_shows_every_kyc_case_and_decision_newest_first() -> None:
    context = support_context()
    at = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    decisions = [
        KycDecisionOut(case_id=context["file"].customer.id, at=at - timedelta(hours=h),
                       action=action, by="kyc_vendor:sandbox", verdict=verdict,
                       reasons=reasons, tier_granted=None)
        for h, action, verdict, reasons in (
            (0, "kyc.case_approved", "approved", []),
            (1, "kyc.case_needs_more_info", "needs_more_info", ["document_unreadable"]),
            (2, "kyc.case_submitted", None, []),
        )
    ]  # fmt: skip
    file = context["file"].model_copy(update={"kyc_decisions": decisions})
    html = _render("admin/customer.html", file=file)
    assert 'id="kyc-decisions"' in html
    shown = [html.index(a) for a in ("kyc.case_approved", "kyc.case_needs_more_info",
                                     "kyc.case_submitted")]  # fmt: skip
    assert shown == sorted(shown)  # newest first
    assert "document_unreadable" in html
