"""The alerts' settings: channels as JSON from the environment, and the dev stack's mail
sandbox as the channel when none is configured."""

from __future__ import annotations

import pytest

from onramp.core.settings import Settings

STACK = {"smtp": "127.0.0.1:2525"}


def test_channels_come_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "ONRAMP_ALERTS__CHANNELS",
        '[{"name": "pager", "kind": "webhook", "url": "https://pager.example/h", "secret": "s"},'
        ' {"name": "room", "kind": "slack", "url": "https://hooks.example/x"}]',
    )
    channels = Settings().with_stack(STACK).alerts.channels
    assert [(c.name, c.kind) for c in channels] == [("pager", "webhook"), ("room", "slack")]
    assert "'s'" not in repr(channels)  # the secret does not print


def test_the_dev_stack_sends_alerts_to_its_mail_sandbox_when_no_channel_is_set() -> None:
    (channel,) = Settings().with_stack(STACK).alerts.channels
    assert (channel.kind, channel.to) == ("email", "oncall@onramp.localhost")
    assert Settings().with_stack({}).alerts.channels == ()


def test_an_unknown_channel_kind_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONRAMP_ALERTS__CHANNELS", '[{"name": "x", "kind": "pigeon"}]')
    with pytest.raises(ValueError, match="kind"):
        Settings()
