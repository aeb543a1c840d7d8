"""ECB euro foreign exchange reference rates.

The European Central Bank publishes, every TARGET business day around 16:00 CET, how many units of
about 30 currencies one euro buys (source: European Central Bank). Three formats are read here:

* ``eurofxref-daily.xml``, ``eurofxref-hist-90d.xml``, ``eurofxref-hist.xml``: a gesmes envelope
  with ``<Cube><Cube time="YYYY-MM-DD"><Cube currency="USD" rate="1.1252"/>...`` in the namespace
  ``http://www.ecb.int/vocabulary/2002-08-01/eurofxref``, newest day first;
* ``eurofxref-hist.csv``: header ``Date,USD,JPY,...,`` (note the trailing comma), one row per day,
  newest first, ``N/A`` where the ECB published no rate (discontinued or suspended currencies).

Rates are kept as the exact :class:`~decimal.Decimal` of the published string, never a float.
Anything unexpected raises :class:`EcbFormatError`: a rate file is either entirely right or
rejected, never half used. XML is parsed with ``defusedxml`` and DTDs are refused outright.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET  # noqa: S405  (types and ParseError only; parsing is defused)
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import defusedxml.ElementTree as DefusedET  # type: ignore[import-untyped, unused-ignore]
from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]

from onramp.core.errors import InvalidInput

GESMES_NS = "http://www.gesmes.org/xml/2002-08-01"
EUROFXREF_NS = "http://www.ecb.int/vocabulary/2002-08-01/eurofxref"
MAX_XML_BYTES = 64 * 1024 * 1024  # the full history since 1999 is well under this

_ENVELOPE = f"{{{GESMES_NS}}}Envelope"
_CUBE = f"{{{EUROFXREF_NS}}}Cube"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_RATE = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,12})?")
_NOT_AVAILABLE = "N/A"


class EcbFormatError(InvalidInput):
    code = "ecb_rates_malformed"
    title = "Malformed ECB reference rates"


_NONE: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class ReferenceRates:
    """Reference rates of one day: units of each currency per 1 EUR (EUR not included).

    ``as_of`` is when a market feed observed them (None for the ECB, whose rates are of a day);
    a merged view of several sources (``fx.adapters.composite``) also says which source each
    rate came from (``origins``) and which currencies it has only stale rates for (``stale``,
    with the reason), so pricing can refuse with the right error instead of guessing.
    """

    day: datetime.date
    rates: Mapping[str, Decimal]
    as_of: datetime.datetime | None = None
    origins: Mapping[str, str] = field(default_factory=lambda: _NONE)
    stale: Mapping[str, str] = field(default_factory=lambda: _NONE)


def _day(text: str | None) -> datetime.date:
    if text is None or _DATE.fullmatch(text) is None:
        raise EcbFormatError(f"bad date {text!r}")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise EcbFormatError(f"bad date {text!r}") from None


def _rate(text: str | None, where: str) -> Decimal:
    if text is None or _RATE.fullmatch(text) is None:
        raise EcbFormatError(f"bad rate {text!r} for {where}")
    rate = Decimal(text)
    if rate <= 0:
        raise EcbFormatError(f"rate for {where} must be positive, got {text!r}")
    return rate


def _add_rate(rates: dict[str, Decimal], code: str | None, rate: str | None, day: str) -> None:
    if code is None or _CURRENCY.fullmatch(code) is None or code == "EUR":
        raise EcbFormatError(f"bad currency code {code!r} on {day}")
    if code in rates:
        raise EcbFormatError(f"currency {code} appears twice on {day}")
    rates[code] = _rate(rate, f"{code} on {day}")


def _newest_first(days: Iterable[tuple[datetime.date, dict[str, Decimal]]]) -> list[ReferenceRates]:
    result: dict[datetime.date, ReferenceRates] = {}
    for day, rates in days:
        if day in result:
            raise EcbFormatError(f"day {day} appears twice")
        if not rates:
            raise EcbFormatError(f"day {day} has no rates")
        result[day] = ReferenceRates(day, MappingProxyType(rates))
    if not result:
        raise EcbFormatError("no reference rates found")
    return [result[day] for day in sorted(result, reverse=True)]


def _parse_xml_root(data: bytes) -> ET.Element:
    if not isinstance(data, bytes):
        raise EcbFormatError("ECB XML must be given as bytes")
    if len(data) > MAX_XML_BYTES:
        raise EcbFormatError("ECB XML is too large")
    try:
        root: ET.Element = DefusedET.fromstring(data, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise EcbFormatError(f"ECB XML is not well-formed: {type(exc).__name__}") from None
    return root


def parse_ecb_xml(data: bytes) -> list[ReferenceRates]:
    """Parse a daily, 90-day or full-history ECB XML file. Newest day first."""
    root = _parse_xml_root(data)
    if root.tag != _ENVELOPE:
        raise EcbFormatError(f"root element is {root.tag!r}, not the gesmes Envelope")
    outer = root.findall(_CUBE)
    if len(outer) != 1:
        raise EcbFormatError(f"expected one outer Cube, found {len(outer)}")
    days: list[tuple[datetime.date, dict[str, Decimal]]] = []
    for day_cube in outer[0]:
        time = day_cube.get("time")
        if day_cube.tag != _CUBE or time is None:
            raise EcbFormatError(f"unexpected element {day_cube.tag!r} in the outer Cube")
        rates: dict[str, Decimal] = {}
        for rate_cube in day_cube:
            if rate_cube.tag != _CUBE:
                raise EcbFormatError(f"unexpected element {rate_cube.tag!r} on {time}")
            _add_rate(rates, rate_cube.get("currency"), rate_cube.get("rate"), time)
        days.append((_day(time), rates))
    return _newest_first(days)


def parse_ecb_csv(text: str) -> list[ReferenceRates]:
    """Parse the ECB history CSV (``eurofxref-hist.csv``). Newest day first.

    ``N/A`` cells are skipped; a trailing comma on every line and blank lines at the end of the
    file are tolerated; spaces around cells are ignored. Everything else must be as published.
    """
    if not isinstance(text, str):
        raise EcbFormatError("ECB CSV must be given as text")
    try:
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    except csv.Error as exc:
        raise EcbFormatError(f"ECB CSV is not valid CSV: {exc}") from None
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise EcbFormatError("ECB CSV is empty")
    header = _without_trailing_empty([cell.strip() for cell in rows[0]])
    if not header or header[0] != "Date":
        raise EcbFormatError("ECB CSV header must start with Date")
    codes = header[1:]
    for code in codes:
        if _CURRENCY.fullmatch(code) is None or code == "EUR":
            raise EcbFormatError(f"bad currency column {code!r}")
    if len(set(codes)) != len(codes):
        raise EcbFormatError("ECB CSV header repeats a currency")
    days: list[tuple[datetime.date, dict[str, Decimal]]] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = _without_trailing_empty([cell.strip() for cell in row])
        if len(cells) != len(header):
            raise EcbFormatError(f"line {number} has {len(cells)} cells, expected {len(header)}")
        rates: dict[str, Decimal] = {}
        for code, cell in zip(codes, cells[1:], strict=True):
            if cell != _NOT_AVAILABLE:
                rates[code] = _rate(cell, f"{code} on line {number}")
        days.append((_day(cells[0]), rates))
    return _newest_first(days)


def _without_trailing_empty(cells: list[str]) -> list[str]:
    """Drop the one empty cell that the ECB's trailing comma produces."""
    return cells[:-1] if cells and cells[-1] == "" else cells


def load_reference_rates(path: Path) -> list[ReferenceRates]:
    """Read an ECB rates file by its suffix (``.xml`` or ``.csv``). Newest day first."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return parse_ecb_xml(path.read_bytes())
    if suffix == ".csv":
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise EcbFormatError(f"{path.name} is not UTF-8 text") from None
        return parse_ecb_csv(text)
    raise EcbFormatError(f"cannot tell the format of {path.name}: expected .xml or .csv")
