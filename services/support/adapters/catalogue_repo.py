"""Reads the programme catalogue: the national file shipped in ``services/support/data/`` and
the province's override files (setting ``SUPPORT_CATALOGUE_OVERRIDES``).

The only module of support that reads the catalogue's files; validation and merging are the
domain's (``services.support.domain.catalogue``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from services.support.domain.catalogue import Catalogue, CatalogueDataError, build_catalogue

NATIONAL_FILE = Path(__file__).resolve().parent.parent / "data" / "programmes.toml"


def read_mapping(path: Path) -> dict[str, Any]:
    """Parse one TOML file; a syntax error becomes a ``CatalogueDataError`` naming the file."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{path}: {exc}"
        raise CatalogueDataError(msg) from exc
    except OSError as exc:
        msg = f"{path}: {exc.strerror}"
        raise CatalogueDataError(msg) from exc


def load_catalogue(
    override_paths: Iterable[Path] = (), national: Path = NATIONAL_FILE
) -> Catalogue:
    """The national catalogue with each override file applied in order."""
    overrides = [(str(p), read_mapping(p)) for p in override_paths]
    try:
        return build_catalogue(read_mapping(national), overrides)
    except CatalogueDataError as exc:
        msg = f"{national}: {exc}" if not overrides else str(exc)
        raise CatalogueDataError(msg) from exc
