"""What a sender is waiting for (a paused vault, a spent cap, sanctions lists too old to check
against), kept between polls so that a change is announced once and not on every poll: the
payouts and the customers' withdrawals stay queued meanwhile; waiting never fails them."""

from __future__ import annotations

from typing import NamedTuple

from onramp.core.logging import get_logger

log = get_logger(__name__)


class Change(NamedTuple):
    before: str | None
    after: str | None

    @property
    def reason(self) -> str | None:
        """Why it waits, or (once ready again) why it waited."""
        return self.after or self.before


class WaitState:
    def __init__(self, subject: str) -> None:
        self._subject = subject  # the logs' prefix: ``payouts.waiting``, ``payouts.ready``
        self.reason: str | None = None

    def change_to(self, reason: str | None) -> Change | None:
        """The change to announce, or None when it waits for the same thing as before."""
        return None if reason == self.reason else Change(self.reason, reason)

    def settle(self, change: Change, **fields: object) -> None:
        """Logs the change and keeps it: called once it is announced everywhere it must be."""
        if change.after is not None:
            log.warning(f"{self._subject}.waiting", reason=change.after, **fields)
        else:
            log.info(f"{self._subject}.ready")
        self.reason = change.after
