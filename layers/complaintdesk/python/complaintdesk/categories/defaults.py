"""The shipped default categories: ``infra/categories/*.json`` (or the folder ``CATEGORIES_DIR`` names)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from complaintdesk.categories.model import CategoryDefinition, CategoryError, parse_category

ENV_VAR = "CATEGORIES_DIR"


def default_categories_dir() -> Path:
    """``$CATEGORIES_DIR`` if set, else ``infra/categories`` at the repository root."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured)
    # layers/complaintdesk/python/complaintdesk/categories/defaults.py → repository root is 5 up.
    return Path(__file__).resolve().parents[5] / "infra" / "categories"


def load_default_categories(directory: Path | None = None) -> list[CategoryDefinition]:
    """Every ``*.json`` definition in the folder, validated, sorted by id. A bad file raises CategoryError."""
    folder = directory or default_categories_dir()
    if not folder.is_dir():
        raise FileNotFoundError(f"no categories folder at {folder} (set {ENV_VAR})")
    loaded: list[CategoryDefinition] = []
    for path in sorted(folder.glob("*.json")):
        try:
            definition = parse_category(json.loads(path.read_text(encoding="utf-8")))
        except CategoryError as exc:
            raise CategoryError(f"{path.name}: {exc.message}", details=exc.details) from None
        if path.stem != definition.id:
            raise CategoryError(f"{path.name}: the file name must be the category id {definition.id!r}")
        loaded.append(definition)
    return sorted(loaded, key=lambda d: d.id)
