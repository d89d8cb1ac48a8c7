"""Packaging: pyproject.toml says what aifkg needs as compatible ranges; requirements.lock pins the versions
tested together, and must cover every requirement (a dependency added without `make lock` fails here)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [Requirement(line) for line in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        found += [Requirement(line) for line in extra]
    return found


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def test_dependencies_are_ranges_not_pins() -> None:
    found = requirements()
    assert found
    for requirement in found:
        operators = {spec.operator for spec in requirement.specifier}
        assert "==" not in operators, f"{requirement}: give a compatible range; the lock file pins"
        assert any(op.startswith("<") for op in operators), f"{requirement}: give an upper bound"


def test_the_lock_pins_every_requirement_inside_its_range() -> None:
    pins = locked()
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements.lock: run make lock"
        assert requirement.specifier.contains(pins[name]), f"{requirement.name}=={pins[name]} is outside {requirement}"
