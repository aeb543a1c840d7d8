"""The web UI: the customer dashboard (``/app``) and the back office (``/admin``), pages rendered
on the server from Jinja2 templates by the same FastAPI app as the JSON API (``install_web``).
Like ``api``, it holds no SQL and no business rule: its pages call the services the JSON routes
call. docs/web.md says how it is built."""

from onramp.web.app import install_web

__all__ = ["install_web"]
