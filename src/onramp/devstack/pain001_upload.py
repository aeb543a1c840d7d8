"""What the bank sandbox does with an uploaded pain.001: check it against the ISO 20022 schema
(the XSDs ``sepaxml`` bundles), then read its credit transfers. Parsing goes through
``defusedxml``: an upload is untrusted input."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

import sepaxml
from defusedxml.ElementTree import (  # type: ignore[import-untyped, unused-ignore]
    fromstring as safe_fromstring,
)

SCHEMAS = ("pain.001.001.03", "pain.001.001.09")
_NS_PREFIX = "urn:iso:std:iso:20022:tech:xsd:"


class Pain001Rejected(ValueError):
    """The file is not a schema-valid pain.001 of a supported version."""


@dataclass(frozen=True)
class UploadedTransfer:
    end_to_end_id: str
    amount: str
    currency: str
    creditor_name: str
    creditor_iban: str
    remittance: str


@dataclass(frozen=True)
class Pain001Upload:
    message_id: str
    schema: str
    transfers: list[UploadedTransfer]


def schema_path(schema: str) -> Path:
    return Path(sepaxml.__file__).resolve().parent / "schemas" / f"{schema}.xsd"


def validate(xml: bytes, schema: str) -> None:
    import xmlschema  # imported late, as sepaxml does: it patches ElementTree on import

    try:
        xmlschema.XMLSchema(schema_path(schema)).validate(xml.decode("utf-8"))
    except (xmlschema.XMLSchemaValidationError, UnicodeDecodeError) as exc:
        raise Pain001Rejected(f"not schema-valid {schema}: {str(exc)[:300]}") from exc


def parse_pain001(xml: bytes) -> Pain001Upload:
    try:
        root: Element = safe_fromstring(xml)
    except Exception as exc:  # defusedxml raises ParseError and its own refusals
        raise Pain001Rejected(f"not XML: {type(exc).__name__}") from exc
    namespace = root.tag.partition("}")[0].lstrip("{")
    schema = namespace.removeprefix(_NS_PREFIX)
    if schema not in SCHEMAS:
        raise Pain001Rejected(f"unsupported document {namespace!r}")
    validate(xml, schema)
    ns = {"p": namespace}

    def text(node: Element, path: str) -> str:
        found = node.find(path, ns)
        return (found.text or "") if found is not None else ""

    transfers = []
    for tx in root.iterfind(".//p:CdtTrfTxInf", ns):
        amount = tx.find("p:Amt/p:InstdAmt", ns)
        assert amount is not None  # the schema requires it
        transfers.append(
            UploadedTransfer(
                end_to_end_id=text(tx, "p:PmtId/p:EndToEndId"),
                amount=amount.text or "",
                currency=amount.get("Ccy", ""),
                creditor_name=text(tx, "p:Cdtr/p:Nm"),
                creditor_iban=text(tx, "p:CdtrAcct/p:Id/p:IBAN"),
                remittance=text(tx, "p:RmtInf/p:Ustrd") or "NOTPROVIDED",
            )
        )
    return Pain001Upload(
        message_id=text(root, "p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId"),
        schema=schema,
        transfers=transfers,
    )
