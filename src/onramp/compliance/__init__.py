"""Compliance: sanctions lists, name and address screening."""
