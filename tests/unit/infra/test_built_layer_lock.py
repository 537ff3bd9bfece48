"""requirements.lock pins what the tests run and what the layer installs (`make lock` writes both copies).

The issue found the built layer with a newer pydantic than the venv the tests had passed on. Now
`make install` installs with the lock as constraints, the layer's Makefile installs with its copy
(SAM copies only the layer's folder into the build), and these tests fail when the venv's versions
of the layer's packages drift from the lock. tests/integration/test_built_layer.py checks the
versions the built layer really holds.
"""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.lock import read_lock

REPO = Path(__file__).resolve().parents[3]
LOCK = REPO / "requirements.lock"
LAYER = REPO / "layers" / "complaintdesk"
# Lambda's python3.11 on arm64, for the markers of the layer's dependencies.
LAMBDA_MARKERS = {
    "python_version": "3.11",
    "python_full_version": "3.11.0",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "aarch64",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
}


def layer_requirements() -> list[Requirement]:
    """What the layer's Makefile installs: requirements.txt, plus Chalice (installed without its deps)."""
    lines = (LAYER / "requirements.txt").read_text(encoding="utf-8").splitlines()
    wanted = [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]
    chalice = re.search(r"^CHALICE \?= (.+)$", (LAYER / "Makefile").read_text(encoding="utf-8"), re.M)
    assert chalice, "the layer's Makefile names the Chalice it installs"
    return [*wanted, Requirement(chalice[1].strip())]


def layer_packages() -> set[str]:
    """Every distribution the layer installs: its requirements and their dependencies (extras and
    markers evaluated for Lambda), as the venv's metadata states them. Chalice brings none."""
    found: set[str] = set()
    pending = [(r, r.name != "chalice") for r in layer_requirements()]
    while pending:
        requirement, follow = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        found.add(name)
        if not follow:
            continue
        for text in importlib.metadata.requires(name) or []:
            dependency = Requirement(text)
            extras = requirement.extras or {""}
            if dependency.marker is None or any(
                dependency.marker.evaluate({**LAMBDA_MARKERS, "extra": extra}) for extra in extras
            ):
                pending.append((dependency, True))
    return found


def test_the_layer_builds_from_the_same_lock() -> None:
    """SAM copies only layers/complaintdesk/ into the build, so the layer keeps a copy; `make lock`
    writes both."""
    assert (LAYER / "requirements.lock").read_text(encoding="utf-8") == LOCK.read_text(encoding="utf-8"), (
        "layers/complaintdesk/requirements.lock differs from requirements.lock: run `make lock`"
    )


def test_the_lock_pins_plain_versions_for_any_platform() -> None:
    pins = read_lock(LOCK)
    assert {"pydantic", "pydantic-core", "boto3", "moto", "pytest"} <= set(pins)
    assert "complaintdesk" not in pins  # the project itself is installed from the checkout


def test_the_layers_packages_are_all_locked() -> None:
    packages = layer_packages()
    assert {
        "pydantic",
        "pydantic-core",
        "aws-lambda-powertools",
        "aws-xray-sdk",
        "pynamodb",
        "chalice",
    } <= packages
    assert sorted(packages - set(read_lock(LOCK))) == [], "run `make lock`"


def test_the_venv_runs_the_locked_versions_of_the_layers_packages() -> None:
    """What the tests import is what the layer installs."""
    pins = read_lock(LOCK)
    drift = {
        name: {"venv": importlib.metadata.version(name), "lock": pins.get(name)}
        for name in sorted(layer_packages())
        if importlib.metadata.version(name) != pins.get(name)
    }
    assert drift == {}, (
        "the venv and requirements.lock differ: `make install` (or `make lock` after a change)"
    )
