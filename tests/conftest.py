"""Shared fixtures: the cassette harness and the admin key tests authenticate with."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from _cassettes import ADMIN_KEY_ENV, REPLAY_KEY, make_vcr, vcr_config_dict

RECORD_FROM_ENV = "OPENAI_ORG_USAGE_RECORD_FROM"


@pytest.fixture(scope="session")
def record_source(record_mode: str) -> str:
    """Where this run's answers come from: ``replay`` (default), ``live`` or ``fake``.

    Recording is an explicit opt-in (``--record-mode=...``): against the live API it needs
    ``OPENAI_ADMIN_KEY``; with ``OPENAI_ORG_USAGE_RECORD_FROM=fake`` it records the embedded fake.
    """
    if record_mode == "none":
        return "replay"
    if os.environ.get(RECORD_FROM_ENV) == "fake":
        return "fake"
    if not os.environ.get(ADMIN_KEY_ENV):
        pytest.exit(
            f"--record-mode={record_mode} re-records cassettes against the live API and needs "
            f"{ADMIN_KEY_ENV} set to an admin key (or {RECORD_FROM_ENV}=fake)",
            returncode=2,
        )
    return "live"


@pytest.fixture(scope="session")
def recording(record_source: str) -> bool:
    """True when this run records cassettes instead of replaying them."""
    return record_source != "replay"


@pytest.fixture(scope="session")
def admin_key(record_source: str) -> str:
    """The live key while recording live; a placeholder that is never sent anywhere otherwise."""
    return os.environ[ADMIN_KEY_ENV] if record_source == "live" else REPLAY_KEY


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    """pytest-recording's configuration (for tests marked ``@pytest.mark.vcr``)."""
    return vcr_config_dict()


@pytest.fixture
def use_cassette(
    request: pytest.FixtureRequest, record_mode: str
) -> Callable[[str], AbstractContextManager[Any]]:
    """Open a named cassette from the ``cassettes/<test module>/`` folder beside the test."""
    module_path = Path(str(request.node.fspath))
    cassette_dir = module_path.parent / "cassettes" / module_path.stem
    # pytest-recording's "rewrite" means: drop the old recording, then record afresh; vcrpy
    # itself only knows "all" for recording every request.
    recorder = make_vcr(cassette_dir, "all" if record_mode == "rewrite" else record_mode)

    def _open(name: str) -> AbstractContextManager[Any]:
        if record_mode == "rewrite":
            (cassette_dir / f"{name}.yaml").unlink(missing_ok=True)
            (cassette_dir / name).unlink(missing_ok=True)
        return recorder.use_cassette(name)

    return _open


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """One plain line at the very end (after the counts) when the browser tests were skipped
    for want of Chromium, so a green run without them never passes for a full one."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or hasattr(config, "workerinput"):
        return  # xdist workers report to the controller, which prints the line
    skipped = [
        report
        for report in reporter.stats.get("skipped", [])
        if "browser" in getattr(report, "keywords", {})
    ]
    if skipped:
        files = sorted({report.nodeid.split("::", 1)[0] for report in skipped})
        reporter.write_line(
            f"{len(skipped)} browser tests skipped ({', '.join(files)}): Chromium was not "
            "found. To run them, install Debian's chromium (apt-get install chromium) or set "
            f"OPENAI_ORG_USAGE_TEST_CHROMIUM=/path/to/chromium, then: python -m pytest "
            f"{' '.join(files)}",
            yellow=True,
            bold=True,
        )
