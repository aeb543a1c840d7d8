"""The configured certificates' expiry: read from PEM files (a chain counts from the one that
expires first), exported as ``onramp_certificate_expiry_seconds`` on each scrape, and an
unreadable file reported rather than raised."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from onramp.core import metrics
from onramp.core.certificates import certificate_expiries
from onramp.core.clock import utcnow
from tests.unit.core.pem_certificates import pem_certificate

NOW = datetime(2026, 12, 7, tzinfo=UTC)


def test_a_chain_expires_with_its_first_certificate_to_expire(tmp_path: Path) -> None:
    chain = tmp_path / "chain.pem"
    chain.write_bytes(
        pem_certificate(NOW + timedelta(days=90)) + pem_certificate(NOW + timedelta(days=3))
    )
    (found,) = certificate_expiries({"ingress": chain})
    assert found.not_after == NOW + timedelta(days=3)
    assert found.seconds_left(NOW) == 3 * 86400
    assert found.seconds_left(NOW + timedelta(days=4)) == -86400


@pytest.mark.parametrize("content", [None, b"", b"-----BEGIN CERTIFICATE-----\nnot\n"])
def test_a_missing_or_broken_file_is_reported_unreadable(
    tmp_path: Path, content: bytes | None
) -> None:
    path = tmp_path / "cert.pem"
    if content is not None:
        path.write_bytes(content)
    (found,) = certificate_expiries({"db": path})
    assert found.not_after is None
    assert found.seconds_left(NOW) is None
    assert found.error


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[Path]:
    good = tmp_path / "good.pem"
    good.write_bytes(pem_certificate(utcnow() + timedelta(days=10)))
    metrics.watch_certificates({"ingress": good, "nats": tmp_path / "missing.pem"})
    yield good
    metrics.watch_certificates({})


def _samples(name: str) -> dict[str, float]:
    text = metrics.exposition()[0].decode()
    found = {}
    for line in text.splitlines():
        if line.startswith(name + "{"):
            labels, value = line.rsplit(" ", 1)
            found[labels.split('"')[1]] = float(value)
    return found


def test_the_gauge_reads_the_files_at_each_scrape(watched: Path) -> None:
    left = _samples("onramp_certificate_expiry_seconds")
    assert set(left) == {"ingress"}
    assert 10 * 86400 - 60 < left["ingress"] <= 10 * 86400
    assert _samples("onramp_certificate_readable") == {"ingress": 1.0, "nats": 0.0}
    watched.write_bytes(pem_certificate(utcnow() + timedelta(days=80)))  # renewed
    assert _samples("onramp_certificate_expiry_seconds")["ingress"] > 79 * 86400
