"""A sandbox's RFC 9457 problem answers."""

from __future__ import annotations

from typing import Any


class SandboxProblem(Exception):
    """An RFC 9457 problem answered by the sandbox."""

    def __init__(self, status: int, code: str, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail

    def body(self) -> dict[str, Any]:
        return {
            "type": f"urn:sandbank:problem:{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
