"""When to start again something that died (a process of the dev stack, a task of a worker host)
and when to give up on it: a pure policy with no clock of its own."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from onramp.core.settings import SupervisorSettings


@dataclass(frozen=True)
class RestartPolicy:
    max_deaths: int = 5
    window_seconds: float = 60.0
    backoff_initial_seconds: float = 0.5
    backoff_max_seconds: float = 30.0

    @classmethod
    def from_settings(cls, settings: SupervisorSettings) -> RestartPolicy:
        return cls(
            max_deaths=settings.max_deaths,
            window_seconds=settings.window_seconds,
            backoff_initial_seconds=settings.backoff_initial_seconds,
            backoff_max_seconds=settings.backoff_max_seconds,
        )


@dataclass(frozen=True)
class Restart:
    delay: float  # seconds to wait before starting it again
    deaths: int  # deaths within the window, this one included


@dataclass(frozen=True)
class GiveUp:
    deaths: int


class DeathCount:
    """One process's recent deaths and what to do about the next one (no clock of its own).

    Deaths older than the window are forgotten, so a process that ran well for a while starts
    again at the first backoff step; the delay doubles with each death inside the window."""

    def __init__(self, policy: RestartPolicy) -> None:
        self._policy = policy
        self._deaths: deque[float] = deque()

    def died(self, now: float) -> Restart | GiveUp:
        policy = self._policy
        self._deaths.append(now)
        while now - self._deaths[0] > policy.window_seconds:
            self._deaths.popleft()
        deaths = len(self._deaths)
        if deaths >= policy.max_deaths:
            return GiveUp(deaths)
        delay = policy.backoff_initial_seconds * 2 ** (deaths - 1)
        return Restart(min(delay, policy.backoff_max_seconds), deaths)
