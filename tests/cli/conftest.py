"""Fixtures for the command-line tests: a runner, a clean environment, a loopback fake."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner, Result

from openai_org_usage.cli._app import cli
from openai_org_usage.fake import FakeUsageAPI, running_server

Invoke = Callable[..., Result]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No key or base URL leaks in from the developer's shell."""
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture
def invoke() -> Invoke:
    """Run the command in process: ``invoke("report", "--demo", env={...})``."""
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    return run


@pytest.fixture
def fake_api() -> FakeUsageAPI:
    """A fake that accepts any key (same seed and clock as ``--demo``)."""
    return FakeUsageAPI(seed=0)


@pytest.fixture
def fake_url(fake_api: FakeUsageAPI) -> Iterator[str]:
    """Base URL of ``fake_api`` served on 127.0.0.1."""
    with running_server(fake_api) as url:
        yield url
