"""What an email template is: a subject and a plain-text body with ``{name}`` parameters; the
HTML part is drawn from the filled-in text (``html.py``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    subject: str
    body: str
