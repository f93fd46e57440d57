"""Delivery to a real HTTP receiver on 127.0.0.1: once each, retries, resolutions, the lock."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from _alert_helpers import OBSERVED, SECRET, Answer, FakeClock, Receiver, limit_alerts

from openai_org_usage import InvalidParameterError, StoreError, SyncLockedError
from openai_org_usage.alerts import (
    SIGNATURE_HEADER,
    Alert,
    DeliveryReport,
    send_alerts,
    verify_signature,
)


def run(
    receiver: Receiver,
    clock: FakeClock,
    state: Path,
    alerts: list[Alert],
    **kwargs: Any,
) -> DeliveryReport:
    kwargs.setdefault("url", receiver.url)
    return send_alerts(
        alerts,
        state_path=state,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        now=clock.now,
        **kwargs,
    )


def posted(receiver: Receiver) -> list[dict[str, Any]]:
    return [json.loads(body) for body in receiver.bodies()]


def test_a_second_run_over_the_same_data_sends_nothing(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    alerts = limit_alerts("1000")
    first = run(receiver, clock, state, alerts)
    assert [d.key for d in first.sent] == [a.key for a in alerts]
    assert len(receiver.requests) == 3
    assert all(r.path == "/hooks/T000/B000/s3cretpath" for r in receiver.requests)
    assert [p["status"] for p in posted(receiver)] == ["firing"] * 3
    assert first.ok
    assert first.destination.startswith("http://127.0.0.1:")
    second = run(receiver, clock, state, limit_alerts("1000"))
    assert len(receiver.requests) == 3
    assert (second.sent, second.resolved, second.failed) == ((), (), ())
    assert second.already_sent == tuple(a.key for a in alerts)


def test_a_condition_that_no_longer_holds_is_resolved_once_then_forgotten(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    run(receiver, clock, state, limit_alerts("850"))  # 50% and 80%
    clock.sleep(3600)
    report = run(receiver, clock, state, limit_alerts("600"))  # only 50% still holds
    assert [d.key for d in report.resolved] == ["limit_crossed/project/proj_1/2026-11/80"]
    resolution = posted(receiver)[-1]
    assert resolution["status"] == "resolved"
    assert resolution["key"] == "limit_crossed/project/proj_1/2026-11/80"
    assert resolution["first_sent_at"] == "2026-11-12T08:00:00Z"
    assert resolution["limit"]["threshold_percent"] == "80"
    for _ in range(3):
        again = run(receiver, clock, state, limit_alerts("600"))
        assert (again.sent, again.resolved) == ((), ())
    assert len(receiver.requests) == 3
    everything_gone = run(receiver, clock, state, [])
    assert [d.key for d in everything_gone.resolved] == ["limit_crossed/project/proj_1/2026-11/50"]
    assert json.loads(state.read_text())["alerts"] == {}
    # Back again: a new alert, sent again.
    assert len(run(receiver, clock, state, limit_alerts("850")).sent) == 2


def test_a_server_error_is_retried_and_delivered(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    receiver.script = [Answer(500, b"oops"), Answer(503, b"busy")]
    state = tmp_path / "state.json"
    report = run(receiver, clock, state, limit_alerts()[:1])
    assert [(d.attempts, d.status_code) for d in report.sent] == [(3, 200)]
    assert len(receiver.requests) == 3
    assert len(clock.waits) == 2
    assert all(0 <= w <= 8 for w in clock.waits)
    assert len(run(receiver, clock, state, limit_alerts()[:1]).sent) == 0


def test_a_client_error_is_not_retried_and_not_marked_sent(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    receiver.script = [Answer(400, b"invalid_payload")]
    state = tmp_path / "state.json"
    report = run(receiver, clock, state, limit_alerts()[:1])
    assert report.sent == ()
    (failure,) = report.failed
    assert (failure.attempts, failure.status_code, failure.status) == (1, 400, "firing")
    assert failure.reason == "HTTP 400: invalid_payload"
    assert not report.ok
    assert len(receiver.requests) == 1
    assert clock.waits == []
    # Not recorded: the next run sends it.
    assert len(run(receiver, clock, state, limit_alerts()[:1]).sent) == 1
    assert len(receiver.requests) == 2


def test_a_rate_limit_waits_as_long_as_retry_after_asks(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    receiver.script = [Answer(429, b"slow down", {"Retry-After": "7"})]
    report = run(receiver, clock, tmp_path / "state.json", limit_alerts()[:1])
    assert clock.waits == [7.0]
    assert [d.attempts for d in report.sent] == [2]


def test_a_retry_after_longer_than_allowed_fails_the_post_now(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    receiver.script = [Answer(429, b"", {"Retry-After": "3600"})]
    report = run(receiver, clock, tmp_path / "state.json", limit_alerts()[:1])
    assert clock.waits == []
    (failure,) = report.failed
    assert failure.retry_after == 3600
    assert "more than 30" in failure.reason


def test_retries_stop_at_the_retry_count(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    receiver.script = [Answer(502)] * 10
    report = run(receiver, clock, tmp_path / "state.json", limit_alerts()[:1], retries=2)
    assert report.failed[0].attempts == 3
    assert len(receiver.requests) == 3


def test_retry_waits_stop_where_the_time_budget_would_run_out(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    receiver.script = [Answer(503, b"", {"Retry-After": "20"})] * 10
    report = run(
        receiver, clock, tmp_path / "state.json", limit_alerts("1000"), budget=50, retries=10
    )
    assert clock.waits == [20, 20]
    # The others still get the one attempt the budget leaves room for, and no wait.
    assert [f.attempts for f in report.failed] == [3, 1, 1]
    assert all("50 s time budget" in f.reason for f in report.failed)


def test_alerts_left_when_the_budget_is_spent_are_reported_not_tried(
    clock: FakeClock, tmp_path: Path
) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        clock.t += 30  # a receiver that takes 30 s to answer
        return httpx.Response(200)

    report = send_alerts(
        limit_alerts("1000"),
        url="https://hooks.example.com/x",
        state_path=tmp_path / "state.json",
        budget=50,
        transport=httpx.MockTransport(slow),
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        now=clock.now,
    )
    assert len(report.sent) == 2
    (left,) = report.failed
    assert (left.attempts, left.status_code) == (0, None)
    assert left.reason == "not tried: the run's 50 s time budget is spent"
    assert len(json.loads((tmp_path / "state.json").read_text())["alerts"]) == 2


def test_a_receiver_that_is_not_there_is_retried_then_reported(
    clock: FakeClock, tmp_path: Path
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/hook/secretpart"
    report = send_alerts(
        limit_alerts()[:1],
        url=url,
        state_path=tmp_path / "state.json",
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        now=clock.now,
    )
    (failure,) = report.failed
    assert failure.attempts == 4
    assert failure.status_code is None
    assert failure.reason.startswith("no answer: ConnectError")
    assert "secretpart" not in repr(report)
    assert not (tmp_path / "state.json").exists()


def test_timeouts_are_retried(clock: FakeClock, tmp_path: Path) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(204)

    report = send_alerts(
        limit_alerts()[:1],
        url="https://hooks.example.com/x",
        state_path=tmp_path / "state.json",
        transport=httpx.MockTransport(handler),
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        now=clock.now,
    )
    assert [(d.attempts, d.status_code) for d in report.sent] == [(2, 204)]


def test_a_redirect_is_not_followed(receiver: Receiver, clock: FakeClock, tmp_path: Path) -> None:
    receiver.script = [Answer(302, b"", {"Location": "https://elsewhere.example/steal"})]
    report = run(receiver, clock, tmp_path / "state.json", limit_alerts()[:1])
    assert report.failed[0].status_code == 302
    assert "redirect" in report.failed[0].reason
    assert len(receiver.requests) == 1


def test_error_bodies_are_truncated_and_escaped(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    receiver.script = [Answer(403, b"\x1b[2Jdenied\n" + b"x" * 10_000)]
    report = run(receiver, clock, tmp_path / "state.json", limit_alerts()[:1])
    reason = report.failed[0].reason
    assert reason.startswith("HTTP 403: \\x1b[2Jdenied\\n")
    assert len(reason) <= len("HTTP 403: ") + 200
    assert reason.endswith("...")


def test_signed_bodies_verify_and_fail_when_tampered_or_old(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    run(receiver, clock, tmp_path / "state.json", limit_alerts("1000"), secret=SECRET)
    signed_at = int(OBSERVED.timestamp())
    for request in receiver.requests:
        header = request.headers[SIGNATURE_HEADER]
        assert header.startswith(f"t={signed_at},v1=")
        assert verify_signature(request.body, header, SECRET, now=signed_at + 60)
        assert not verify_signature(request.body + b" ", header, SECRET, now=signed_at)
        assert not verify_signature(request.body, header, SECRET, now=signed_at + 301)
        assert not verify_signature(request.body, header, "wrong", now=signed_at)


def test_unsigned_bodies_carry_no_signature(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    run(receiver, clock, tmp_path / "state.json", limit_alerts()[:1])
    assert SIGNATURE_HEADER.lower() not in {k.lower() for k in receiver.requests[0].headers}
    assert receiver.requests[0].headers["Content-Type"].startswith("application/json")


def test_slack_format_posts_text_and_blocks(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    run(receiver, clock, state, limit_alerts(name="<!channel>")[:1], format="slack")
    run(receiver, clock, state, [], format="slack")
    firing, resolved = posted(receiver)
    assert set(firing) >= {"text", "blocks"}
    assert "&lt;!channel&gt;" in firing["text"]
    assert resolved["text"].startswith("Resolved:")


def test_a_corrupt_state_file_is_an_error_and_nothing_is_sent(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    for content in (
        b"{not json",
        b"",
        b"\xff\xfe",
        b"[]",
        b'{"format": "something-else"}',
        b'{"format": "openai-org-usage/alert-state", "version": 99, "alerts": {}}',
        b'{"format": "openai-org-usage/alert-state", "version": 1, "alerts": []}',
        b'{"format": "openai-org-usage/alert-state", "version": 1, "alerts": {"k": {}}}',
    ):
        state.write_bytes(content)
        with pytest.raises(StoreError) as info:
            run(receiver, clock, state, limit_alerts())
        assert str(state) in str(info.value)
        assert "nothing was sent" in str(info.value)
        assert info.value.path == str(state)
    assert receiver.requests == []


def test_an_edited_state_entry_is_an_error(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    run(receiver, clock, state, limit_alerts())
    data = json.loads(state.read_text())
    key = next(iter(data["alerts"]))
    data["alerts"][key]["alert"]["limit"]["spent"] = "lots"
    state.write_text(json.dumps(data))
    with pytest.raises(StoreError, match="'spent' is not a decimal amount"):
        run(receiver, clock, state, limit_alerts())
    assert len(receiver.requests) == 2


def test_the_state_file_is_replaced_atomically_and_leaves_no_temporary_files(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    run(receiver, clock, state, limit_alerts("1000"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json", "state.json.lock"]
    data = json.loads(state.read_text())
    assert data["format"] == "openai-org-usage/alert-state"
    assert sorted(data["alerts"]) == sorted(a.key for a in limit_alerts("1000"))
    entry = data["alerts"]["limit_crossed/project/proj_1/2026-11/50"]
    assert entry["first_sent"] == entry["last_seen"] == "2026-11-12T08:00:00Z"
    clock.sleep(60)
    run(receiver, clock, state, limit_alerts("1000"))
    entry = json.loads(state.read_text())["alerts"]["limit_crossed/project/proj_1/2026-11/50"]
    assert (entry["first_sent"], entry["last_seen"]) == (
        "2026-11-12T08:00:00Z",
        "2026-11-12T08:01:00Z",
    )


def test_an_unwritable_state_directory_is_an_error_before_anything_is_sent(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    with pytest.raises(StoreError, match="lock file"):
        run(receiver, clock, tmp_path / "missing" / "state.json", limit_alerts())
    assert receiver.requests == []


def test_a_run_waits_for_the_lock_then_gives_up_with_a_clear_error(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    import fcntl

    state = tmp_path / "state.json"
    with open(str(state) + ".lock", "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        with pytest.raises(SyncLockedError, match="another alert run"):
            run(receiver, clock, state, limit_alerts(), lock_timeout=5)
    assert 4.9 <= sum(clock.waits) <= 5.1
    assert receiver.requests == []


def test_concurrent_runs_never_send_an_alert_twice(receiver: Receiver, tmp_path: Path) -> None:
    alerts = limit_alerts("1000")
    for rep in range(20):
        state = tmp_path / f"state-{rep}.json"
        before = len(receiver.requests)
        reports: list[DeliveryReport] = []
        errors: list[BaseException] = []
        start = threading.Barrier(2)

        def one(
            state: Path = state,
            start: threading.Barrier = start,
            reports: list[DeliveryReport] = reports,
            errors: list[BaseException] = errors,
        ) -> None:
            try:
                start.wait()
                reports.append(send_alerts(alerts, url=receiver.url, state_path=state))
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=one) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert errors == []
        assert len(receiver.requests) - before == 3
        assert sorted(len(r.sent) for r in reports) == [0, 3]
        keys = [json.loads(r.body)["key"] for r in receiver.requests[before:]]
        assert sorted(keys) == sorted(a.key for a in alerts)


def test_several_alerts_with_one_key_are_sent_once(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    alerts = limit_alerts() + limit_alerts("900")
    report = run(receiver, clock, tmp_path / "state.json", alerts)
    assert len(report.sent) == 2
    assert [p["limit"]["spent"] for p in posted(receiver)] == ["850", "850"]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://hooks.example.com/services/T0/B0/SECRETPART", "http://hooks.example.com/..."),
        ("http://10.0.0.5:8080/SECRETPART", "http://10.0.0.5:8080/..."),
        ("ftp://hooks.example.com/SECRETPART", "ftp:..."),
        ("hooks.example.com/SECRETPART", "<not a URL>"),
    ],
)
def test_urls_are_https_or_loopback_and_errors_never_show_the_path(
    url: str, shown: str, tmp_path: Path
) -> None:
    with pytest.raises(InvalidParameterError) as info:
        send_alerts([], url=url, state_path=tmp_path / "s.json")
    assert info.value.param == "url"
    assert info.value.value == shown
    assert "SECRETPART" not in str(info.value)
    assert "SECRETPART" not in repr(info.value)
    assert not (tmp_path / "s.json.lock").exists()


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/x", "http://[::1]:9/x", "http://localhost:9/x", "https://a.b/c"]
)
def test_loopback_http_and_any_https_are_accepted(url: str) -> None:
    from openai_org_usage.alerts import check_webhook_url

    assert check_webhook_url(url).host


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"format": "xml"}, "format"),
        ({"timeout": 0}, "timeout"),
        ({"retries": -1}, "retries"),
        ({"retries": True}, "retries"),
        ({"budget": float("inf")}, "budget"),
        ({"secret": ""}, "secret"),
        ({"state_path": 3}, "state_path"),
    ],
)
def test_bad_options_are_refused_before_anything_is_sent(
    kwargs: dict[str, Any], param: str, receiver: Receiver, tmp_path: Path
) -> None:
    kwargs.setdefault("state_path", tmp_path / "s.json")
    with pytest.raises(InvalidParameterError) as info:
        send_alerts(limit_alerts(), url=receiver.url, **kwargs)
    assert info.value.param == param
    assert receiver.requests == []


def test_alerts_must_be_alerts(receiver: Receiver, tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterError):
        send_alerts(limit_alerts()[0], url=receiver.url, state_path=tmp_path / "s")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError):
        send_alerts(["x"], url=receiver.url, state_path=tmp_path / "s")  # type: ignore[list-item]


def test_a_resolution_that_fails_is_kept_and_sent_on_the_next_run(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    run(receiver, clock, state, limit_alerts()[:1])
    receiver.script = [Answer(404, b"no_service")]
    failed = run(receiver, clock, state, [])
    assert [(f.status, f.status_code) for f in failed.failed] == [("resolved", 404)]
    assert len(json.loads(state.read_text())["alerts"]) == 1
    again = run(receiver, clock, state, [])
    assert [d.status for d in again.resolved] == ["resolved"]
    assert run(receiver, clock, state, []).resolved == ()
    assert [p["status"] for p in posted(receiver)] == ["firing", "resolved", "resolved"]
