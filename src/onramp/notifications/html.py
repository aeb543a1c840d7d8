"""The HTML part of an email, drawn with Jinja2 from its filled-in plain text: the same words,
escaped (a customer's name or a URL cannot inject markup), in paragraphs, links made clickable."""

from __future__ import annotations

import re
from typing import Final

from jinja2 import Environment
from markupsafe import Markup, escape

_LINK = re.compile(r"https?://[^\s<>\"]+")
_ENVIRONMENT = Environment(autoescape=True)  # noqa: S701 - autoescape is on
_LAYOUT: Final = _ENVIRONMENT.from_string(
    """<!doctype html>
<html lang="{{ language }}">
<head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1f2328;">
<div style="max-width: 36rem; margin: 0 auto; padding: 1rem;">
{% for paragraph in paragraphs %}<p>{{ paragraph }}</p>
{% endfor %}<p style="color: #57606a; font-size: 0.875rem;">onramp</p>
</div>
</body>
</html>
"""
)


def _paragraph(text: str) -> Markup:
    """Escaped, each URL a link, line breaks kept."""
    out, last = Markup(""), 0
    for match in _LINK.finditer(text):
        url = match.group(0)
        out += escape(text[last : match.start()])
        out += Markup('<a href="{0}">{0}</a>').format(url)
        last = match.end()
    out += escape(text[last:])
    return Markup("<br>\n").join(out.split("\n"))


def html_body(subject: str, text: str, *, language: str) -> str:
    paragraphs = [_paragraph(p.strip("\n")) for p in text.split("\n\n") if p.strip()]
    return _LAYOUT.render(subject=subject, paragraphs=paragraphs, language=language)
