"""Crash points for recovery tests: ``ONRAMP_CRASH_AT=<name>`` kills the process there with
SIGKILL, exactly as a power cut would, so tests can prove that a restart loses nothing.

``ONRAMP_CRASH_AT`` may arm several points, comma-separated, each with the hit it dies on
(``payout.after_send@3``: the third time the process gets there; default the first), which is
how the fault simulator (tests/faults) arms random points in random processes. The variable is
read once, when the module is imported: a process without it pays one comparison per point.

The points along the money path (docs/faults.md lists them):
``payout.after_nonce``, ``payout.before_store`` (signed, not committed), ``payout.after_sign``
(stored, not sent), ``payout.after_send`` (sent, not marked), ``payout.after_mark``;
``consumer.before_commit`` (handled, not committed), ``consumer.before_ack`` (committed, not
acknowledged); ``relay.after_publish`` (published, not marked), ``relay.after_commit``;
``confirm.before_commit`` (a payout settled, not committed), ``confirm.after_commit``.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

CRASH_ENV = "ONRAMP_CRASH_AT"
# A deliberately broken build, for the fault simulator's own test (tests/faults): it must find
# the money this loses. Never set outside that test.
BREAK_ENV = "ONRAMP_FAULTS_BREAK"
# The payout transaction is sent inside the transaction that signs it, before it is stored
# (the bug "store before send" prevents): a crash after the send forgets a paid payout.
SEND_BEFORE_STORE = "send_before_store"
# Event consumers handle every delivered event as if their inbox had never recorded it: an event
# redelivered after a crash between commit and ack (``consumer.before_ack``) is handled again.
# The simulator does not catch it: the deposits and orders workers' handlers act only on rows
# still in the state their event expects, and the ledger books an entry once per (kind,
# reference), so on the simulator's paths a second handling changes nothing (docs/operations.md).
SKIP_INBOX = "skip_inbox"


def parse_armed(spec: str) -> dict[str, int]:
    """``"a@2,b"`` -> ``{"a": 2, "b": 1}``: each armed point and the hit it dies on."""
    armed: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, _, hit = item.partition("@")
        armed[name] = int(hit) if hit else 1
    return armed


_armed: dict[str, int] = parse_armed(os.environ.get(CRASH_ENV, ""))
_hits: Counter[str] = Counter()
_broken = frozenset(filter(None, os.environ.get(BREAK_ENV, "").split(",")))


def broken(hook: str) -> bool:
    """Whether this process runs the deliberately broken build ``hook`` (tests only)."""
    return hook in _broken


def arm(spec: str) -> None:
    """Arm the points of ``spec`` in this process (as ``ONRAMP_CRASH_AT`` does at start)."""
    _armed.clear()
    _armed.update(parse_armed(spec))
    _hits.clear()


def crash_point(name: str) -> None:
    if not _armed or name not in _armed:
        return
    _hits[name] += 1
    if _hits[name] >= _armed[name]:
        os.kill(os.getpid(), signal.SIGKILL)
