"""When the certificates onramp is configured with expire (``ONRAMP_METRICS__CERTIFICATES``:
name → PEM file, e.g. the ingress certificate mounted from its secret, the database's or NATS'
client certificate or CA). A file holding a chain counts from the certificate that expires
first: the chain stops working then. Read on each scrape and each alert check (a file a
renewal replaced is seen at once); a file that cannot be read is reported, never raised."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509


@dataclass(frozen=True)
class CertificateExpiry:
    name: str
    path: Path
    not_after: datetime | None  # None: the file could not be read as PEM certificates
    error: str | None = None

    def seconds_left(self, now: datetime) -> float | None:
        """Seconds until it expires (negative once expired); None when unreadable."""
        return None if self.not_after is None else (self.not_after - now).total_seconds()


def read_expiry(name: str, path: Path) -> CertificateExpiry:
    try:
        certificates = x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError) as exc:
        return CertificateExpiry(name, path, None, f"{type(exc).__name__}: {exc}"[:200])
    return CertificateExpiry(name, path, min(c.not_valid_after_utc for c in certificates))


def certificate_expiries(files: Mapping[str, Path]) -> list[CertificateExpiry]:
    return [read_expiry(name, path) for name, path in sorted(files.items())]
