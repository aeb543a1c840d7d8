"""The dev stack's secrets: random per stack, so no secret committed to the repository ever
signs a webhook, a session or a quote that runs. Written to ``<state_dir>/secrets.json``
(owner-only), kept with the rest of an ``onramp dev`` state and made anew by a fresh start;
``load_settings`` reads them, so ``onramp`` commands beside a running stack use the same ones."""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from onramp.core.settings import secrets_file

# Every secret a stack's processes and sandboxes share (dotted setting paths). The HSM's PIN is
# the SoftHSM2 token's own (devstack/softhsm.py); the mail sandbox takes no password.
STACK_SECRETS = (
    "auth.jwt_secret",
    "banking.webhook_secret",
    "kyc.webhook_secret",
    "issuer.api_key",
    "issuer.webhook_secret",
    "fx.quote_signing_key",
)


def _fresh() -> dict[str, str]:
    made = {path: secrets.token_urlsafe(32) for path in STACK_SECRETS}
    # The legacy sealing key is 32 bytes in base64 (read by migrations 0013/0014 only).
    made["auth.secrets_key"] = base64.b64encode(secrets.token_bytes(32)).decode()
    return made


def stack_secrets(state_dir: Path) -> dict[str, str]:
    """The stack's secrets: those kept in ``state_dir``, else new ones, written there first."""
    path = secrets_file(state_dir)
    if path.exists():
        kept: dict[str, str] = json.loads(path.read_text())
        return kept
    made = _fresh()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(made, out, indent=2)
    tmp.replace(path)
    return made
