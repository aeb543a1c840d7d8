"""Outgoing email transports."""
