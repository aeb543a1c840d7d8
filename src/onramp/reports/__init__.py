"""Regulatory and audit reports over compliance, banking and fx data (docs/reports.md): the
CTR-style large-cash report, screening statistics, exports for auditors. Formats are templates
(``samples/config/reports``), not code."""

from onramp.reports.exports import Dataset
from onramp.reports.period import Period, ReportPeriodInvalid
from onramp.reports.service import (
    Document,
    ctr_document,
    export_document,
    fx_position_document,
    pricing_document,
    stats_document,
)
from onramp.reports.templates import ReportFormat, ReportTemplateInvalid

__all__ = [
    "Dataset",
    "Document",
    "Period",
    "ReportFormat",
    "ReportPeriodInvalid",
    "ReportTemplateInvalid",
    "ctr_document",
    "export_document",
    "fx_position_document",
    "pricing_document",
    "stats_document",
]
