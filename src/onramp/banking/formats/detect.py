"""Which format a bank file is in, from its content (names and extensions lie), and the file
read into the common statement shape."""

from __future__ import annotations

import re
from enum import StrEnum

from onramp.banking.formats.bai2 import parse_bai2
from onramp.banking.formats.camt import parse_camt
from onramp.banking.formats.camt_statement import camt_statement
from onramp.banking.formats.mt940 import parse_mt940
from onramp.banking.formats.statement import Statement, StatementFileUnknown


class FileKind(StrEnum):
    CAMT = "camt"  # camt.052, camt.053 or camt.054: the document says which
    MT940 = "mt940"
    BAI2 = "bai2"


_MT940_TAG = re.compile(rb"^:(?:20|25|28C?|60[FM]|61|62[FM]):", re.MULTILINE)
_CAMT_BODY = re.compile(rb"<(?:\w+:)?BkToCstmr(?:AcctRpt|Stmt|DbtCdtNtfctn)\b")


def detect_format(data: bytes) -> FileKind:
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<"):
        if _CAMT_BODY.search(head[:4096]):
            return FileKind.CAMT
        raise StatementFileUnknown("an XML document, but not a camt.052, camt.053 or camt.054")
    if head.startswith(b"01,"):
        return FileKind.BAI2
    tags = {m.group(0) for m in _MT940_TAG.finditer(head)}
    if b":20:" in tags and (b":61:" in tags or any(t.startswith(b":60") for t in tags)):
        return FileKind.MT940
    raise StatementFileUnknown(
        "expected camt XML (BkToCstmr…), MT940 (:20: and :60F:/:61: lines) or BAI2 (01, header)"
    )


def parse_statement(data: bytes) -> Statement:
    """The file's entries in the common shape; raises the format's ``*_invalid`` error, or
    ``bank_file_format_unknown``."""
    kind = detect_format(data)
    if kind is FileKind.CAMT:
        return camt_statement(parse_camt(data))
    if kind is FileKind.MT940:
        return parse_mt940(data)
    return parse_bai2(data)
