"""List adapters read the real OFAC samples (tests/data/ofac) into the common model."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from onramp.compliance.errors import SanctionsFormatUnknown, SanctionsListInvalid
from onramp.compliance.lists import EntryType, SanctionsList, load_list

DATA = Path(__file__).resolve().parents[2] / "data" / "ofac"
ADVANCED = DATA / "sdn_advanced_subset.xml"
TORNADO = DATA / "sdn_advanced_tornado_cash_2025-03-04.xml"
LEGACY_2024 = DATA / "sdn_2024-05-03_subset.csv"
TINY = DATA / "legacy_csv_tiny"


@pytest.fixture(scope="module")
def advanced() -> SanctionsList:
    return load_list(ADVANCED)


def _by_uid(sanctions: SanctionsList) -> dict[str, object]:
    return {e.uid: e for e in sanctions.entries}


def test_advanced_counts(advanced: SanctionsList) -> None:
    assert advanced.issued == "2025-11-19"
    assert advanced.format == "ofac-advanced-xml"
    types = Counter(e.entry_type for e in advanced.entries)
    assert types == {EntryType.INDIVIDUAL: 149, EntryType.ENTITY: 130}
    currencies = Counter(a.currency for e in advanced.entries for a in e.addresses)
    assert currencies["ETH"] == 77
    assert currencies["XBT"] == 519
    assert currencies["USDC"] == 2
    assert all(e.primary_name for e in advanced.entries)


def test_advanced_eth_addresses_match_the_published_address_list(advanced: SanctionsList) -> None:
    published = {line.strip().lower() for line in (DATA / "sanctioned_addresses_ETH.txt").open()}
    ours = {addr for cur, addr in advanced.addresses() if cur == "ETH"}
    assert ours == published - {""}


def test_advanced_individual(advanced: SanctionsList) -> None:
    semenov = next(e for e in advanced.entries if e.uid == "44718")
    assert semenov.primary_name == "Semenov, Roman"
    assert semenov.entry_type == EntryType.INDIVIDUAL
    assert semenov.dates_of_birth == ("1987-11-08",)
    assert semenov.countries == ("Russia",)
    assert [(a.name, a.strong) for a in semenov.aliases] == [("Roma", False), ("Poma", False)]
    assert semenov.programs == ("DPRK3",)
    assert len([a for a in semenov.addresses if a.currency == "ETH"]) == 8
    abbas = next(e for e in advanced.entries if e.uid == "2674")
    assert abbas.primary_name == "ABBAS, Abu"
    assert [a.name for a in abbas.aliases] == ["ZAYDAN, Muhammad"]
    assert abbas.aliases[0].strong
    assert abbas.dates_of_birth == ("1948-12-10",)


def test_advanced_entity(advanced: SanctionsList) -> None:
    lazarus = next(e for e in advanced.entries if e.uid == "27307")
    assert lazarus.primary_name == "Lazarus Group"
    assert lazarus.entry_type == EntryType.ENTITY
    assert "Hidden Cobra" in {a.name for a in lazarus.aliases}
    assert len([a for a in lazarus.addresses if a.currency == "ETH"]) == 8


def test_tornado_cash_file() -> None:
    tornado = load_list(TORNADO)
    assert tornado.issued == "2025-03-04"
    assert [e.primary_name for e in tornado.entries] == ["TORNADO CASH"]
    assert len([a for a in tornado.entries[0].addresses if a.currency == "ETH"]) == 90


def test_legacy_sdn_alone_misses_overflowed_addresses() -> None:
    legacy = load_list(LEGACY_2024)
    assert len(legacy.entries) == 255
    eth = [(e.uid, a.address) for e in legacy.entries for a in e.addresses if a.currency == "ETH"]
    assert len(eth) == 49
    assert len({uid for uid, _ in eth}) == 19
    tornado = next(e for e in legacy.entries if e.uid == "39796")
    # Remarks are cut at 1,000 characters; the rest is in sdn_comments.csv, absent here.
    assert len([a for a in tornado.addresses if a.currency == "ETH"]) == 12
    semenov = next(e for e in legacy.entries if e.uid == "44718")
    assert semenov.primary_name == "SEMENOV, Roman"
    assert semenov.programs == ("DPRK3", "CYBER2")
    assert semenov.dates_of_birth == ("1987-11-08",)


def test_legacy_set_joins_alt_add_and_comments() -> None:
    tiny = load_list(TINY)
    assert tiny.format == "ofac-legacy-csv"
    assert len(tiny.entries) == 17
    by_uid = {e.uid: e for e in tiny.entries}
    suex = by_uid["33151"]
    suex_eth = [a.address for a in suex.addresses if a.currency == "ETH"]
    # All four ETH addresses of SUEX are in the sdn_comments.csv overflow row.
    assert "0x2f389ce8bd8ff92de3402ffce4691d17fc4f6535" in suex_eth
    assert len(suex_eth) == 4
    iran = by_uid["11195"]
    strong = {a.name for a in iran.aliases if a.strong}
    weak = {a.name for a in iran.aliases if not a.strong}
    assert "HESA TRADE CENTER" in strong
    assert "HESA" in weak
    assert iran.countries == ("Iran",)
    assert by_uid["29702"].dates_of_birth == ("1992-12-26",)
    assert {e.entry_type for e in tiny.entries} >= {
        EntryType.INDIVIDUAL,
        EntryType.ENTITY,
        EntryType.VESSEL,
        EntryType.AIRCRAFT,
    }


def test_bad_files_raise_domain_errors(tmp_path: Path) -> None:
    with pytest.raises(SanctionsFormatUnknown):
        load_list(tmp_path / "list.pdf")
    broken = tmp_path / "broken.xml"
    broken.write_text("<Sanctions><Oops></Sanctions>")
    with pytest.raises(SanctionsListInvalid):
        load_list(broken)
    not_sdn = tmp_path / "other.csv"
    not_sdn.write_text("name,date_of_birth\nJohn,1990\n")
    with pytest.raises(SanctionsListInvalid) as caught:
        load_list(not_sdn)
    assert caught.value.code == "sanctions_list_invalid"


def test_legacy_remarks_ending_with_a_date_of_birth(tmp_path: Path) -> None:
    # The legacy file ends a row's remarks with its full stop right after the date ("DOB 22 Sep
    # 1981."), and gives some dates as a range: both loaded, not a ValueError on "1981.".
    sdn = tmp_path / "sdn.csv"
    sdn.write_text(
        '1,"DOE, Ivan Petrovich","individual","MAGNIT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
        '"DOB 22 Sep 1981."\n'
        '2,"ROE, Olim","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
        '"DOB 01 Jan 1977 to 31 Dec 1985; nationality Uzbekistan."\n'
    )
    loaded = {e.uid: e for e in load_list(sdn).entries}
    assert loaded["1"].dates_of_birth == ("1981-09-22",)
    assert loaded["2"].dates_of_birth == ("1977/1985",)
