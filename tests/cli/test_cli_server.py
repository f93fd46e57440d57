"""``openai-org-usage fake-server`` as a real process: serves, is usable, stops on Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable

import pytest
from click.testing import Result

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
        result = invoke(
            "costs", "--start", "2026-11-01", "--end", "2026-11-08", "--format", "json",
            "--base-url", base_url, env={"OPENAI_ADMIN_KEY": "sk-admin-test-dummy"},
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert len(json.loads(result.stdout)) == 7
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130
    assert "Traceback" not in stderr
    assert "error" not in stderr
