"""What ``onramp dev`` writes down to find its state again, and what ``--fresh`` removes."""

from __future__ import annotations

from pathlib import Path

import pytest

from onramp.chain.contracts.deploy import Deployment
from onramp.devstack import dev_state
from onramp.devstack.dev_state import DevState, SigningKey, StateLost
from onramp.devstack.treasury_setup import TreasurySetup

STATE = DevState(
    payout=SigningKey("aa" * 16, "0x" + "01" * 20),
    guardian=SigningKey("bb" * 16, "0x" + "02" * 20),
    custody=SigningKey("cc" * 16, "0x" + "03" * 20),
    executor=SigningKey("dd" * 16, "0x" + "04" * 20),
    deployment=Deployment(
        usdc="0x" + "05" * 20,
        vault="0x" + "06" * 20,
        wallet_factory="0x" + "07" * 20,
        funding_tx="0x" + "08" * 32,
        vault_funding=10**13,
    ),
    treasury=TreasurySetup(
        cold_safe="0x" + "09" * 20,
        warm_safe="0x" + "0a" * 20,
        safe_singleton="0x" + "0b" * 20,
        safe_proxy_factory="0x" + "0c" * 20,
        executor="0x" + "04" * 20,
        guardian="0x" + "02" * 20,
        funding_txs={"cold": "0x" + "0d" * 32, "warm": "0x" + "0e" * 32},
    ),
)


def test_the_state_reads_back_as_written(tmp_path: Path) -> None:
    assert dev_state.load(tmp_path) is None
    dev_state.save(tmp_path, STATE)
    assert dev_state.load(tmp_path) == STATE


@pytest.mark.parametrize("body", ["{not json", '{"keys": {}}', '{"keys": {"payout": 1}}'])
def test_an_unreadable_state_is_refused_not_taken_for_none(tmp_path: Path, body: str) -> None:
    (tmp_path / dev_state.STATE_FILE).write_text(body)
    with pytest.raises(StateLost):
        dev_state.load(tmp_path)


def test_fresh_removes_the_kept_state_and_nothing_else(tmp_path: Path) -> None:
    for name in ("pgdata", "jetstream", "anvil", "anvil-home", "softhsm", "demo", "logs"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "file").write_text("x")
    dev_state.save(tmp_path, STATE)

    dev_state.wipe(tmp_path)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo", "logs"]


def test_a_kept_state_without_its_database_or_chain_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StateLost, match="database"):
        dev_state.check_files(tmp_path)
    (tmp_path / "pgdata").mkdir()
    (tmp_path / "pgdata" / "PG_VERSION").write_text("17\n")
    with pytest.raises(StateLost, match="chain"):
        dev_state.check_files(tmp_path)
    dev_state.chain_file(tmp_path).write_text("{}")
    dev_state.check_files(tmp_path)


def test_a_data_directory_waiting_to_be_recovered_is_not_wiped(tmp_path: Path) -> None:
    from onramp.devstack.infrastructure import start_infrastructure

    pgdata = tmp_path / "pgdata"
    pgdata.mkdir()
    (pgdata / "recovery.signal").touch()  # onramp backup recover's, without a kept state
    with pytest.raises(StateLost, match="waits to be recovered"):
        start_infrastructure(tmp_path, fresh=False, persist=True)
    assert (pgdata / "recovery.signal").exists()
