"""requirements.lock as data: plain ``name==version`` pins by canonical name."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.utils import canonicalize_name

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9.+!_-]+)$")


def read_lock(path: Path) -> dict[str, str]:
    """``name==version`` lines by canonical name; anything else (hashes, URLs, markers) is an error."""
    pins: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        match = PIN.match(line.strip())
        if match is None:
            raise ValueError(f"{path.name}:{number}: not a plain name==version pin: {line!r}")
        pins[canonicalize_name(match["name"])] = match["version"]
    return pins
