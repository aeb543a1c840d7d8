"""A SoftHSM2 token of the dev stack's own, under ``<state_dir>/softhsm``.

Its own ``softhsm2.conf`` (pointed at by ``SOFTHSM2_CONF``) keeps the token away from the
machine's ``/var/lib/softhsm``. The PINs are random per token and kept beside it (mode 0600):
this token only ever guards the dev stack's own database (kept with it between ``onramp dev``
runs, wiped with it by ``--fresh``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from onramp.core.settings import HsmSettings

TOKEN_LABEL = "onramp-dev"  # noqa: S105 - a label, not a secret
SOFTHSM_UTIL = "softhsm2-util"


@dataclass(frozen=True)
class SoftHsmToken:
    conf: Path
    token_label: str
    user_pin: str

    def describe(self) -> dict[str, str]:
        return {
            "module": str(HsmSettings().module_path),  # the PKCS#11 library the stack loads
            "softhsm2_conf": str(self.conf),
            "token_label": self.token_label,
            "user_pin": self.user_pin,
        }

    def apply(self, settings: HsmSettings) -> HsmSettings:
        return settings.model_copy(
            update={
                "softhsm2_conf": str(self.conf),
                "token_label": self.token_label,
                "user_pin": SecretStr(self.user_pin),
            }
        )


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def start_softhsm(state_dir: Path, *, fresh: bool = True) -> SoftHsmToken:
    """Initialise the token (once; again when ``fresh``) and return how to reach it."""
    util = shutil.which(SOFTHSM_UTIL)
    if util is None:
        raise RuntimeError(
            f"{SOFTHSM_UTIL} not found: install SoftHSM2 (make install; apt-get install softhsm2)"
        )
    root = state_dir / "softhsm"
    if fresh:
        shutil.rmtree(root, ignore_errors=True)
    tokens = root / "tokens"
    tokens.mkdir(parents=True, exist_ok=True, mode=0o700)
    conf = root / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    pin_file = root / "user-pin"
    if pin_file.exists() and any(tokens.iterdir()):
        return SoftHsmToken(conf, TOKEN_LABEL, pin_file.read_text().strip())
    user_pin, so_pin = secrets.token_hex(8), secrets.token_hex(8)
    result = subprocess.run(
        [util, "--init-token", "--free", "--label", TOKEN_LABEL]
        + ["--so-pin", so_pin, "--pin", user_pin],
        env={**os.environ, "SOFTHSM2_CONF": str(conf)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"softhsm2-util --init-token failed: {result.stderr or result.stdout}")
    _write_private(pin_file, user_pin + "\n")
    _write_private(root / "so-pin", so_pin + "\n")
    return SoftHsmToken(conf, TOKEN_LABEL, user_pin)
