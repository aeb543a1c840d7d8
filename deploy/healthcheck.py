"""The image's HEALTHCHECK: GET /healthz on this container's own port (``ONRAMP_HEALTH_PORT``),
healthy only on a 200. The standard library alone, so it needs nothing the process may lack."""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = int(os.environ.get("ONRAMP_HEALTH_PORT", "8000"))
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as answer:
            return 0 if answer.status == 200 else 1
    except (urllib.error.URLError, OSError):
        return 1


if __name__ == "__main__":
    sys.exit(main())
