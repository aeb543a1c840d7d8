"""Names a package exports but imports only when an importer first asks for one (PEP 562).

A package's ``__init__`` is its public surface; importing it eagerly would import every module
behind every name (the CLI would load SQLAlchemy models and PDF rendering to print its help). So
the names other packages need beyond the package's core ones are listed in ``_LAZY`` and resolved
here, on the first ``from onramp.<package> import name``: the module behind a name loads at the
same moment it did when importers named the module itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def lazy_exports(package: str, exports: Mapping[str, tuple[str, str]]) -> Callable[[str], object]:
    """The module ``__getattr__`` of ``package``: ``exports`` maps a name to (module, name)."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> object:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = exports[name]
        value = getattr(importlib.import_module(module), attribute)
        namespace[name] = value  # later lookups find it without asking again
        return value

    return __getattr__
