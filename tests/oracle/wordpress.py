"""Run WordPress's rendering (``harness.php`` under PHP) over many posts and comments at once.

PHP is found on PATH and WordPress at ``$WPMIGRATE_WORDPRESS`` (default ``/usr/share/wordpress``,
Debian's ``wordpress`` package, which .ci/setup-tools installs). Where either is missing the
tests skip, except with WPMIGRATE_REQUIRE_TOOLS=1 (CI), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "harness.php"
WORDPRESS = Path(os.environ.get("WPMIGRATE_WORDPRESS", "/usr/share/wordpress"))
#: Time limit of one harness run (the whole shared corpus takes well under a minute).
TIMEOUT = 1800


class OracleError(RuntimeError):
    """The harness could not run, or answered something that is not its protocol."""


@dataclass(frozen=True)
class Item:
    """One piece of content to render: a post's content or a comment's text."""

    id: str
    kind: str  # "post" or "comment"
    text: str
    post_id: int = 0
    meta: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    """WordPress's output for one item, by stage; a stage that failed has its message in ``errors``."""

    stages: Mapping[str, str]
    errors: Mapping[str, str]


def missing() -> str | None:
    """Why the oracle cannot run here, or None when PHP and WordPress are both installed."""
    if not shutil.which("php"):
        return "php is not installed (Debian: apt-get install php-cli; .ci/setup-tools installs it)"
    if not (WORDPRESS / "wp-includes" / "formatting.php").is_file():
        return f"WordPress is not at {WORDPRESS} (Debian: apt-get install wordpress; .ci/setup-tools installs it)"
    return None


def require() -> None:
    """Skip the calling test when the oracle cannot run (fail with WPMIGRATE_REQUIRE_TOOLS=1)."""
    import pytest  # noqa: PLC0415 - the benchmark uses this module without pytest

    reason = missing()
    if reason is None:
        return
    if os.environ.get("WPMIGRATE_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{reason}; required with WPMIGRATE_REQUIRE_TOOLS=1: run .ci/setup-tools as root")
    pytest.skip(reason)


def _command() -> list[str]:
    return ["php", "-d", "memory_limit=-1", "-d", "display_errors=stderr", str(HARNESS)]


def _env() -> dict[str, str]:
    return {**os.environ, "WPMIGRATE_WORDPRESS": str(WORDPRESS)}


class Session:
    """One harness process answering items one at a time (for Hypothesis, which makes its
    examples one by one). Use as a context manager."""

    def __init__(self, settings: Mapping[str, object]) -> None:
        self._settings = settings
        self._proc: subprocess.Popen | None = None

    def __enter__(self) -> Session:
        try:
            self._proc = subprocess.Popen(_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
                                          errors="surrogateescape", env=_env())
        except OSError as exc:
            raise OracleError(f"harness.php did not start: {exc}") from exc
        self._send(dict(self._settings))
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._proc is not None:
            self._proc.stdin.close()
            self._proc.wait(timeout=60)
            self._proc.stdout.close()

    def render(self, item: Item) -> Rendered:
        """WordPress's output for one item."""
        self._send(asdict(item))
        line = self._proc.stdout.readline()
        if not line:
            raise OracleError(f"harness.php stopped (status {self._proc.poll()}) on item {item.id!r}")
        return _parse(line, 1)[str(item.id)]

    def _send(self, obj: Mapping[str, object]) -> None:
        try:
            self._proc.stdin.write(json.dumps(obj, ensure_ascii=False) + "\n")
            self._proc.stdin.flush()
        except BrokenPipeError as exc:
            raise OracleError(f"harness.php stopped (status {self._proc.poll()})") from exc


def render(items: Iterable[Item], settings: Mapping[str, object]) -> dict[str, Rendered]:
    """WordPress's output for every item, by item id, from one PHP process.

    ``settings`` is the harness's first line (see harness.php): ``home``, ``attachments``,
    ``markers``, ``first`` and ``skip``.
    """
    items = list(items)
    lines = [json.dumps(dict(settings), ensure_ascii=False)]
    lines += [json.dumps(asdict(item), ensure_ascii=False) for item in items]
    try:
        done = subprocess.run(
            _command(), input="\n".join(lines) + "\n", capture_output=True, text=True, encoding="utf-8",
            errors="surrogateescape", timeout=TIMEOUT, env=_env(), check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OracleError(f"harness.php did not run: {exc}") from exc
    if done.returncode != 0:
        raise OracleError(f"harness.php exited with status {done.returncode}: {done.stderr.strip()[-2000:]}")
    return _parse(done.stdout, len(items))


def _parse(stdout: str, expected: int) -> dict[str, Rendered]:
    out: dict[str, Rendered] = {}
    for line in stdout.splitlines():
        try:
            answer = json.loads(line)
            out[str(answer["id"])] = Rendered(answer["stages"] or {}, answer["errors"] or {})
        except (ValueError, KeyError, TypeError) as exc:
            raise OracleError(f"harness.php wrote a line that is not a result: {line[:200]!r}") from exc
    if len(out) != expected:
        raise OracleError(f"harness.php answered {len(out)} items of {expected}")
    return out
