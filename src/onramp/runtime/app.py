"""The API application as the settings compose it: the HTTP edge (``api.app``) with the bank
and KYC adapters ``runtime.adapters`` picks by name, and the web UI's pages (``web``) on it."""

from __future__ import annotations

from fastapi import FastAPI

from onramp.api import build_app
from onramp.core.clock import Clock
from onramp.core.settings import Settings
from onramp.runtime import adapters
from onramp.web import install_web


def create_app(settings: Settings, *, clock: Clock | None = None) -> FastAPI:
    app = build_app(
        settings,
        bank_adapters=adapters.bank_webhooks(settings),
        kyc_vendors=adapters.kyc_vendors(settings),
        clock=clock,
    )
    install_web(app)
    return app
