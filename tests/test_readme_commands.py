"""The README's command lines that run on the embedded fake (``--demo``) run as written.

Every line of a ``bash`` block that starts with ``openai-org-usage`` and has ``--demo`` runs in
a fresh directory with no key set and must succeed (or exit with the status its comment
promises, ``# exits 3``); servers (``metrics serve``, ``mcp``,
``fake-server``), which run until stopped, are tested by their own modules.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
TEXT = README.read_text()
SERVERS = (("metrics", "serve"), ("mcp",), ("fake-server",))


def _demo_lines() -> list[tuple[str, int]]:
    """(command, the exit status its comment promises: ``# exits 3``; else 0)."""
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", TEXT, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if not words or words[0] != "openai-org-usage" or "--demo" not in words:
                continue
            if any(tuple(words[1 : 1 + len(server)]) == server for server in SERVERS):
                continue
            command, _, comment = line.partition("#")
            promised = re.search(r"\bexits (\d+)", comment)
            lines.append((command.strip(), int(promised.group(1)) if promised else 0))
    return lines


DEMO_LINES = _demo_lines()


def test_the_readme_has_demo_commands() -> None:
    assert len(DEMO_LINES) >= 6


@pytest.mark.parametrize(("line", "status"), DEMO_LINES, ids=[line for line, _ in DEMO_LINES])
def test_demo_command_runs_as_written(line: str, status: int, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_ADMIN_KEY", "OPENAI_BASE_URL")}
    words = shlex.split(line)
    done = subprocess.run(
        [sys.executable, "-m", "openai_org_usage.cli", *words[1:]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == status, f"{line}\n{done.stderr[-2000:]}"
    assert done.stdout.strip() or any(tmp_path.iterdir()) or "-o" in words or "write" in words
