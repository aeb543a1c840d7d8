"""Case evidence: what may be attached, and its bytes sealed to the row they belong to."""

from __future__ import annotations

import os
import uuid

import pytest

from onramp.compliance.cases import (
    AttachmentEmpty,
    AttachmentTooLarge,
    AttachmentTypeRefused,
    EvidenceFile,
)
from onramp.compliance.cases.work import check_evidence
from onramp.core.crypto import DecryptionFailed
from onramp.core.keys import BLIND_INDEX, PII, Keyring, UnknownDataKey
from onramp.core.keys.envelope import field_context

TYPES = ("application/pdf", "text/plain")


def _file(content: bytes, content_type: str = "text/plain") -> EvidenceFile:
    return EvidenceFile(filename="f.txt", content_type=content_type, content=content)


def test_allowed_evidence_is_typed_and_bounded() -> None:
    assert check_evidence(_file(b"x" * 10), max_bytes=10, types=TYPES) == "text/plain"
    assert (
        check_evidence(_file(b"%PDF", "Application/PDF; name=x"), max_bytes=10, types=TYPES)
        == "application/pdf"
    )
    with pytest.raises(AttachmentTooLarge):
        check_evidence(_file(b"x" * 11), max_bytes=10, types=TYPES)
    with pytest.raises(AttachmentEmpty):
        check_evidence(_file(b""), max_bytes=10, types=TYPES)
    with pytest.raises(AttachmentTypeRefused):
        check_evidence(_file(b"<svg/>", "image/svg+xml"), max_bytes=10, types=TYPES)


def test_file_bytes_are_sealed_to_their_row() -> None:
    keyring = Keyring({1: b"\x01" * 32, 9: b"\x09" * 32}, {PII: 1, BLIND_INDEX: 9})
    content = os.urandom(2048) + b"IBAN GB33BUKB20201555555555"
    here = field_context("compliance_case_attachments", "content", uuid.uuid4())
    sealed = keyring.seal_bytes(content, context=here)
    assert b"GB33BUKB" not in sealed
    assert keyring.open_bytes(sealed, context=here) == content
    elsewhere = field_context("compliance_case_attachments", "content", uuid.uuid4())
    with pytest.raises(DecryptionFailed):
        keyring.open_bytes(sealed, context=elsewhere)
    rotated = Keyring({2: b"\x02" * 32, 9: b"\x09" * 32}, {PII: 2, BLIND_INDEX: 9})
    with pytest.raises(UnknownDataKey):
        rotated.open_bytes(sealed, context=here)
