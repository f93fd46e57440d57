"""Shared fixtures: the cassette harness and the admin key tests authenticate with."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from _cassettes import ADMIN_KEY_ENV, REPLAY_KEY, make_vcr, vcr_config_dict


@pytest.fixture(scope="session")
def recording(record_mode: str) -> bool:
    """True when this run re-records cassettes against the live API (an explicit opt-in)."""
    if record_mode == "none":
        return False
    if not os.environ.get(ADMIN_KEY_ENV):
        pytest.exit(
            f"--record-mode={record_mode} re-records cassettes against the live API and needs "
            f"{ADMIN_KEY_ENV} set to an admin key",
            returncode=2,
        )
    return True


@pytest.fixture(scope="session")
def admin_key(recording: bool) -> str:
    """The live key while recording; a placeholder that is never sent anywhere otherwise."""
    return os.environ[ADMIN_KEY_ENV] if recording else REPLAY_KEY


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
    recorder = make_vcr(cassette_dir, record_mode)

    def _open(name: str) -> AbstractContextManager[Any]:
        return recorder.use_cassette(name)

    return _open
