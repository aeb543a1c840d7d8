"""ISO 11649 structured creditor references ("RF" references).

A creditor reference is ``"RF"`` + two check digits + a payload of 1 to 21 characters ``A-Z0-9``:
5 to 25 characters in the *electronic* format (``RF18539007547034``). The *print* format splits
it into groups of four separated by one space (``RF18 5390 0754 7034``).

The check digits are ISO 7064 MOD 97-10, as for IBANs: move ``"RF"`` and the check digits to the
end, replace each letter by a number (A=10 ... Z=35), read the result as one integer ``n``. A
reference is valid iff ``n mod 97 == 1``; to make one, compute ``n`` with check digits ``00`` and
take ``98 - (n mod 97)``, zero-padded to two digits. Check digits are therefore always 02 to 98;
``00``, ``01`` and ``99`` also satisfy the modulus but are never issued, so we reject them.

We issue one reference per order (:func:`creditor_reference_for_order`) so that the customer's bank
transfer can be matched to the order even when a human retypes it. The mod-97 check catches every
substitution of a digit by a digit or a letter by a letter, but a digit swapped for a letter (or the
reverse, e.g. ``0`` and ``O``) changes the length of the number and slips through about once in 97
times (``RF87TW2HW6`` and ``RF87TW2HWN`` are both valid). The check filters typos; matching must
still compare the whole reference with the one we issued.
"""

from __future__ import annotations

import re
import uuid
from string import ascii_uppercase, digits

from onramp.core.errors import InvalidInput

MAX_PAYLOAD = 21
ORDER_PAYLOAD_LENGTH = 21

_PAYLOAD = re.compile(r"[A-Z0-9]{1,21}")
_REFERENCE = re.compile(r"RF([0-9]{2})([A-Z0-9]{1,21})")
_BASE36 = digits + ascii_uppercase


class InvalidCreditorReference(InvalidInput):
    code = "invalid_creditor_reference"
    title = "Invalid creditor reference"


def _as_number(text: str) -> int:
    """``text`` (``A-Z0-9``) with each letter replaced by its value 10..35, as one integer."""
    return int("".join(str(_BASE36.index(char)) for char in text))


def _check_digits(payload: str) -> str:
    return f"{98 - _as_number(payload + 'RF00') % 97:02d}"


def make_creditor_reference(payload: str) -> str:
    """The electronic-format reference for ``payload`` (1-21 letters or digits, any case)."""
    if not isinstance(payload, str) or not payload.isascii():
        raise InvalidCreditorReference("payload must be 1 to 21 ASCII letters or digits")
    payload = payload.upper()
    if _PAYLOAD.fullmatch(payload) is None:
        raise InvalidCreditorReference("payload must be 1 to 21 ASCII letters or digits")
    return f"RF{_check_digits(payload)}{payload}"


def normalize_creditor_reference(text: str) -> str:
    """The electronic, upper-case form of a reference typed in any case, with or without spaces.

    Surrounding whitespace is stripped and spaces inside are dropped (people group the characters
    in fours, but not always in the right places). Raises :class:`InvalidCreditorReference` unless
    the result is RF-shaped, 5 to 25 characters long, and passes the mod-97 check.
    """
    if not isinstance(text, str) or not text.isascii():
        raise InvalidCreditorReference("creditor reference must be ASCII text")
    compact = text.strip().replace(" ", "").upper()
    match = _REFERENCE.fullmatch(compact)
    if match is None:
        raise InvalidCreditorReference(
            "creditor reference must be RF, two check digits and 1 to 21 letters or digits"
        )
    check, payload = match.groups()
    if not "02" <= check <= "98" or _as_number(payload + "RF" + check) % 97 != 1:
        raise InvalidCreditorReference("creditor reference check digits do not match")
    return compact


def is_valid_creditor_reference(text: str) -> bool:
    try:
        normalize_creditor_reference(text)
    except InvalidCreditorReference:
        return False
    return True


def format_creditor_reference(ref: str) -> str:
    """The print format: groups of four separated by one space (``RF18 5390 0754 7034``)."""
    compact = normalize_creditor_reference(ref)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def creditor_reference_for_order(order_id: uuid.UUID) -> str:
    """The creditor reference we print on an order's payment instructions.

    The payload is the UUID's 128-bit integer modulo ``36**21`` (about 2**108.6) written in base 36,
    upper case, zero-padded to exactly 21 characters, so the reference is always 25 characters.
    The reduction loses bits: two orders *can* map to the same reference, however unlikely.
    Uniqueness is enforced by a database unique constraint on the stored reference, not here.
    """
    if not isinstance(order_id, uuid.UUID):
        raise InvalidCreditorReference("order id must be a UUID")
    value = order_id.int % 36**ORDER_PAYLOAD_LENGTH
    chars: list[str] = []
    for _ in range(ORDER_PAYLOAD_LENGTH):
        value, remainder = divmod(value, 36)
        chars.append(_BASE36[remainder])
    return make_creditor_reference("".join(reversed(chars)))
