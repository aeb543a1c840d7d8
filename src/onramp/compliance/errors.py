"""Compliance errors with stable codes."""

from __future__ import annotations

from onramp.core.errors import InvalidInput, Unavailable


class SanctionsListInvalid(InvalidInput):
    """A sanctions list file could not be read in the format it claims."""

    code = "sanctions_list_invalid"
    title = "The sanctions list file is not valid in its format"


class SanctionsFormatUnknown(InvalidInput):
    code = "sanctions_format_unknown"
    title = "Unknown sanctions list format"


class ScreeningBatchInvalid(InvalidInput):
    code = "screening_batch_invalid"
    title = "The screening batch is not a name,date_of_birth,country CSV"


class NoSanctionsListLoaded(InvalidInput):
    code = "sanctions_list_not_loaded"
    title = "No sanctions list is loaded; run `onramp screen load FILE` or pass --list"


class SanctionsListUnavailable(Unavailable):
    code = "sanctions_list_unavailable"
    title = "The sanctions list could not be fetched"
