"""``metrics serve`` and ``metrics write`` as a user runs them, and the Grafana dashboard."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from _metrics_scrape import openmetrics_samples, samples, scrape
from click.testing import CliRunner

from openai_org_usage import InvalidParameterError, UsageClient, metrics
from openai_org_usage.cli import _metrics
from openai_org_usage.cli._app import cli
from openai_org_usage.fake import FakeUsageAPI, FaultSchedule

SPEND_NAMES = (
    "openai_org_usage_spend_month_to_date",
    *(
        f"openai_org_usage_{d}_spend_month_to_date"
        for d in ("project", "line_item", "user", "api_key", "model")
    ),
    "openai_org_usage_tokens_month_to_date",
    "openai_org_usage_requests_month_to_date",
    "openai_org_usage_period_start_timestamp_seconds",
    "openai_org_usage_period_end_timestamp_seconds",
    *(
        f"openai_org_usage_budget_{f}"
        for f in (
            "spend_month_to_date",
            "limit",
            "limit_used_ratio",
            "forecast_month_end",
            "forecast_month_end_lower",
            "forecast_month_end_upper",
            "limit_reached_timestamp_seconds",
            "alert_threshold",
            "alert_crossed",
            "scopes_left_out",
            "refused_reads",
        )
    ),
)
CENT = Decimal("0.01")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """``metrics serve --demo --port 0 --top 3`` in a subprocess; yields its URL."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_ADMIN_KEY", "OPENAI_BASE_URL")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "openai_org_usage.cli",
            "metrics",
            "serve",
            "--demo",
            "--port",
            "0",
            "--top",
            "3",
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stderr is not None
    url = None
    lines = []
    for line in proc.stderr:  # ends at EOF if the process dies
        lines.append(line)
        match = re.search(r"serving metrics on (http://127\.0\.0\.1:\d+/metrics)", line)
        if match:
            url = match.group(1)
            break
    try:
        assert url is not None, "".join(lines)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
        proc.stderr.close()
    assert code == 0


def test_serve_demo_answers_in_both_formats(served: str) -> None:
    text, _ = scrape(served)
    plain = samples(text)
    om = openmetrics_samples(scrape(served, openmetrics=True)[0])
    for name in SPEND_NAMES:
        assert plain[name] == om[name], name
    assert dict(next(iter(plain["openai_org_usage_info"])))["source"] == "demo"
    assert len(plain["openai_org_usage_user_spend_month_to_date"]) == 5  # 3 + other + unattributed


def _cents(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _scope_key(scope: dict[str, Any], *extra: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    labels = {
        "scope": scope["scope_kind"],
        "scope_id": scope["scope_id"],
        "scope_name": scope["scope_name"],
        "project_id": scope["project_id"] or "",
        "project_name": scope["project_name"] or "",
        "currency": scope["currency"],
    }
    return tuple(sorted([*labels.items(), *extra]))


def _nearest_first(scope: dict[str, Any]) -> tuple[float, float, str]:
    shares = [
        p for p in (scope["percent_of_limit"], scope["forecast_percent_of_limit"]) if p is not None
    ]
    return (-max(shares, default=-1.0), -scope["spent"], scope["scope_id"])


def test_budget_families_equal_the_budget_command_to_the_cent(served: str) -> None:
    got = samples(scrape(served)[0])
    result = CliRunner().invoke(cli, ["budget", "--demo", "--format", "json"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    # Shown: the organization, and at most --top 3 projects and keys with a limit or an alert,
    # nearest their limit first.
    shown = [s for s in status["scopes"] if s["scope_kind"] == "organization"]
    left_out = {}
    for kind in ("project", "api_key"):
        governed = sorted(
            (
                s
                for s in status["scopes"]
                if s["scope_kind"] == kind and (s["limit"] is not None or s["alerts"])
            ),
            key=_nearest_first,
        )
        shown += governed[:3]
        left_out[kind] = len(governed[3:])
    assert left_out["project"] >= 1  # the demo has more limited projects than --top 3
    assert {s["scope_kind"] for s in shown} == {"organization", "project", "api_key"}
    amounts = {
        "spend_month_to_date": "spent",
        "limit": "limit",
        "forecast_month_end": "forecast",
        "forecast_month_end_lower": "forecast_lower",
        "forecast_month_end_upper": "forecast_upper",
    }
    for family, field in amounts.items():
        expected = {_scope_key(s): _cents(s[field]) for s in shown if s[field] is not None}
        assert got[f"openai_org_usage_budget_{family}"] == expected, family
    assert got["openai_org_usage_budget_limit_used_ratio"] == {
        _scope_key(s): Decimal(repr(s["percent_of_limit"])) / 100
        for s in shown
        if s["percent_of_limit"] is not None
    }
    assert got["openai_org_usage_budget_limit_reached_timestamp_seconds"] == {
        _scope_key(s): Decimal(
            int(
                datetime.combine(
                    date.fromisoformat(s["limit_reached_on"]), datetime.min.time(), UTC
                ).timestamp()
            )
        )
        for s in shown
        if s["limit_reached_on"] is not None
    }
    thresholds = {
        _scope_key(s, ("threshold", format(_cents(a["threshold"]), "f"))): a
        for s in shown
        for a in s["alerts"]
    }
    assert got["openai_org_usage_budget_alert_threshold"] == {
        k: _cents(a["threshold"]) for k, a in thresholds.items()
    }
    assert got["openai_org_usage_budget_alert_crossed"] == {
        k: Decimal(int(a["crossed"])) for k, a in thresholds.items()
    }
    assert any(a["crossed"] for a in thresholds.values())
    assert got["openai_org_usage_budget_scopes_left_out"] == {
        (("scope", kind),): Decimal(n) for kind, n in left_out.items()
    }
    assert got["openai_org_usage_budget_refused_reads"] == {(): 0}
    # The organization's budget spend is the bill (the same cents as the spend family).
    (org,) = [s for s in shown if s["scope_kind"] == "organization"]
    assert got["openai_org_usage_spend_month_to_date"] == {
        (("currency", "usd"),): _cents(org["spent"])
    }


def test_write_matches_serve(served: str, tmp_path: Path) -> None:
    target = tmp_path / "openai.prom"
    target.write_text("old\n")
    target.chmod(0o640)
    result = CliRunner().invoke(
        cli, ["metrics", "write", str(target), "--demo", "--top", "3"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    written = samples(target.read_text())
    live = samples(scrape(served)[0])
    for name in SPEND_NAMES:
        assert written[name] == live[name], name
    assert "openai_org_usage_last_refresh_timestamp_seconds" in written
    assert written.get("openai_org_usage_refresh_errors_total", {}) == {}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["openai.prom"]  # no temp file left
    assert target.stat().st_mode & 0o777 == 0o640


def test_write_a_new_file_is_readable_by_the_collector(tmp_path: Path) -> None:
    target = tmp_path / "new.prom"
    result = CliRunner().invoke(cli, ["metrics", "write", str(target), "--demo"])
    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o777 == 0o644


def test_write_without_a_key_fails_and_leaves_the_file(tmp_path: Path) -> None:
    target = tmp_path / "openai.prom"
    target.write_text("old\n")
    result = CliRunner().invoke(cli, ["metrics", "write", str(target)])
    assert result.exit_code != 0
    assert target.read_text() == "old\n"


@pytest.mark.parametrize("span", ["1m", "299s", "abc", "4.9m"])
def test_serve_refuses_an_interval_below_the_minimum(span: str) -> None:
    result = CliRunner().invoke(
        cli, ["metrics", "serve", "--demo", "--port", "0", "--interval", span]
    )
    assert result.exit_code == 2
    assert "--interval" in result.output


def test_intervals_parse() -> None:
    assert _metrics.parse_interval("15m") == 900
    assert _metrics.parse_interval("900") == 900
    assert _metrics.parse_interval("1h") == 3600
    assert _metrics.parse_interval("300s") == 300


def test_the_cli_defaults_are_the_librarys() -> None:
    assert _metrics.DEFAULT_TOP == metrics.DEFAULT_TOP
    assert _metrics.DEFAULT_INTERVAL == metrics.DEFAULT_INTERVAL
    assert _metrics.MIN_INTERVAL == metrics.MIN_INTERVAL


def test_the_refresher_refuses_a_short_interval_and_its_thread_stops() -> None:
    with pytest.raises(InvalidParameterError):
        metrics.Refresher(lambda: None, interval=metrics.MIN_INTERVAL - 1)  # type: ignore[arg-type,return-value]
    calls: list[int] = []
    refresher = metrics.Refresher(lambda: calls.append(1))  # type: ignore[arg-type,return-value]
    refresher.start()
    refresher.stop()
    assert calls == []  # the loop waits an interval before its first refresh


# -- the Grafana dashboard ----------------------------------------------------------------------

METRIC = re.compile(r"\bopenai_org_usage_[a-z0-9_]+")
BY = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")
MATCHER = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*\"")
LEGEND = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")


def dashboard() -> dict[str, object]:
    text = resources.files("openai_org_usage").joinpath("metrics_dashboard.json").read_text()
    loaded: dict[str, object] = json.loads(text)
    return loaded


def test_dashboard_queries_use_series_and_labels_the_exporter_has(served: str) -> None:
    # The demo's scrape, plus an exporter whose second refresh failed: the error counter has
    # a series only once an error happened.
    scraped = samples(scrape(served)[0])
    fake = FakeUsageAPI(seed=0)
    with UsageClient("demo", transport=fake.transport(), max_retries=0) as client:
        refresher = metrics.Refresher(
            lambda: metrics.collect_snapshot(client, now=fake.now), on_error=lambda exc: None
        )
        refresher.refresh()
        fake.faults = FaultSchedule.scripted([None] * len(fake.requests) + ["500"] * 100)
        assert refresher.refresh() is not None
        with metrics.serve(metrics.Collector(refresher)) as server:
            failed = samples(scrape(server.url)[0])
    assert "openai_org_usage_refresh_errors_total" in failed
    scraped = {**failed, **scraped}
    labels_of = {name: {k for key in series for k, _ in key} for name, series in scraped.items()}
    board = dashboard()
    panels = board["panels"]
    assert isinstance(panels, list)
    assert len(panels) >= 10
    titles = " ".join(p["title"].lower() for p in panels)
    for word in ("project", "user", "model", "line item", "api key", "tokens", "refresh", "error"):
        assert word in titles
    for panel in panels:
        for target in panel["targets"]:
            expr, legend = target["expr"], target.get("legendFormat", "")
            names = set(METRIC.findall(expr))
            assert names, (panel["title"], expr)
            for name in names:
                assert name in scraped, (panel["title"], name)
            available = set().union(*(labels_of[n] for n in names))
            wanted = {
                label.strip()
                for group in BY.findall(expr)
                for label in group.split(",")
                if label.strip()
            }
            wanted |= set(MATCHER.findall(expr)) | set(LEGEND.findall(legend))
            assert wanted <= available, (panel["title"], wanted - available)
    variables = board["templating"]["list"]  # type: ignore[index]
    for variable in variables:
        query = variable.get("definition", "")
        for name in METRIC.findall(query):
            assert name in scraped
