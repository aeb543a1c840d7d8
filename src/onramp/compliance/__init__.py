"""Compliance: sanctions screening, transaction monitoring, cases and reports."""
