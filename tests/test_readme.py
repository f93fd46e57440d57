"""The README's examples run as written, and its two commands are where CI looks for them.

Every ``python`` block runs, unchanged. Those that build their client on the embedded fake run
as they are; the others read the key and base URL from the environment, as a user's would, and
run against the fake served on 127.0.0.1 (``OPENAI_BASE_URL``), with a placeholder key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from openai_org_usage.fake import FakeUsageAPI, running_server

README = Path(__file__).resolve().parent.parent / "README.md"
TEXT = README.read_text()
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, flags=re.S)
PLACEHOLDER_KEY = "sk-admin-readme-example-0000"


def _block_id(block: str) -> str:
    line = next(line for line in block.splitlines() if line and not line.startswith("import"))
    return f"line {TEXT[: TEXT.index(block)].count(chr(10)) + 1}: {line[:40]}"


def test_there_are_examples_of_each_kind() -> None:
    on_fake = [block for block in PYTHON_BLOCKS if "FakeUsageAPI" in block]
    from_env = [block for block in PYTHON_BLOCKS if "FakeUsageAPI" not in block]
    assert len(on_fake) >= 4
    assert len(from_env) >= 2


@pytest.fixture(scope="module")
def fake_base_url() -> Iterator[str]:
    with running_server(FakeUsageAPI()) as base_url:
        yield base_url


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=_block_id)
def test_example_runs_as_written(
    block: str,
    fake_base_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", PLACEHOLDER_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_base_url)
    exec(compile(block, str(README), "exec"), {"__name__": "__readme__"})
    out = capsys.readouterr().out
    assert out.strip(), "the example prints its result"
    assert "None" not in out.split(), "an example printed None where it meant a value"
    assert PLACEHOLDER_KEY not in out


@pytest.mark.parametrize("marker", ["run-command", "test-command"])
def test_newcomer_commands_are_marked(marker: str) -> None:
    block = re.search(rf"<!-- {marker} -->\n```bash\n(.+?)\n```\n<!-- /{marker} -->", TEXT)
    assert block is not None
    assert block.group(1).startswith("python3 -m venv .venv && .venv/bin/pip install ")
