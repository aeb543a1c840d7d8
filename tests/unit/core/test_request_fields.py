"""Text refuses control characters and lone surrogates, and nothing a name may hold."""

from __future__ import annotations

import pytest
from pydantic_core import PydanticCustomError

from onramp.core.request_fields import INVALID_CHARACTERS, Printable

ONE_LINE = Printable()
MULTILINE = Printable(multiline=True)


@pytest.mark.parametrize(
    "value", ["\x00", "a\x1fb", "\x7f", "\x85", "\x9f", "\ud800", "x\udfff", "\t", "\n", "\r"]
)
def test_one_line_text_refuses_controls_and_surrogates(value: str) -> None:
    with pytest.raises(PydanticCustomError) as refused:
        ONE_LINE.check(value)
    assert refused.value.type == INVALID_CHARACTERS


@pytest.mark.parametrize("value", ["\x00", "\x0b", "\x0c", "\x1b[31m", "\x85", "\ud83d"])
def test_multiline_text_refuses_other_controls(value: str) -> None:
    with pytest.raises(PydanticCustomError):
        MULTILINE.check(value)


def test_multiline_text_takes_tabs_and_line_breaks() -> None:
    assert MULTILINE.check("a\tb\r\nc\n") == "a\tb\r\nc\n"


@pytest.mark.parametrize(
    "value",
    ["", "Zoë Ñúñez", "李小龙", "محمد", "O\u2019Brien", "a\u00a0b", "👩\u200d💻", "\u202ex"],
)
def test_what_people_write_passes(value: str) -> None:
    assert ONE_LINE.check(value) == value
