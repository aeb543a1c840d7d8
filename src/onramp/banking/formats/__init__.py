"""Bank file formats: what banks send about the operator's accounts, parsed into plain entries
(pure: no I/O beyond reading the bytes given)."""

from onramp.banking.formats.camt import CamtDocument, CamtEntry, CamtTransaction, parse_camt

__all__ = ["CamtDocument", "CamtEntry", "CamtTransaction", "parse_camt"]
