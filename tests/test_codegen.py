"""codegen.sh: --check catches a stale generated/, and regeneration is byte-identical."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("openapi_python_client", reason="needs the [dev] extra")


def run(copy: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(copy / "codegen.sh"), *args],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=300,
    )


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(folder)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    target.mkdir()
    for name in ("openapi", "tools"):
        shutil.copytree(ROOT / name, target / name)
    shutil.copytree(
        ROOT / "generated", target / "generated", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy2(ROOT / "codegen.sh", target / "codegen.sh")
    return target


def test_checked_in_client_is_up_to_date(copy: Path) -> None:
    result = run(copy, "--check")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_edited_description_is_caught_then_regenerated_identically(copy: Path) -> None:
    spec = copy / "openapi" / "usage.yaml"
    text = spec.read_text()
    old = "description: Completions usage in one bucket, for one combination of the grouped fields."
    assert old in text
    spec.write_text(text.replace(old, old.replace("Completions usage", "Chat usage")))

    stale = run(copy, "--check")
    assert stale.returncode == 1
    assert "usage_completions_result.py" in stale.stderr

    assert run(copy).returncode == 0
    first = digest(copy / "generated")
    assert run(copy, "--check").returncode == 0
    assert run(copy).returncode == 0
    assert digest(copy / "generated") == first
    generated = copy / "generated/openai_org_usage_client/models/usage_completions_result.py"
    assert "Chat usage in one bucket" in generated.read_text()


def test_stale_files_do_not_survive(copy: Path) -> None:
    leftover = copy / "generated" / "openai_org_usage_client" / "models" / "removed_model.py"
    leftover.write_text("# a model the spec no longer has\n")
    stale = run(copy, "--check")
    assert stale.returncode == 1
    assert "removed_model.py" in stale.stderr
    assert run(copy).returncode == 0
    assert not leftover.exists()
