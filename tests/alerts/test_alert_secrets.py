"""Neither the admin key nor the webhook URL leaks: bodies, headers, logs, reprs, errors."""

from __future__ import annotations

import json
import logging
from dataclasses import fields
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from _alert_helpers import OBSERVED, SECRET, Answer, FakeClock, Receiver

from openai_org_usage import StoreError
from openai_org_usage.alerts import (
    AlertScope,
    alerts_for_anomalies,
    alerts_for_limit,
    send_alerts,
)
from openai_org_usage.anomalies import Anomaly, Driver

ADMIN_KEY = "sk-" + "admin-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
# Not key-shaped on its own: found only because it is the configured admin key.
ODD_ADMIN_KEY = "adminkey-Zq8Xw7Vu6Ts5"
PATH_SECRET = "B000/s3cretpath"


@pytest.fixture(params=[ADMIN_KEY, ODD_ADMIN_KEY])
def admin_key(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    key: str = request.param
    monkeypatch.setenv("OPENAI_ADMIN_KEY", key)
    return key


def leaky_alerts(key: str) -> list:  # type: ignore[type-arg]
    scope = AlertScope("project", f"proj_{key}", f"team {key} <!channel>")
    anomaly = Anomaly(
        "api_key",
        key,
        f"key {key}",
        date(2026, 11, 10),
        "spike",
        Decimal("400"),
        Decimal("100"),
        Decimal("300"),
        6.0,
        "usd",
        (Driver(f"model {key}", "model", Decimal("300"), Decimal("350"), Decimal("50")),),
    )
    return [
        *alerts_for_limit(scope, 900, 1000, observed_at=OBSERVED),
        *alerts_for_anomalies([anomaly], observed_at=OBSERVED),
    ]


@pytest.mark.parametrize("format", ["json", "slack"])
def test_the_admin_key_never_leaves(
    admin_key: str,
    format: str,
    receiver: Receiver,
    clock: FakeClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    state = tmp_path / "state.json"
    alerts = leaky_alerts(admin_key)
    receiver.script = [Answer(500, f"echo {admin_key}".encode()), Answer(400, admin_key.encode())]
    reports = [
        send_alerts(
            alerts,
            url=receiver.url,
            state_path=state,
            format=format,  # type: ignore[arg-type]
            secret=SECRET,
            sleep=clock.sleep,
            monotonic=clock.monotonic,
            now=clock.now,
        )
        for _ in range(2)
    ]
    reports.append(
        send_alerts(
            [],
            url=receiver.url,
            state_path=state,
            format=format,  # type: ignore[arg-type]
            sleep=clock.sleep,
            monotonic=clock.monotonic,
            now=clock.now,
        )
    )
    assert reports[0].failed
    assert reports[1].sent
    assert reports[2].resolved
    seen = [repr(a) for a in alerts] + [repr(r) for r in reports]
    seen += [str(f.reason) for r in reports for f in r.failed]
    for request in receiver.requests:
        seen.append(request.body.decode("utf-8"))
        seen.append(json.dumps(request.headers))
    seen += [r.getMessage() for r in caplog.records]
    seen.append(state.read_text())
    assert len(receiver.requests) >= 5
    for text in seen:
        assert admin_key not in text
        assert PATH_SECRET not in text
    assert any("[redacted]" in text for text in seen)


def test_errors_carry_neither_the_key_nor_the_url(
    admin_key: str, receiver: Receiver, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"format": admin_key}))
    with pytest.raises(StoreError) as info:
        send_alerts([], url=receiver.url, state_path=state)
    for text in (str(info.value), repr(info.value)):
        assert admin_key not in text
        assert PATH_SECRET not in text


def test_nothing_holds_the_url_or_the_secret_in_a_repr(
    receiver: Receiver, clock: FakeClock, tmp_path: Path
) -> None:
    report = send_alerts(
        leaky_alerts("x"),
        url=receiver.url,
        state_path=tmp_path / "s.json",
        secret=SECRET,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        now=clock.now,
    )
    assert report.destination == receiver.url.split("/hooks")[0]
    for value in (report, *report.sent):
        assert PATH_SECRET not in repr(value)
        assert SECRET not in repr(value)
    assert {f.name for f in fields(report)} == {
        "destination",
        "sent",
        "resolved",
        "failed",
        "already_sent",
    }
