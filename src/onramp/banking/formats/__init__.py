"""Bank file formats: what banks send about the operator's accounts, parsed into plain entries
(pure: no I/O beyond reading the bytes given), and every format in one statement shape."""

from onramp.banking.formats.camt import CamtDocument, CamtEntry, CamtTransaction, parse_camt
from onramp.banking.formats.detect import FileKind, detect_format, parse_statement
from onramp.banking.formats.statement import (
    Direction,
    Statement,
    StatementEntry,
    StatementFileUnknown,
    StatementFormat,
)

__all__ = [
    "CamtDocument",
    "CamtEntry",
    "CamtTransaction",
    "Direction",
    "FileKind",
    "Statement",
    "StatementEntry",
    "StatementFileUnknown",
    "StatementFormat",
    "detect_format",
    "parse_camt",
    "parse_statement",
]
