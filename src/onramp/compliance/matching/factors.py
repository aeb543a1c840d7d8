"""Secondary factors of a name hit (step 6 of the score: ``compliance/matcher.py``): the date
of birth and the country, applied only when both sides know them."""

from __future__ import annotations

from onramp.compliance.countries import country_code
from onramp.compliance.matching.settings import MatchSettings
from onramp.compliance.normalise import fold


def dob_factor(given: str | None, known: tuple[str, ...], s: MatchSettings) -> tuple[float, str]:
    if not given or not known:
        return 0.0, ""
    if given in known:
        return s.dob_bonus, "same date of birth"
    year = given[:4]
    years = {y for dob in known for y in dob.split("/") if y[:4].isdigit()}
    if year in {y[:4] for y in years}:
        return s.dob_bonus / 2, "same year of birth"
    if year.isdigit() and all(abs(int(y[:4]) - int(year)) > 1 for y in years):
        return -s.dob_penalty, "different date of birth"
    return 0.0, ""


def country_factor(
    given: str | None, known: tuple[str, ...], s: MatchSettings
) -> tuple[float, str]:
    if not given or not known:
        return 0.0, ""
    # KYC gives an ISO code ("RU"), lists a name in their own spelling ("Russia", "RUSSIAN
    # FEDERATION"): both sides are compared as codes, and as folded text when either is unknown.
    code = country_code(given)
    if code is not None and code in {country_code(c) for c in known}:
        return s.country_bonus, "same country"
    if fold(given) in {fold(c) for c in known}:
        return s.country_bonus, "same country"
    return 0.0, ""
