"""The one rule for what a request may carry: printable, bounded text and bounded numbers.

Every string a request model, query, path or header parameter takes is declared as
:data:`Text` (one line) or :data:`MultilineText` (tabs and line breaks allowed) with a
``max_length``; every integer with ``ge`` and ``le``. tests/unit/api/test_request_bounds.py walks
the whole route table and fails on a field that is not.

Why: PostgreSQL refuses NUL (0x00) in text and lone UTF-16 surrogates are not UTF-8, so either
one reaching a query was a 500; other control characters are never part of a name, a label or a
reference, and in a log line or a CSV export they forge structure. They are refused at the edge
with the error type ``invalid_characters``, which the API answers as a 422 of that code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

INVALID_CHARACTERS = "invalid_characters"

# C0 controls, DEL, C1 controls (Unicode category Cc) and lone surrogates (only a JSON "\ud800"
# escape makes one). Not str.isprintable(): that also refuses spaces and format characters that
# names legitimately hold.
_ONE_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_MULTILINE_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# What the OpenAPI document shows (a JSON Schema regex; surrogates cannot be written in one).
_ONE_LINE_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f]*$"
_MULTILINE_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"


@dataclass(frozen=True)
class Printable:
    """Refuses control characters and lone surrogates; ``multiline`` lets tab, CR and LF in."""

    multiline: bool = False

    def check(self, value: str) -> str:
        forbidden = _MULTILINE_FORBIDDEN if self.multiline else _ONE_LINE_FORBIDDEN
        if forbidden.search(value):
            allowed = " other than tab and line breaks" if self.multiline else ""
            raise PydanticCustomError(
                INVALID_CHARACTERS, f"must not contain control characters{allowed}"
            )
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        # A field's own pattern (an ISO code, an amount) already admits no control character.
        json_schema.setdefault(
            "pattern", _MULTILINE_PATTERN if self.multiline else _ONE_LINE_PATTERN
        )
        return json_schema


def has_control_characters(value: str) -> bool:
    """For input parsed by hand (a form body): the rule :data:`Text` applies."""
    return _ONE_LINE_FORBIDDEN.search(value) is not None


# One line of text: a name, a label, a reference, a reason. Declare ``max_length`` with it.
# With StringConstraints, put them first and ``Printable()`` last (the route walk in
# tests/unit/api/test_request_bounds.py refuses the other order) —
# ``Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, …), Printable()]``:
# constraints after a validator are checked on the unstripped value ("   " passed min_length).
Text = Annotated[str, Printable()]
# Free text that may hold tabs and line breaks: a case comment. Declare ``max_length`` with it.
MultilineText = Annotated[str, Printable(multiline=True)]
