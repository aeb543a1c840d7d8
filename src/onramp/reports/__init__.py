"""Regulatory and audit reports over compliance, banking and fx data (docs/reports.md): the
CTR-style large-cash report, screening statistics, exports for auditors. Formats are templates
(``samples/config/reports``), not code."""

from typing import TYPE_CHECKING

from onramp.core.lazy import lazy_exports
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

if TYPE_CHECKING:
    from onramp.reports.api import router as reports_router
    from onramp.reports.catalogue import REPORTS as REPORTS
    from onramp.reports.catalogue import Report as Report
    from onramp.reports.catalogue import ReportRequest as ReportRequest
    from onramp.reports.catalogue import parameters as parameters
    from onramp.reports.catalogue import produce as produce
    from onramp.reports.mailing import email_reports_once as email_reports_once
    from onramp.reports.operations import Grain as Grain
    from onramp.reports.tables import Printed as Printed
    from onramp.reports.tables import Table as Table
    from onramp.reports.tables import table_pdf as table_pdf
    from onramp.reports.tables import tabulate as tabulate

_LAZY = {
    "REPORTS": ("onramp.reports.catalogue", "REPORTS"),
    "Report": ("onramp.reports.catalogue", "Report"),
    "ReportRequest": ("onramp.reports.catalogue", "ReportRequest"),
    "parameters": ("onramp.reports.catalogue", "parameters"),
    "produce": ("onramp.reports.catalogue", "produce"),
    "Grain": ("onramp.reports.operations", "Grain"),
    "Printed": ("onramp.reports.tables", "Printed"),
    "email_reports_once": ("onramp.reports.mailing", "email_reports_once"),
    "reports_router": ("onramp.reports.api", "router"),
    "Table": ("onramp.reports.tables", "Table"),
    "table_pdf": ("onramp.reports.tables", "table_pdf"),
    "tabulate": ("onramp.reports.tables", "tabulate"),
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "Dataset",
    "Document",
    "Grain",
    "Printed",
    "Period",
    "REPORTS",
    "Report",
    "ReportFormat",
    "ReportPeriodInvalid",
    "ReportRequest",
    "ReportTemplateInvalid",
    "ctr_document",
    "email_reports_once",
    "export_document",
    "fx_position_document",
    "parameters",
    "pricing_document",
    "produce",
    "reports_router",
    "stats_document",
    "Table",
    "table_pdf",
    "tabulate",
]
