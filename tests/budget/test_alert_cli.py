"""``openai-org-usage alert`` against a real receiver on 127.0.0.1: the demo's limit and
forecast crossings are posted once, signed when a secret is set, never with the admin key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _budget_helpers import Receiver, run_cli

from openai_org_usage.alerts import SIGNATURE_HEADER, verify_signature
from openai_org_usage.cli._errors import FAILURE, USAGE
from openai_org_usage.fake import FakeUsageAPI, running_server

SECRET = "whsec_budget_test_0123456789"
ADMIN_KEY = "sk-" + "admin-alert-test-0123456789abcdef"


def test_first_run_posts_the_crossings_and_the_second_nothing_new(
    receiver: Receiver, tmp_path: Path
) -> None:
    state = tmp_path / "state" / "alerts.json"
    args = ("alert", "--demo", "--webhook-url", receiver.url, "--state", str(state))
    first = run_cli(*args)
    assert first.exit_code == 0, first.output
    payloads = [json.loads(body) for body in receiver.bodies()]
    kinds = {p["kind"] for p in payloads}
    assert {"limit_crossed", "forecast_crossing"} <= kinds
    keys = {p["key"] for p in payloads}
    assert "forecast_crossing/organization/organization/2026-11/100/point" in keys
    assert all(p["status"] == "firing" for p in payloads)
    assert f"{len(payloads)} sent, 0 resolved, 0 failed" in first.stdout
    assert state.exists()
    # The webhook URL is a secret: only its scheme and host are shown.
    assert "s3cretpath" not in first.output
    assert "http://127.0.0.1" in first.stdout

    second = run_cli(*args)
    assert second.exit_code == 0, second.output
    assert len(receiver.bodies()) == len(payloads)  # nothing new posted
    assert f"0 sent, 0 resolved, 0 failed, {len(payloads)} already sent" in second.stdout


def test_payloads_are_signed_with_the_secret_from_the_environment(
    receiver: Receiver, tmp_path: Path
) -> None:
    result = run_cli(
        "alert", "--demo", "--webhook-url", receiver.url, "--state", str(tmp_path / "s.json"),
        "--secret-env", "ALERT_TEST_SECRET", "--no-anomalies", "--format", "slack",
        env={"ALERT_TEST_SECRET": SECRET},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert receiver.requests
    for request in receiver.requests:
        header = request.headers.get(SIGNATURE_HEADER)
        assert verify_signature(request.body, header, SECRET)
        assert not verify_signature(request.body, header, "another secret")
        assert "text" in json.loads(request.body)  # Slack's message shape
    assert SECRET not in result.output


def test_the_admin_key_never_appears_in_any_payload(receiver: Receiver, tmp_path: Path) -> None:
    with running_server(FakeUsageAPI(seed=0)) as url:
        result = run_cli(
            "alert", "--base-url", url, "--webhook-url", receiver.url,
            "--state", str(tmp_path / "s.json"), "--no-anomalies",
            env={"OPENAI_ADMIN_KEY": ADMIN_KEY},
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert ADMIN_KEY not in result.output
    for body in receiver.bodies():
        assert ADMIN_KEY.encode() not in body
        assert b"sk-admin" not in body
    demo = run_cli(
        "alert", "--demo", "--webhook-url", receiver.url, "--state", str(tmp_path / "d.json"),
        env={"OPENAI_ADMIN_KEY": ADMIN_KEY},
    )  # fmt: skip
    assert demo.exit_code == 0, demo.output
    assert receiver.bodies()
    for body in receiver.bodies():
        assert ADMIN_KEY.encode() not in body


def test_dry_run_prints_the_payloads_and_posts_nothing(receiver: Receiver, tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    result = run_cli(
        "alert", "--demo", "--dry-run", "--webhook-url", receiver.url, "--state", str(state)
    )
    assert result.exit_code == 0, result.output
    payloads = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"limit_crossed", "forecast_crossing"} <= {p["kind"] for p in payloads}
    assert receiver.bodies() == []
    assert not state.exists()
    assert "s3cretpath" not in result.output


def test_the_webhook_url_comes_from_the_environment(receiver: Receiver, tmp_path: Path) -> None:
    result = run_cli(
        "alert", "--demo", "--no-anomalies", "--state", str(tmp_path / "s.json"),
        env={"OPENAI_ORG_USAGE_WEBHOOK_URL": receiver.url},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert receiver.bodies()


def test_a_failed_post_exits_1_and_is_tried_again(tmp_path: Path) -> None:
    # A 400 is final (not retried): every post fails at once, and nothing is recorded.
    refusing = Receiver(status=400)
    try:
        args = ("alert", "--demo", "--no-anomalies", "--webhook-url", refusing.url)
        state = ("--state", str(tmp_path / "s.json"))
        result = run_cli(*args, *state)
        assert result.exit_code == FAILURE
        assert "not delivered" in result.stderr
        assert "s3cretpath" not in result.output
        tried = len(refusing.bodies())
        assert tried
        again = run_cli(*args, *state)
        assert again.exit_code == FAILURE
        assert len(refusing.bodies()) == 2 * tried  # each tried again
    finally:
        refusing.close()


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        ((), {}, "--webhook-url"),
        (("--webhook-url", "http://example.com/hook/s3cretpath"), {}, "--webhook-url"),
        (("--webhook-url", "http://127.0.0.1:9/h", "--secret-env", "NOPE_UNSET"), {}, "NOPE"),
    ],
)
def test_bad_options_are_usage_errors_that_never_echo_secrets(
    args: tuple[str, ...], env: dict[str, str], named: str
) -> None:
    result = run_cli("alert", "--demo", *args, env=env)
    assert result.exit_code == USAGE, result.output
    assert named in result.stderr
    assert "s3cretpath" not in result.output
