"""Fixtures: a real webhook receiver on 127.0.0.1 and a clock that never waits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _alert_helpers import FakeClock, Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    try:
        yield r
    finally:
        r.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
