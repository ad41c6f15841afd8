"""Loads poverty standards from their TOML data files: the national files shipped in
``services/assessment/standards/`` and optional province override files.

The only module of the assessment engine that does file I/O; validation and merging are
the domain's (``services.assessment.domain.standard``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from services.assessment.domain.errors import StandardDataError
from services.assessment.domain.standard import Standard, merge_override

STANDARDS_DIR = Path(__file__).resolve().parent.parent / "standards"
"""Directory of the national standard files shipped with the package."""


def read_mapping(path: Path) -> dict[str, Any]:
    """Parse one TOML file; a syntax error becomes a ``StandardDataError`` naming the file."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{path}: {exc}"
        raise StandardDataError(msg) from exc


def national_mappings(directory: Path = STANDARDS_DIR) -> dict[str, dict[str, Any]]:
    """The parsed national standards in ``directory`` by id (file name = id + ``.toml``)."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.toml")):
        raw = read_mapping(path)
        if raw.get("id") != path.stem:
            msg = f"{path}: id {raw.get('id')!r} does not match the file name"
            raise StandardDataError(msg)
        out[path.stem] = raw
    return out


def load_national_standards(directory: Path = STANDARDS_DIR) -> tuple[Standard, ...]:
    """Every national standard shipped with the package, validated."""
    return tuple(Standard.from_mapping(raw) for raw in national_mappings(directory).values())


def load_standard(
    standard_id: str,
    override_paths: Iterable[Path] = (),
    directory: Path = STANDARDS_DIR,
) -> Standard:
    """A national standard with zero or more province override files merged over it, in
    order. Its ``rule_hash`` covers the merged result."""
    nationals = national_mappings(directory)
    if standard_id not in nationals:
        msg = f"no standard file for {standard_id!r} in {directory}"
        raise StandardDataError(msg)
    merged: Mapping[str, Any] = nationals[standard_id]
    for path in override_paths:
        override = read_mapping(path)
        override.setdefault("base", standard_id)
        merged = merge_override(merged, override)
    return Standard.from_mapping(merged)


def load_with_overrides(
    override_paths: Iterable[Path] = (), directory: Path = STANDARDS_DIR
) -> tuple[Standard, ...]:
    """National standards plus one local standard per override file (each names its
    ``base``), ready for ``standard_for_year(..., province_code=...)``."""
    nationals = national_mappings(directory)
    out = [Standard.from_mapping(raw) for raw in nationals.values()]
    for path in override_paths:
        override = read_mapping(path)
        base = override.get("base")
        if base not in nationals:
            msg = f"{path}: base {base!r} is not a national standard"
            raise StandardDataError(msg)
        out.append(Standard.from_mapping(merge_override(nationals[base], override)))
    return tuple(out)
