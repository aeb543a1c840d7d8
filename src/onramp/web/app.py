"""The web UI installed on the API's app (``runtime.app.create_app``): the pages' routers, the
static files, the docs site (``/handbook``), and errors as pages for a browser."""

from __future__ import annotations

from fastapi import FastAPI

from onramp.web import admin, assets, customer, handbook, sessions
from onramp.web.errors import install_error_pages


def install_web(app: FastAPI) -> None:
    assets.manifest()  # no built assets stops start-up here, not the first page
    for router in (
        sessions.router,
        *customer.ROUTERS,
        *admin.ROUTERS,
        assets.router,
        handbook.router,
    ):
        app.include_router(router)
    install_error_pages(app)
