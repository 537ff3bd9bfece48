"""The checkov exceptions file: each skipped check carries its written reason, none is skipped twice."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[3]
CONFIG = REPO_ROOT / ".checkov.yaml"


def test_every_skipped_check_is_justified_in_the_lines_above_it() -> None:
    lines = CONFIG.read_text().splitlines()
    skipped = yaml.safe_load(CONFIG.read_text())["skip-check"]
    assert len(skipped) == len(set(skipped))
    for index, line in enumerate(lines):
        match = re.fullmatch(r"\s*-\s*(CKV2?_AWS_\d+)\s*", line)
        if not match:
            continue
        # The comment block that opens the group this id belongs to (ids of one reason share it)
        above = index - 1
        while re.fullmatch(r"\s*-\s*CKV2?_AWS_\d+\s*", lines[above]):
            above -= 1
        reason = []
        while lines[above].lstrip().startswith("#"):
            reason.insert(0, lines[above].strip("# "))
            above -= 1
        assert len(" ".join(reason)) >= 80, f"{match[1]} needs a written reason above it"


def test_checkov_runs_offline_on_the_template_and_make_lint_runs_it() -> None:
    config = yaml.safe_load(CONFIG.read_text())
    assert config["file"] == ["template.yaml"] and config["skip-download"] is True
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert "--config-file .checkov.yaml" in makefile
    lint = makefile.split("\nlint:")[1].split("\n\n")[0]
    assert "checkov" in lint
