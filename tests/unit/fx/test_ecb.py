from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from onramp.core.errors import InvalidInput
from onramp.fx.ecb import (
    EcbFormatError,
    ReferenceRates,
    load_reference_rates,
    parse_ecb_csv,
    parse_ecb_xml,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "fx"
DAILY = DATA / "eurofxref-daily.xml"
HIST_90D = DATA / "eurofxref-hist-90d.xml"
HIST_CSV = DATA / "eurofxref-hist_2024-10-02_2024-12-31.csv"

ENVELOPE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" '
    'xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">'
    "<gesmes:subject>Reference rates</gesmes:subject><Cube>{}</Cube></gesmes:Envelope>"
)


def envelope(cubes: str) -> bytes:
    return ENVELOPE.format(cubes).encode()


def malformed(data: bytes) -> EcbFormatError:
    with pytest.raises(EcbFormatError) as info:
        parse_ecb_xml(data)
    assert info.value.code == "ecb_rates_malformed"
    assert isinstance(info.value, InvalidInput)
    return info.value


# ---------------------------------------------------------------- the published files


def test_daily_file() -> None:
    days = parse_ecb_xml(DAILY.read_bytes())
    assert len(days) == 1
    (today,) = days
    assert today.day == datetime.date(2025, 5, 9)
    assert len(today.rates) == 30
    assert today.rates["USD"] == Decimal("1.1252")
    assert today.rates["JPY"] == Decimal("163.36")
    assert str(today.rates["GBP"]) == "0.84770"  # the published string, trailing zero kept
    assert "EUR" not in today.rates
    assert all(isinstance(rate, Decimal) and rate > 0 for rate in today.rates.values())


def test_rates_are_read_only() -> None:
    (today,) = load_reference_rates(DAILY)
    with pytest.raises(TypeError):
        today.rates["USD"] = Decimal(1)  # type: ignore[index]


def test_hist_90d_file() -> None:
    days = load_reference_rates(HIST_90D)
    assert len(days) == 62
    assert days[0].day == datetime.date(2014, 6, 13)
    assert days[-1].day == datetime.date(2014, 3, 17)
    assert [d.day for d in days] == sorted((d.day for d in days), reverse=True)
    assert all(len(d.rates) == 32 for d in days)
    assert days[0].rates["USD"] == Decimal("1.3534")
    assert {"LTL", "HRK", "RUB"} <= set(days[0].rates)


def test_hist_csv_file() -> None:
    days = load_reference_rates(HIST_CSV)
    assert len(days) == 63
    assert days[0].day == datetime.date(2024, 12, 31)
    assert days[-1].day == datetime.date(2024, 10, 2)
    assert [d.day for d in days] == sorted((d.day for d in days), reverse=True)
    by_day = {d.day: d for d in days}
    assert by_day[datetime.date(2024, 10, 2)].rates["USD"] == Decimal("1.1071")
    assert by_day[datetime.date(2024, 12, 31)].rates["USD"] == Decimal("1.0389")
    for day in days:
        assert len(day.rates) == 30
        assert "RUB" not in day.rates
        assert "HRK" not in day.rates
        assert "CYP" not in day.rates
        assert "" not in day.rates


def test_csv_and_xml_agree_on_the_same_shape() -> None:
    csv_day = parse_ecb_csv(HIST_CSV.read_text(encoding="utf-8"))[0]
    assert isinstance(csv_day, ReferenceRates)
    assert set(csv_day.rates) == set(parse_ecb_xml(DAILY.read_bytes())[0].rates)


# ---------------------------------------------------------------- XML edge cases


def test_small_xml_is_sorted_newest_first() -> None:
    days = parse_ecb_xml(
        envelope(
            '<Cube time="2025-01-02"><Cube currency="USD" rate="1.03"/></Cube>'
            '<Cube time="2025-01-03"><Cube currency="USD" rate="1.04"/></Cube>'
        )
    )
    assert [d.day for d in days] == [datetime.date(2025, 1, 3), datetime.date(2025, 1, 2)]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(DAILY.read_bytes()[:700], id="truncated"),
        pytest.param(b"", id="empty"),
        pytest.param(b"not xml", id="garbage"),
        pytest.param(b"<Envelope><Cube/></Envelope>", id="wrong-root"),
        pytest.param(envelope(""), id="no-cubes"),
        pytest.param(envelope('<Cube time="2025-01-02"></Cube>'), id="day-without-rates"),
        pytest.param(
            envelope('<Cube time="2025-01-02"><Cube currency="USD" rate="-1.1"/></Cube>'),
            id="negative-rate",
        ),
        pytest.param(
            envelope('<Cube time="2025-01-02"><Cube currency="USD" rate="0"/></Cube>'),
            id="zero-rate",
        ),
        pytest.param(
            envelope('<Cube time="2025-01-02"><Cube currency="USD" rate="abc"/></Cube>'),
            id="abc-rate",
        ),
        pytest.param(
            envelope('<Cube time="2025-01-02"><Cube currency="USD" rate="1e3"/></Cube>'),
            id="exponent-rate",
        ),
        pytest.param(
            envelope('<Cube time="2025-01-02"><Cube currency="USD" rate=" 1.1"/></Cube>'),
            id="spaced-rate",
        ),
        pytest.param(
            envelope('<Cube time="2025-01-02"><Cube currency="USD"/></Cube>'), id="missing-rate"
        ),
        pytest.param(
            envelope('<Cube time="2025-01-02"><Cube currency="usd" rate="1.1"/></Cube>'),
            id="lower-case-currency",
        ),
        pytest.param(
            envelope('<Cube time="2025-01-02"><Cube currency="EUR" rate="1"/></Cube>'),
            id="eur-itself",
        ),
        pytest.param(
            envelope(
                '<Cube time="2025-01-02"><Cube currency="USD" rate="1.1"/>'
                '<Cube currency="USD" rate="1.2"/></Cube>'
            ),
            id="duplicate-currency",
        ),
        pytest.param(
            envelope(
                '<Cube time="2025-01-02"><Cube currency="USD" rate="1.1"/></Cube>'
                '<Cube time="2025-01-02"><Cube currency="USD" rate="1.1"/></Cube>'
            ),
            id="duplicate-day",
        ),
        pytest.param(
            envelope('<Cube time="20250102"><Cube currency="USD" rate="1.1"/></Cube>'),
            id="compact-date",
        ),
        pytest.param(
            envelope('<Cube time="2025-02-30"><Cube currency="USD" rate="1.1"/></Cube>'),
            id="impossible-date",
        ),
        pytest.param(
            envelope('<Cube><Cube currency="USD" rate="1.1"/></Cube>'), id="day-without-time"
        ),
        pytest.param(
            ENVELOPE.format('<Cube time="2025-01-02"><Cube currency="USD" rate="1.1"/></Cube>')
            .replace("eurofxref", "other")
            .encode(),
            id="wrong-namespace",
        ),
    ],
)
def test_malformed_xml(data: bytes) -> None:
    malformed(data)


def test_billion_laughs_is_refused() -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>'
        '<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01">&lol9;'
        "</gesmes:Envelope>"
    ).encode()
    assert "DTDForbidden" in malformed(bomb).detail


def test_external_entity_is_refused() -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01">&x;'
        b"</gesmes:Envelope>"
    )
    assert "DTDForbidden" in malformed(xxe).detail


def test_xml_must_be_bytes() -> None:
    malformed(DAILY.read_text())  # type: ignore[arg-type]


# ---------------------------------------------------------------- CSV edge cases

HEADER = "Date,USD,JPY,RUB,\n"


def test_small_csv_tolerances() -> None:
    text = HEADER + "2025-01-02,1.03,160.1,N/A,\n2025-01-03,1.04,161,N/A\n\n\n"
    days = parse_ecb_csv(text)
    assert [d.day for d in days] == [datetime.date(2025, 1, 3), datetime.date(2025, 1, 2)]
    assert dict(days[0].rates) == {"USD": Decimal("1.04"), "JPY": Decimal("161")}


def test_csv_with_spaces_crlf_and_bom() -> None:
    text = "\ufeffDate, USD, JPY\r\n2025-01-02, 1.03, 160.1\r\n"
    (day,) = parse_ecb_csv(text)
    assert day.rates == {"USD": Decimal("1.03"), "JPY": Decimal("160.1")}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("\n\n", id="blank"),
        pytest.param(HEADER, id="header-only"),
        pytest.param("Day,USD\n2025-01-02,1.1\n", id="bad-header"),
        pytest.param("Date,USD,USD\n2025-01-02,1.1,1.2\n", id="duplicate-column"),
        pytest.param("Date,usd\n2025-01-02,1.1\n", id="lower-case-column"),
        pytest.param("Date,EUR\n2025-01-02,1\n", id="eur-column"),
        pytest.param(HEADER + "2025-01-02,1.1,160\n", id="short-row"),
        pytest.param(HEADER + "2025-01-02,1.1,160,N/A,1,\n", id="long-row"),
        pytest.param(HEADER + "2025-01-02,-1.1,160,N/A,\n", id="negative-rate"),
        pytest.param(HEADER + "2025-01-02,0.0,160,N/A,\n", id="zero-rate"),
        pytest.param(HEADER + "2025-01-02,abc,160,N/A,\n", id="abc-rate"),
        pytest.param(HEADER + "2025-01-02,,160,N/A,\n", id="empty-cell"),
        pytest.param(HEADER + "2025-01-02,N/A,N/A,N/A,\n", id="day-without-rates"),
        pytest.param(HEADER + "02/01/2025,1.1,160,N/A,\n", id="bad-date"),
        pytest.param(
            HEADER + "2025-01-02,1.1,160,N/A,\n2025-01-02,1.1,160,N/A,\n", id="duplicate-day"
        ),
        pytest.param(
            HEADER + "2025-01-02,1.1,160,N/A,\n\n2025-01-03,1.1,160,N/A,\n", id="blank-inside"
        ),
    ],
)
def test_malformed_csv(text: str) -> None:
    with pytest.raises(EcbFormatError) as info:
        parse_ecb_csv(text)
    assert info.value.code == "ecb_rates_malformed"


# ---------------------------------------------------------------- loading by suffix


def test_load_by_suffix(tmp_path: Path) -> None:
    upper = tmp_path / "RATES.XML"
    upper.write_bytes(DAILY.read_bytes())
    assert load_reference_rates(upper)[0].rates["USD"] == Decimal("1.1252")
    for name, content in [("rates.json", b"{}"), ("rates", b""), ("rates.csv", b"\xff\xfe")]:
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(EcbFormatError):
            load_reference_rates(path)
