"""The figures bench/identity.py reports, as a readable table or as JSON. No I/O but printing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of ``values`` (NaN when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@dataclass(frozen=True)
class Latency:
    """How long one operation took, over ``len(seconds)`` samples."""

    label: str
    seconds: list[float]

    def row(self) -> str:
        p50, p99 = (percentile(self.seconds, p) * 1000 for p in (50, 99))
        return f"{self.label:<58} p50 {p50:9.2f} ms   p99 {p99:9.2f} ms   n={len(self.seconds)}"

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": "latency",
            "label": self.label,
            "n": len(self.seconds),
            "p50_ms": round(percentile(self.seconds, 50) * 1000, 3),
            "p99_ms": round(percentile(self.seconds, 99) * 1000, 3),
        }


@dataclass(frozen=True)
class Rate:
    """``count`` operations finished in ``seconds`` of wall time."""

    label: str
    count: int
    seconds: float
    unit: str

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else float("nan")

    def row(self) -> str:
        return (
            f"{self.label:<58} {self.per_second:9.1f} {self.unit}/s   "
            f"({self.count} in {self.seconds:.2f} s)"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": "rate",
            "label": self.label,
            "count": self.count,
            "seconds": round(self.seconds, 4),
            f"{self.unit}_per_s": round(self.per_second, 2),
        }


@dataclass(frozen=True)
class PerOperation:
    """A tight loop of ``iterations`` in-process calls taking ``seconds`` in all."""

    label: str
    iterations: int
    seconds: float

    @property
    def microseconds(self) -> float:
        return self.seconds / self.iterations * 1e6

    def row(self) -> str:
        value, unit = self.microseconds, "µs"
        if value >= 1000:
            value, unit = value / 1000, "ms"
        return f"{self.label:<58} {value:9.2f} {unit}/op   ({self.iterations} iterations)"

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": "per_operation",
            "label": self.label,
            "iterations": self.iterations,
            "us_per_op": round(self.microseconds, 3),
        }


Figure = Latency | Rate | PerOperation


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            self.title,
            *(f"  {figure.row()}" for figure in self.figures),
            *(f"  - {note}" for note in self.notes),
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "figures": [figure.as_json() for figure in self.figures],
            "notes": self.notes,
        }


def table(sections: list[Section]) -> str:
    return "\n\n".join("\n".join(section.lines()) for section in sections)


def as_json(sections: list[Section], context: dict[str, Any]) -> str:
    return json.dumps(
        {**context, "sections": [section.as_json() for section in sections]}, indent=2
    )
