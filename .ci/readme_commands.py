"""Print the README's set-up commands, one per line, exactly as a reader would paste them.

They are the ``sh`` code blocks of the "## Set up" section. CI runs what this prints
(.ci/run-readme), so the README and CI cannot drift apart; no command found is an error.
Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SECTION = "## Set up"
EXPECTED = 2  # install and convert the sample; install and run the tests
_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)


def setup_commands(readme: str) -> list[str]:
    """The commands of the set-up section's ``sh`` blocks, a block's lines joined."""
    start = readme.find(f"\n{SECTION}\n")
    if start < 0:
        raise ValueError(f"README.md has no {SECTION!r} section")
    end = readme.find("\n## ", start + 1)
    section = readme[start : end if end >= 0 else len(readme)]
    commands = []
    for block in _BLOCK.findall(section):
        lines = [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        commands.append(" && ".join(lines))
    return commands


def main() -> int:
    readme = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md").read_text(encoding="utf-8")
    commands = setup_commands(readme)
    if len(commands) != EXPECTED:
        print(f"readme_commands: expected {EXPECTED} sh blocks under {SECTION!r}, found {len(commands)}",
              file=sys.stderr)
        return 1
    print("\n".join(commands))
    return 0


if __name__ == "__main__":
    sys.exit(main())
