"""Fixtures for the fake Usage API tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from _fake_helpers import AUTH, BASE_URL

from openai_org_usage.fake import FakeUsageAPI


@pytest.fixture(scope="module")
def fake() -> FakeUsageAPI:
    """One fake per test module: its caches make the many queries of a module cheap."""
    return FakeUsageAPI(seed=0)


@pytest.fixture(scope="module")
def client(fake: FakeUsageAPI) -> Iterator[httpx.Client]:
    """An authenticated httpx client wired to ``fake`` in process."""
    with httpx.Client(transport=fake.transport(), base_url=BASE_URL, headers=AUTH) as c:
        yield c


@pytest.fixture(scope="module")
def unbounded_client() -> Iterator[httpx.Client]:
    """Like ``client``, but the fake serves any ``start_time`` (no one-year lookback)."""
    fake = FakeUsageAPI(seed=0, lookback_days=None)
    with httpx.Client(transport=fake.transport(), base_url=BASE_URL, headers=AUTH) as c:
        yield c
