"""Print the installed versions of the project's direct dependencies, for CI's log."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
wanted = project["dependencies"] + project["optional-dependencies"]["test"]
names = dict.fromkeys(re.match(r"[A-Za-z0-9_.-]+", spec).group() for spec in wanted)


def installed(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "missing"


print(", ".join(f"{name} {installed(name)}" for name in names))
