"""The travel rule: originator and beneficiary data of transfers at or above the threshold,
recorded sealed and read by compliance officers. The orders domain decides when a record is
needed and gathers its data (see ``orders/travel/policy.py`` and docs/travel-rule.md)."""

from onramp.compliance.travel_rule.models import TravelRuleRecord
from onramp.compliance.travel_rule.service import (
    TRAVEL_RULE_RECORDED,
    TransferDraft,
    TravelRuleRecordNotFound,
    get_record,
    list_records,
    parties_of,
    purge_parties,
    record_of_order,
    record_transfer,
)

__all__ = [
    "TRAVEL_RULE_RECORDED",
    "TransferDraft",
    "TravelRuleRecord",
    "TravelRuleRecordNotFound",
    "get_record",
    "list_records",
    "parties_of",
    "purge_parties",
    "record_of_order",
    "record_transfer",
]
