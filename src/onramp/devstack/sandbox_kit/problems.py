"""A sandbox's RFC 9457 problem answers (``application/problem+json`` with ``type, title,
status, detail, code``), for the sandboxes whose vendors answer that way."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"


class SandboxProblem(Exception):
    """An RFC 9457 problem answered by the sandbox; without a title, one made of the code."""

    def __init__(self, status: int, code: str, title: str | None, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.title = title or code.replace("_", " ").capitalize()
        self.detail = detail

    def body(self, vendor: str = "sandbank") -> dict[str, Any]:
        return {
            "type": f"urn:{vendor}:problem:{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }

    def response(self, vendor: str) -> JSONResponse:
        return JSONResponse(self.body(vendor), status_code=self.status, media_type=PROBLEM_JSON)


def answer_problems(app: FastAPI, *, vendor: str) -> None:
    """Answer raised problems, invalid requests (422 ``invalid_request``) and unknown routes or
    methods (``not_found``, ``http_<status>``) as problems typed ``urn:<vendor>:problem:``."""

    @app.exception_handler(SandboxProblem)
    async def on_problem(_: Request, exc: SandboxProblem) -> JSONResponse:
        return exc.response(vendor)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = "; ".join(
            f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg', 'invalid')}"
            for err in exc.errors()
        )
        return SandboxProblem(422, "invalid_request", "Invalid request", details).response(vendor)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = "not_found" if exc.status_code == 404 else f"http_{exc.status_code}"
        problem = SandboxProblem(exc.status_code, code, str(exc.detail), str(exc.detail))
        return problem.response(vendor)
