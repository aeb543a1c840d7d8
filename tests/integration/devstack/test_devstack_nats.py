"""Embedded NATS: JetStream dedupes by message id and keeps streams across restarts and crashes."""

from __future__ import annotations

import os
from pathlib import Path

import nats
import pytest

from onramp.devstack import nats as nats_module
from onramp.devstack.nats import start_nats
from onramp.devstack.process import free_port

pytestmark = pytest.mark.integration


async def test_jetstream_dedupes_and_persists(state_dir: Path) -> None:
    server = start_nats(state_dir)
    try:
        assert server.url == f"nats://127.0.0.1:{server.port}"
        assert server.port != 4222
        nc = await nats.connect(server.url)
        try:
            js = nc.jetstream()
            await js.add_stream(name="DEPOSITS", subjects=["deposits.>"])
            first = await js.publish("deposits.booked", b"1", headers={"Nats-Msg-Id": "m-1"})
            second = await js.publish("deposits.booked", b"1", headers={"Nats-Msg-Id": "m-1"})
            other = await js.publish("deposits.booked", b"2", headers={"Nats-Msg-Id": "m-2"})
            assert not first.duplicate
            assert second.duplicate
            assert second.seq == first.seq
            assert not other.duplicate
            assert (await js.stream_info("DEPOSITS")).state.messages == 2
        finally:
            await nc.close()
    finally:
        server.stop()
    pid = server.process.pid
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)

    again = start_nats(state_dir)
    try:
        nc = await nats.connect(again.url)
        try:
            info = await nc.jetstream().stream_info("DEPOSITS")
            assert info.state.messages == 2
        finally:
            await nc.close()
        again.process.kill()  # a crash: no shutdown, no final flush
        crashed = start_nats(state_dir)
        nc = await nats.connect(crashed.url)
        try:
            info = await nc.jetstream().stream_info("DEPOSITS")
            assert info.state.messages == 2
        finally:
            await nc.close()
            crashed.stop()
    finally:
        again.stop()
    assert not again.process.alive()
    assert not crashed.process.alive()
    assert (state_dir / "jetstream").is_dir()
    assert (state_dir / "logs" / "nats.log").stat().st_size > 0


async def test_a_port_held_by_another_server_is_not_taken_for_ours(state_dir: Path) -> None:
    other = start_nats(state_dir / "other")
    try:
        with pytest.raises(RuntimeError, match="address already in use"):
            start_nats(state_dir / "ours", port=other.port)
    finally:
        other.stop()


async def test_a_taken_free_port_is_replaced(
    state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = start_nats(state_dir / "other")
    try:
        offered = iter([other.port])  # the "free" port is taken before nats-server binds it
        monkeypatch.setattr(nats_module, "free_port", lambda: next(offered, None) or free_port())
        ours = start_nats(state_dir / "ours")
        try:
            assert ours.port != other.port
            nc = await nats.connect(ours.url)
            await nc.jetstream().account_info()
            await nc.close()
        finally:
            ours.stop()
    finally:
        other.stop()
