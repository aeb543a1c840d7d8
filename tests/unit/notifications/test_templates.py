from __future__ import annotations

from datetime import timedelta
from string import Formatter

import pytest

from onramp.notifications.service import backoff
from onramp.notifications.templates import TEMPLATES, render, render_email
from onramp.notifications.templates_de import TEMPLATES_DE

PARAMS = {"name": "Ada", "link": "https://x/y?token=t", "expires_at": "e", "at": "a"}
# An order's emails (orders/customer_emails.py fills these).
PARAMS |= {"order": "01a2b3c4", "amount": "40.00 EUR", "usdc": "43.79", "address": "0xab"}
PARAMS |= {"reference": "RF18 5390", "tx_hash": "0x12", "holder": "onramp", "pay_to": "IBAN"}
PARAMS |= {"url": "https://example.com/hook", "since": "2026-12-06T10:00:00+00:00"}
PARAMS |= {"new_email": "n@example.com", "device": "Firefox", "ip": "192.0.2.1"}
PARAMS |= {"key_name": "bot", "prefix": "onr_ab12", "tier": "2"}
PARAMS |= {"report": "operations", "day": "2026-12-06", "rows": "2", "table": "date,n\n1,2"}
GREETING = {"en": "Hello Ada", "de": "Hallo Ada"}


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_renders_in_each_language_as_text_and_html(
    template: str, language: str
) -> None:
    email = render_email(template, PARAMS, language=language)
    assert email.language == language
    assert email.subject
    assert email.text.startswith(GREETING[language])
    assert email.html.startswith("<!doctype html>")
    assert f'<html lang="{language}">' in email.html
    assert GREETING[language] in email.html


def test_the_german_templates_are_the_english_ones_with_the_same_parameters() -> None:
    assert TEMPLATES_DE.keys() == TEMPLATES.keys()
    for name, english in TEMPLATES.items():
        german = TEMPLATES_DE[name]
        for part in ("subject", "body"):
            fields = [f for _, f, _, _ in Formatter().parse(getattr(english, part)) if f]
            assert sorted(fields) == sorted(
                f for _, f, _, _ in Formatter().parse(getattr(german, part)) if f
            ), (name, part)


def test_a_language_without_a_translation_gets_english() -> None:
    email = render_email("password_changed", PARAMS, language="fr")
    assert (email.language, email.subject) == ("en", "Your password was changed")


def test_the_html_part_escapes_what_it_is_given_and_links_urls() -> None:
    params = PARAMS | {"name": "<script>x</script>", "link": "https://onramp.test/v?token=a&b=1"}
    html = render_email("verify_email", params).html
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert '<a href="https://onramp.test/v?token=a&amp;b=1">' in html


def test_a_missing_parameter_is_an_error_not_a_blank() -> None:
    with pytest.raises(KeyError):
        render("verify_email", {"name": "Ada"})


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert backoff(30) == timedelta(hours=1)
