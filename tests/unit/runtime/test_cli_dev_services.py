"""``onramp dev --services`` without the services' URLs refuses at once, naming what is unset;
the WAL archive setting reaches the embedded PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from onramp.runtime.cli import app


def test_services_without_their_urls_are_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("ONRAMP_DATABASE__URL", raising=False)
    monkeypatch.setenv("ONRAMP_NATS__URL", "nats://127.0.0.1:1")
    result = CliRunner().invoke(app, ["dev", "--services", "--state-dir", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "services_unusable: --services needs ONRAMP_DATABASE__URL" in result.output
    assert not (tmp_path / "s").exists()  # refused before anything started


def test_the_wal_archive_setting_reaches_the_embedded_postgres(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import onramp.devstack
    from onramp.devstack import StateLost, WalArchive

    asked: dict[str, object] = {}

    def start_stack(state_dir: Path, **options: object) -> None:
        asked.update(options)
        raise StateLost("stop here")  # what was asked is all this test wants

    monkeypatch.setattr(onramp.devstack, "start_stack", start_stack)
    monkeypatch.setenv("ONRAMP_DEV__WAL_ARCHIVE_DIR", str(tmp_path / "wal"))
    monkeypatch.setenv("ONRAMP_DEV__ARCHIVE_TIMEOUT_SECONDS", "30")
    CliRunner().invoke(app, ["dev", "--state-dir", str(tmp_path / "s")])
    assert asked["wal_archive"] == WalArchive(tmp_path / "wal", 30)

    monkeypatch.setenv("ONRAMP_DEV__WAL_ARCHIVE_KEY_FILE", str(tmp_path / "backup.key"))
    CliRunner().invoke(app, ["dev", "--state-dir", str(tmp_path / "s")])
    assert asked["wal_archive"] == WalArchive(tmp_path / "wal", 30, tmp_path / "backup.key")

    monkeypatch.delenv("ONRAMP_DEV__WAL_ARCHIVE_DIR")
    CliRunner().invoke(app, ["dev", "--state-dir", str(tmp_path / "s")])
    assert asked["wal_archive"] is None
