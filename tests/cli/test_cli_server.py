"""``openai-org-usage fake-server`` as a real process: serves, is usable, stops on Ctrl-C; its
clock is the time it started (or ``--now``), so a client counting back from today finds data
up to today, as with the live API."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import Result

import openai_org_usage.fake
from openai_org_usage.fake import FakeUsageAPI

Invoke = Callable[..., Result]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT delivery differs on Windows")
def test_fake_server_serves_until_ctrl_c(invoke: Invoke) -> None:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "openai_org_usage.cli", "fake-server", "--port", "0", "--seed", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(3)]
        match = re.search(r"http://127\.0\.0\.1:\d+/v1", banner[0])
        assert match, banner
        base_url = match.group(0)
        assert "OPENAI_BASE_URL=" + base_url in banner[2]
        clock = re.search(r"clock stays at (\S+Z) \(when it started\)", banner[1])
        assert clock, banner
        now = datetime.fromisoformat(clock.group(1))
        assert abs(datetime.now(UTC) - now) < timedelta(minutes=5)
        # Counted back from the client's today, as a report's default 30 days are: the data
        # runs up to the fake's clock, not to a fixed day in the past.
        result = invoke(
            "costs", "--last", "3d", "--format", "json",
            "--base-url", base_url, env={"OPENAI_ADMIN_KEY": "sk-admin-test-dummy"},
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        spend = {row["bucket_start"][:10]: row["amount_value"] for row in json.loads(result.stdout)}
        yesterday = f"{now - timedelta(days=1):%Y-%m-%d}"
        assert spend[yesterday] > 0  # a whole day of synthetic spend, the latest one
        assert max(spend) <= f"{now:%Y-%m-%d}"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130
    assert "Traceback" not in stderr
    assert "error" not in stderr


class _Stub:
    """What ``serve`` returns, without a socket: ``serve_forever`` returns at once."""

    server_address = ("127.0.0.1", 8089)

    def serve_forever(self) -> None:
        pass

    def server_close(self) -> None:
        pass


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[FakeUsageAPI]:
    """The fakes ``fake-server`` would serve (nothing is bound)."""
    fakes: list[FakeUsageAPI] = []

    def serve(api: FakeUsageAPI, *_: Any) -> _Stub:
        fakes.append(api)
        return _Stub()

    monkeypatch.setattr(openai_org_usage.fake, "serve", serve)
    return fakes


def test_fake_server_now_fixes_its_clock(invoke: Invoke, served: list[FakeUsageAPI]) -> None:
    result = invoke("fake-server", "--now", "2026-11-25T12:00")  # no offset: UTC
    assert result.exit_code == 0, result.output
    (api,) = served
    assert api.now == datetime(2026, 11, 25, 12, tzinfo=UTC)
    assert "clock stays at 2026-11-25T12:00:00Z: its data ends there" in result.stdout


def test_fake_server_clock_defaults_to_the_current_time(
    invoke: Invoke, served: list[FakeUsageAPI]
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    assert invoke("fake-server").exit_code == 0
    (api,) = served
    assert before <= api.now <= datetime.now(UTC)


def test_a_bad_fake_server_now_is_a_usage_error(invoke: Invoke, served: list[FakeUsageAPI]) -> None:
    result = invoke("fake-server", "--now", "teatime")
    assert result.exit_code == 2
    assert "invalid --now teatime" in result.stderr
    assert served == []


def test_fake_server_serves_a_realistic_history_with_injected_anomalies(
    invoke: Invoke, served: list[FakeUsageAPI]
) -> None:
    result = invoke(
        "fake-server", "--now", "2026-11-25T12:00", "--history", "realistic", "--anomalies", "6"
    )
    assert result.exit_code == 0, result.output
    (api,) = served
    assert api.history is not None
    assert len(api.injected_anomalies) == 6
    assert invoke("fake-server", "--now", "2026-11-25T12:00").exit_code == 0
    assert served[1].injected_anomalies == ()


def test_fake_server_anomalies_need_the_realistic_history(
    invoke: Invoke, served: list[FakeUsageAPI]
) -> None:
    result = invoke("fake-server", "--anomalies", "3")
    assert result.exit_code == 2
    assert "--anomalies 3 needs --history realistic" in result.stderr
    assert served == []
