"""Fixtures for the ``budget`` and ``alert`` tests: a clean environment and a receiver."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _budget_helpers import Receiver

ENV_CLEARED = (
    "OPENAI_ADMIN_KEY",
    "OPENAI_BASE_URL",
    "COLUMNS",
    "OPENAI_ORG_USAGE_WEBHOOK_URL",
    "OPENAI_ORG_USAGE_ALERT_STATE",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing leaks in from the developer's shell."""
    for name in ENV_CLEARED:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    try:
        yield hook
    finally:
        hook.close()
