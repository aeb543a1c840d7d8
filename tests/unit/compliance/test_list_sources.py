"""Which lists the scheduled refresh loads, read from settings."""

from __future__ import annotations

from onramp.compliance.refresh import ListSource, configured_sources


def test_the_default_url_and_every_listed_source_are_refreshed_once() -> None:
    sources = configured_sources(
        "https://sanctionslist.ofac.treas.gov/api/download/sdn_advanced.xml",
        "ofac-advanced-xml",
        [
            "eu-fsf-xml=https://webgate.ec.europa.eu/fsd/fsf/public/files/xml/content?token=abc",
            "/srv/lists/consolidated.xml",
            "",
            "/srv/lists/consolidated.xml",
        ],
    )
    assert sources == (
        ListSource(
            "https://sanctionslist.ofac.treas.gov/api/download/sdn_advanced.xml",
            "ofac-advanced-xml",
        ),
        ListSource(
            "https://webgate.ec.europa.eu/fsd/fsf/public/files/xml/content?token=abc",
            "eu-fsf-xml",
        ),
        ListSource("/srv/lists/consolidated.xml"),
    )


def test_nothing_configured_refreshes_nothing() -> None:
    assert configured_sources("", "", ()) == ()


def test_an_equals_sign_that_names_no_format_is_part_of_the_location() -> None:
    assert ListSource.parse("https://example.org/list?a=b").list_format is None
    assert ListSource.parse("https://example.org/list?a=b").location == (
        "https://example.org/list?a=b"
    )


def test_logs_never_show_a_query_string() -> None:
    eu = ListSource("https://example.org/files/xml/content?token=s3cret")
    assert eu.shown == "https://example.org/files/xml/content"
    assert ListSource("/srv/lists/sdn.csv").shown == "/srv/lists/sdn.csv"
