"""The vendor input rule: what a bank, KYC vendor or issuer sends is checked like a request
before any model reads it, and every model of the vendor adapters bounds what it reads."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from pydantic import BaseModel

import onramp
from onramp.core.errors import InvalidInput
from onramp.core.vendor_payloads import (
    MAX_DEPTH,
    MAX_ITEMS,
    MAX_STRING,
    MalformedVendorPayload,
    check_vendor_json,
    load_vendor_json,
)
from tests.unit.api.test_request_bounds import unbounded


def test_an_ordinary_document_passes_as_it_came() -> None:
    document = {"id": "evt_1", "data": {"note": "two\tcolumns\r\nand lines", "n": [1, 2.5, None]}}

    assert load_vendor_json(orjson.dumps(document)) == document


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b'{"data": {"sender_name": "A\\u0000B"}}', r"\$\.data\.sender_name"),
        (b'{"data": {"na\\u0000me": "B"}}', r"\$\.data \(a key\)"),
        (b'{"rows": ["ok", "\\u001b[2J"]}', r"\$\.rows\[1\]"),
        (b'{"x": "\\u0085"}', r"\$\.x"),
        (b'{"x": "\\ud800"}', "not JSON"),
        (b"{not json", "not JSON"),
    ],
    ids=["NUL", "NUL in a key", "escape in a list", "C1 control", "lone surrogate", "not JSON"],
)
def test_a_document_outside_the_rule_is_refused_naming_where(body: bytes, where: str) -> None:
    with pytest.raises(MalformedVendorPayload, match=where) as caught:
        load_vendor_json(body)

    assert isinstance(caught.value, InvalidInput)
    assert caught.value.code == "malformed_vendor_payload"


def test_depth_strings_and_collections_are_bounded() -> None:
    deep: Any = "leaf"
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    for document in (deep, "x" * (MAX_STRING + 1), list(range(MAX_ITEMS + 1))):
        with pytest.raises(MalformedVendorPayload):
            check_vendor_json(document)
    check_vendor_json("x" * MAX_STRING)
    check_vendor_json(list(range(MAX_ITEMS)))


def _vendor_modules() -> Iterator[str]:
    """Every module of an ``adapters`` package, and the issuer's adapters."""
    for found in pkgutil.walk_packages(onramp.__path__, "onramp."):
        if ".adapters." in found.name or found.name == "onramp.treasury.issuer.circle_documents":
            yield found.name


def _models() -> list[type[BaseModel]]:
    models = []
    for name in _vendor_modules():
        module = importlib.import_module(name)
        models += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, BaseModel)
            and value.__module__ == name
            and value.model_fields
        ]
    return models


MODELS = _models()
RAW_DOCUMENT = "dict[str, typing.Any] is not a type this test knows how to bound"


def test_the_walk_finds_the_vendor_models() -> None:
    names = {f"{m.__module__}.{m.__name__}" for m in MODELS}
    assert {
        "onramp.banking.adapters.sandbox._CreditData",
        "onramp.kyc.adapters.sandbox._Reviewed",
        "onramp.treasury.issuer.circle_documents.Notification",
    } <= names


@pytest.mark.parametrize("model", MODELS, ids=[m.__qualname__ for m in MODELS])
def test_every_field_a_vendor_model_reads_is_bounded(model: type[BaseModel]) -> None:
    missing = [
        message
        for message in unbounded("body", model, [])
        # A raw sub-document, read by a model of its own: the load rule bounds it.
        if not message.endswith(RAW_DOCUMENT)
    ]
    assert not missing, "\n".join(missing)
