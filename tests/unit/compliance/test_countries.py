"""ISO codes (as KYC stores nationality) and the lists' country names compare as countries."""

from __future__ import annotations

from pathlib import Path

import pytest

from onramp.compliance import load_list
from onramp.compliance.countries import country_code
from onramp.compliance.matcher import NameMatcher

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("RU", "RU"),
        ("ru", "RU"),
        ("Russia", "RU"),  # OFAC
        ("Russian Federation", "RU"),  # the UN
        ("RUSSIAN FEDERATION", "RU"),  # the EU
        ("Korea, North", "KP"),
        ("Democratic People's Republic of Korea", "KP"),
        ("Iran (Islamic Republic of)", "IR"),
        ("Democratic Republic of the Congo", "CD"),
        ("Congo, Democratic Republic of the", "CD"),
        ("Burma", "MM"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("Cote d Ivoire", "CI"),
        ("IRAQ", "IQ"),
        ("The Gambia", "GM"),
        ("undetermined", None),
        ("Region: Gaza", None),
        ("XX", None),
        ("", None),
    ],
)
def test_country_code(value: str, code: str | None) -> None:
    assert country_code(value) == code


def test_an_iso_nationality_earns_the_country_bonus_on_every_list() -> None:
    ofac = NameMatcher(load_list(DATA / "ofac" / "sdn_advanced_subset.xml"))
    plain = ofac.best("Roman Semenuv")
    coded = ofac.best("Roman Semenuv", country="RU")  # the list says "Russia"
    assert plain is not None
    assert coded is not None
    assert "same country" in coded.reason
    assert coded.score == pytest.approx(plain.score + ofac.settings.country_bonus)
    elsewhere = ofac.best("Roman Semenuv", country="FR")
    assert elsewhere is not None
    assert elsewhere.score == plain.score

    eu = NameMatcher(load_list(DATA / "eu" / "fsf_2024-12-11_excerpt.xml"))
    saddam = eu.best("Saddam Hussein", country="IQ")  # the EU says "IRAQ"
    assert saddam is not None
    assert "same country" in saddam.reason

    un = NameMatcher(load_list(DATA / "un" / "consolidated_excerpt.xml"))
    badege = un.best("Eric Badege", country="CD")  # "Democratic Republic of the Congo"
    assert badege is not None
    assert "same country" in badege.reason
