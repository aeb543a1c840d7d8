"""A package's lazy exports (``core.lazy``): imported on first use, then kept."""

from __future__ import annotations

import json
import sys
import types

import pytest

from onramp.core.lazy import lazy_exports


@pytest.fixture
def package(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType("lazy_package")
    monkeypatch.setitem(sys.modules, "lazy_package", module)
    return module


def test_a_name_is_imported_on_first_use_and_kept(package: types.ModuleType) -> None:
    getattr_ = lazy_exports("lazy_package", {"to_json": ("json", "dumps")})
    assert getattr_("to_json") is json.dumps
    assert package.__dict__["to_json"] is json.dumps


def test_an_unknown_name_is_an_attribute_error(package: types.ModuleType) -> None:
    getattr_ = lazy_exports("lazy_package", {})
    with pytest.raises(AttributeError, match="lazy_package"):
        getattr_("missing")


def test_a_domain_surface_gives_the_object_its_module_defines() -> None:
    from onramp.compliance import ComplianceCase
    from onramp.compliance.cases import ComplianceCase as defined

    assert ComplianceCase is defined
