"""Fixtures for the FOCUS export: the demo fake in process, and the FinOps Foundation's validator.

``focus-validator`` 1.0.0 (FOCUS 1.0) conflicts with the project's dependencies, so it is
installed into its own folder with pip (once per machine: reused when present) and run as a
subprocess with ``PYTHONPATH`` pointing there. A failed install fails the tests that need it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from _focus_support import Invoke
from click.testing import CliRunner, Result

from openai_org_usage import UsageClient
from openai_org_usage.cli._app import cli
from openai_org_usage.fake import FakeUsageAPI

VALIDATOR = "focus-validator==1.0.0"
VALIDATOR_DIR = Path(
    os.environ.get(
        "OPENAI_ORG_USAGE_FOCUS_VALIDATOR",
        Path.home() / ".cache" / "openai-org-usage-test" / "focus-validator-1.0.0",
    )
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No key or base URL leaks in from the developer's shell."""
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


@pytest.fixture
def invoke() -> Invoke:
    """Run the command in process: ``invoke("export", "focus", "--demo")``."""
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return run


@pytest.fixture
def demo_client() -> Iterator[UsageClient]:
    """A client on the demo's fake (same seed and clock as ``--demo``)."""
    with UsageClient("sk-admin-demo", transport=FakeUsageAPI(seed=0).transport()) as client:
        yield client


def _site(folder: Path) -> Path:
    return folder / "site"


def _installed(folder: Path) -> bool:
    return (_site(folder) / "focus_validator" / "main.py").is_file()


@pytest.fixture(scope="session")
def focus_validator() -> Path:
    """The site folder holding focus-validator 1.0.0; installed with pip if absent.

    Fails (never skips) when it cannot be installed: the validation is part of the promise.
    """
    folder = VALIDATOR_DIR
    if _installed(folder):
        return _site(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Installed beside its final place (same file system) and renamed onto it: parallel
    # workers and an interrupted install never leave a half-installed folder that looks
    # complete.
    staging = folder.parent / f".{folder.name}.{os.getpid()}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            str(_site(staging)),
            VALIDATOR,
            "multimethod<1.11",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        pytest.fail(f"could not install {VALIDATOR}: {done.stderr[-2000:]}")
    if not _installed(folder):
        try:
            os.replace(staging, folder)
        except OSError:
            if not _installed(folder):  # not another worker's install winning the race
                raise
    shutil.rmtree(staging, ignore_errors=True)
    return _site(folder)
