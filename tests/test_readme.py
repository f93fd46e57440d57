"""The README's runnable examples run, and its two commands are where CI looks for them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
TEXT = README.read_text()
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, flags=re.S)
# Examples that need no key: the ones that run against the embedded fake API.
RUNNABLE = [block for block in PYTHON_BLOCKS if "FakeUsageAPI" in block]


def test_there_are_runnable_examples() -> None:
    assert len(RUNNABLE) >= 2


@pytest.mark.parametrize("block", RUNNABLE, ids=lambda b: b.splitlines()[0][:40])
def test_example_runs(block: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(block, str(README), "exec"), {"__name__": "__readme__"})
    assert capsys.readouterr().out.strip(), "the example prints its result"


@pytest.mark.parametrize("marker", ["run-command", "test-command"])
def test_newcomer_commands_are_marked(marker: str) -> None:
    block = re.search(rf"<!-- {marker} -->\n```bash\n(.+?)\n```\n<!-- /{marker} -->", TEXT)
    assert block is not None
    assert block.group(1).startswith("python3 -m venv .venv && .venv/bin/pip install ")
