"""The shipped default categories: ``complaintdesk/categories/shipped/*.json``, package data of this
package (so they travel in the Lambda layer, under ``/opt/python``), or the folder ``CATEGORIES_DIR``
names instead."""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from complaintdesk.categories.model import CategoryDefinition, CategoryError, parse_category

ENV_VAR = "CATEGORIES_DIR"
SHIPPED = "shipped"


def shipped_categories_dir() -> Traversable:
    """The folder of definitions that ships inside the package (wherever the package is installed)."""
    return resources.files("complaintdesk.categories") / SHIPPED


def default_categories_dir() -> Traversable:
    """``$CATEGORIES_DIR`` if set (an override: another set of defaults), else the shipped folder."""
    from complaintdesk.settings import get_settings

    configured = get_settings().categories_dir
    if configured:
        return Path(configured)
    return shipped_categories_dir()


def load_default_categories(directory: Traversable | None = None) -> list[CategoryDefinition]:
    """Every ``*.json`` definition in the folder, validated, sorted by id. A bad file raises CategoryError."""
    folder = directory or default_categories_dir()
    if not folder.is_dir():
        raise FileNotFoundError(f"no categories folder at {folder} (set {ENV_VAR})")
    loaded: list[CategoryDefinition] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json") or not entry.is_file():
            continue
        try:
            definition = parse_category(json.loads(entry.read_text(encoding="utf-8")))
        except CategoryError as exc:
            raise CategoryError(f"{entry.name}: {exc.message}", details=exc.details) from None
        if entry.name.removesuffix(".json") != definition.id:
            raise CategoryError(f"{entry.name}: the file name must be the category id {definition.id!r}")
        loaded.append(definition)
    return sorted(loaded, key=lambda d: d.id)
