"""What a vendor sends is input too: one rule for the JSON of its webhooks and its answers.

A bank's, KYC vendor's or issuer's payload reaches PostgreSQL: the raw notification is kept as
jsonb and its fields go to text columns. PostgreSQL refuses NUL in both, and a string longer than
its column is a DataError, so either one in a signed webhook was a 500, retried by the vendor for
as long as it retries. The rule, before any model reads the payload: every key and string obeys
the request rule of ``core/request_fields.py`` (no control character but tab and line breaks, no
lone surrogate), and the document's depth, strings and collections are bounded. The typed models
then bound each field they read to its column (tests/unit/core/test_vendor_payloads.py walks every
model of the vendor adapters, as tests/unit/api/test_request_bounds.py walks the routes).
"""

from __future__ import annotations

from typing import Any

import orjson

from onramp.core.errors import InvalidInput
from onramp.core.request_fields import Printable

# Far beyond any real vendor document (the sandbox and Circle's are 3 to 4 levels, strings of
# at most a few hundred characters, lists of a page of rows), far below what costs memory.
MAX_DEPTH = 16
MAX_STRING = 10_000
MAX_ITEMS = 10_000
_TEXT = Printable(multiline=True)


class MalformedVendorPayload(InvalidInput):
    code = "malformed_vendor_payload"
    title = "Malformed vendor payload"


def load_vendor_json(body: bytes) -> Any:
    """``body`` parsed, or :class:`MalformedVendorPayload` (an :class:`InvalidInput`)."""
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MalformedVendorPayload(f"not JSON: {exc}") from exc
    check_vendor_json(value)
    return value


def check_vendor_json(value: Any, path: str = "$", depth: int = 0) -> None:
    """Refuse a document outside the rule, naming where (``$.data.sender_name``)."""
    if depth > MAX_DEPTH:
        raise MalformedVendorPayload(f"{path}: nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        _check_text(value, path)
    elif isinstance(value, dict):
        _check_size(value, path)
        for key, item in value.items():
            _check_text(key, f"{path} (a key)")
            check_vendor_json(item, f"{path}.{key[:40]}", depth + 1)
    elif isinstance(value, list):
        _check_size(value, path)
        for index, item in enumerate(value):
            check_vendor_json(item, f"{path}[{index}]", depth + 1)


def _check_text(value: str, path: str) -> None:
    if len(value) > MAX_STRING:
        raise MalformedVendorPayload(f"{path}: a string longer than {MAX_STRING} characters")
    try:
        _TEXT.check(value)
    except ValueError as exc:
        raise MalformedVendorPayload(f"{path}: {exc}") from exc


def _check_size(value: dict[str, Any] | list[Any], path: str) -> None:
    if len(value) > MAX_ITEMS:
        raise MalformedVendorPayload(f"{path}: more than {MAX_ITEMS} items")
