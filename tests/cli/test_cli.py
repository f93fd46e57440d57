"""End-to-end tests of the ``openai-org-usage`` command against the embedded fake.

In process with ``--demo`` (the fake's transport), over loopback with ``--base-url`` (a real
HTTP server on 127.0.0.1), and a couple of real subprocesses. Dates are fixed and inside the
fake's data, whose clock is fixed at 2026-11-25T12:00Z.
"""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from openai_org_usage import OPERATIONS
from openai_org_usage.cli import MISSING_EXTRA, main
from openai_org_usage.export import columns
from openai_org_usage.fake import FakeUsageAPI, running_server

WEEK = ("--start", "2026-11-01", "--end", "2026-11-08")
DUMMY_KEY = "sk-admin-test-dummy"
DEMO_NOTICE = (
    "Demo mode: synthetic data from the embedded fake API; no request leaves this machine."
)
USAGE_ENDPOINTS = [name for name in OPERATIONS if name != "costs"]
ERROR_PREFIX = "openai-org-usage: error: "
Invoke = Callable[..., Result]  # the `invoke` fixture (conftest.py)


def _json(text: str) -> Any:
    return json.loads(text)


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith(ERROR_PREFIX), stderr
    assert "Traceback" not in stderr
    return lines[0]


# -- help --------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [(), ("report",), ("costs",), ("usage",), ("fake-server",)])
def test_help_of_every_command_has_examples(invoke: Invoke, command: tuple[str, ...]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout


def test_no_arguments_prints_help(invoke: Invoke) -> None:
    result = invoke()
    assert result.exit_code == 0
    assert "Commands:" in result.stdout
    assert ERROR_PREFIX not in result.output


def test_usage_help_lists_filters_from_the_operations(invoke: Invoke) -> None:
    text = invoke("usage", "--help").stdout
    for flag in ("--project-id", "--user-id", "--api-key-id", "--model", "--source", "--size"):
        assert flag in text
    for flag in ("--vector-store-id", "--context-level", "--batch / --no-batch", "--limit"):
        assert flag in text
    assert "--api-key " not in text  # the key is never an option


# -- report ------------------------------------------------------------------------------------


def test_report_table_in_demo_mode(invoke: Invoke) -> None:
    result = invoke("report", "--demo", *WEEK)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "synthetic" in out
    assert "2026-11-01 to 2026-11-07 (7 UTC days)" in out
    for heading in (
        "Total spend",
        "Spend by project",
        "Spend by line item",
        "Completions by model",
        "Top users by tokens",
        "Top API keys by tokens",
        "Other endpoints",
        "code interpreter sessions",
        "web search calls",
    ):
        assert heading in out
    assert "$" in out
    assert " more)" in out  # the long tail of line items folded into one row
    assert DEMO_NOTICE in result.stderr


def test_report_json_total_equals_sum_of_costs_rows(invoke: Invoke) -> None:
    report = _json(invoke("report", "--demo", *WEEK, "--format", "json").stdout)
    rows = _json(invoke("costs", "--demo", *WEEK, "--format", "json").stdout)
    assert len(rows) == 7  # one ungrouped result per day
    assert report["total_spend"] == pytest.approx(math.fsum(r["amount_value"] for r in rows))
    assert report["total_spend"] > 0
    for section in ("spend_by_project", "spend_by_line_item"):
        assert math.fsum(s["amount"] for s in report[section]) == pytest.approx(
            report["total_spend"]
        )
    assert (report["start"], report["end"]) == ("2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z")
    assert report["synthetic"] is True
    assert report["currency"] == "usd"


def test_report_json_tokens_match_completions_rows(invoke: Invoke) -> None:
    report = _json(invoke("report", "--demo", *WEEK, "--format", "json").stdout)
    rows = _json(
        invoke(
            "usage", "completions", "--demo", *WEEK, "--group-by", "model", "--format", "json"
        ).stdout
    )
    by_model: dict[str, int] = {}
    for row in rows:
        by_model[row["model"]] = by_model.get(row["model"], 0) + row["input_tokens"]
    assert {m["model"]: m["input_tokens"] for m in report["models"]} == by_model
    assert report["completions"]["input_tokens"] == sum(by_model.values())
    tokens = [u["total_tokens"] for u in report["top_users"]]
    assert tokens == sorted(tokens, reverse=True)
    assert len(report["top_users"]) == min(10, report["user_count"])


def test_report_vector_store_bytes_are_the_latest_bucket_not_the_sum(invoke: Invoke) -> None:
    report = _json(invoke("report", "--demo", *WEEK, "--format", "json").stdout)
    rows = _json(invoke("usage", "vector_stores", "--demo", *WEEK, "--format", "json").stdout)
    assert len(rows) == 7
    assert report["other"]["vector_stores"]["usage_bytes"] == rows[-1]["usage_bytes"]
    assert report["vector_stores_as_of"] == rows[-1]["bucket_start"]
    for endpoint, field in (
        ("embeddings", "input_tokens"),
        ("images", "images"),
        ("audio_speeches", "characters"),
        ("audio_transcriptions", "seconds"),
        ("code_interpreter_sessions", "num_sessions"),
        ("file_search_calls", "num_requests"),
    ):
        rows = _json(invoke("usage", endpoint, "--demo", *WEEK, "--format", "json").stdout)
        assert report["other"][endpoint][field] == sum(r[field] for r in rows)


def test_report_csv_is_long_format(invoke: Invoke) -> None:
    result = invoke("report", "--demo", *WEEK, "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["section", "name", "metric", "value"]
    report = _json(invoke("report", "--demo", *WEEK, "--format", "json").stdout)
    total = next(r for r in rows if r["metric"] == "total_spend")
    assert float(total["value"]) == report["total_spend"]  # repr round-trips exactly
    models = {r["name"] for r in rows if r["section"] == "models"}
    assert models == {m["model"] for m in report["models"]}


def test_report_ndjson_lines_parse(invoke: Invoke) -> None:
    result = invoke("report", "--demo", *WEEK, "--format", "ndjson", "--top", "3")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    sections = [r["section"] for r in records]
    assert sections[0] == "summary"
    assert sections.count("top_users") == 3
    assert {"spend_by_project", "spend_by_line_item", "models", "other"} <= set(sections)


def test_report_default_range_is_the_last_30_days_of_the_demo_clock(invoke: Invoke) -> None:
    report = _json(invoke("report", "--demo", "--format", "json").stdout)
    assert (report["start"], report["end"]) == ("2026-10-26T12:00:00Z", "2026-11-25T12:00:00Z")


# -- raw rows ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "ndjson"])
def test_costs_every_format(invoke: Invoke, fmt: str) -> None:
    result = invoke("costs", "--demo", *WEEK, "--group-by", "project_id", "--format", fmt)
    assert result.exit_code == 0, result.output
    out = result.stdout
    if fmt == "table":
        assert "synthetic" in out
        assert "$" in out
        assert "proj_" in out
        return
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(out))
        assert reader.fieldnames == [c.name for c in columns("costs")]
        assert reader.fieldnames[:4] == [
            "bucket_start",
            "bucket_end",
            "amount_value",
            "amount_currency",
        ]
        rows: list[dict[str, Any]] = list(reader)
        values = [float(r["amount_value"]) for r in rows]
    else:
        lines = out.splitlines() if fmt == "ndjson" else None
        rows = [json.loads(x) for x in lines] if lines is not None else _json(out)
        values = [r["amount_value"] for r in rows]
        assert all(list(r) == [c.name for c in columns("costs")] for r in rows)
    assert rows
    assert all(r["project_id"].startswith("proj_") for r in rows)
    assert {r["bucket_start"] for r in rows} == {f"2026-11-0{d}T00:00:00Z" for d in range(1, 8)}
    assert all(v >= 0 for v in values)


@pytest.mark.parametrize("endpoint", USAGE_ENDPOINTS)
def test_usage_every_endpoint_as_json(invoke: Invoke, endpoint: str) -> None:
    result = invoke("usage", endpoint, "--demo", *WEEK, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = _json(result.stdout)
    assert len(rows) == 7
    declared = [c.name for c in columns(endpoint)]
    for row in rows:
        assert datetime.fromisoformat(row["bucket_start"]).utcoffset() is not None
        assert row["bucket_start"].endswith("Z")
        assert row["bucket_end"].endswith("Z")
        assert "object" not in row
        assert list(row) == declared


@pytest.mark.parametrize("endpoint", USAGE_ENDPOINTS)
def test_usage_every_endpoint_as_table(invoke: Invoke, endpoint: str) -> None:
    result = invoke("usage", endpoint, "--demo", *WEEK)
    assert result.exit_code == 0, result.output
    assert "synthetic" in result.stdout
    assert "2026-11-07" in result.stdout


def test_usage_csv_header_is_stable_and_numbers_are_raw(invoke: Invoke) -> None:
    result = invoke(
        "usage",
        "completions",
        "--demo",
        *WEEK,
        "--group-by",
        "model",
        "--group-by",
        "batch",
        "--format",
        "csv",
    )
    rows = list(csv.reader(io.StringIO(result.stdout)))
    header = rows[0]
    assert header == [c.name for c in columns("completions")]
    assert all(len(row) == len(header) for row in rows)
    data = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert all(r["input_tokens"].isdigit() for r in data)  # no thousands separators
    assert {r["batch"] for r in data} <= {"true", "false"}


def test_usage_ndjson_with_filters(invoke: Invoke) -> None:
    result = invoke(
        "usage",
        "images",
        "--demo",
        *WEEK,
        "--group-by",
        "size",
        "--size",
        "1024x1024",
        "--format",
        "ndjson",
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows
    assert {r["size"] for r in rows} == {"1024x1024"}


@pytest.mark.parametrize(("flag", "expected"), [("--batch", True), ("--no-batch", False)])
def test_batch_flag(invoke: Invoke, flag: str, expected: bool) -> None:
    result = invoke(
        "usage", "completions", "--demo", *WEEK, "--group-by", "batch", flag, "--format", "json"
    )
    rows = _json(result.stdout)
    assert rows
    assert {r["batch"] for r in rows} == {expected}


def test_output_writes_the_file(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "costs.csv"
    result = invoke("costs", "--demo", *WEEK, "--format", "csv", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 7


def test_table_output_file_has_no_colour_codes(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    assert invoke("report", "--demo", *WEEK, "-o", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "Total spend" in text
    assert "synthetic" in text
    assert "\x1b[" not in text


def test_tz_note_when_local_days_are_not_utc_days(invoke: Invoke) -> None:
    result = invoke(
        "costs",
        "--demo",
        "--start",
        "2026-11-01",
        "--end",
        "2026-11-03",
        "--tz",
        "Europe/Paris",
        "--format",
        "json",
    )
    assert result.exit_code == 0
    assert "daily buckets are UTC days" in result.stderr
    rows = _json(result.stdout)
    assert rows[0]["bucket_start"] == "2026-10-31T23:00:00Z"  # Paris midnight, a partial UTC day
    # The API gives the last bucket its whole UTC day, past the requested 23:00Z end.
    assert rows[-1]["bucket_end"] == "2026-11-03T00:00:00Z"
    assert "ending 2026-11-03T00:00Z" in result.stderr


def test_no_tz_note_in_utc(invoke: Invoke) -> None:
    result = invoke("costs", "--demo", *WEEK, "--tz", "UTC", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr.strip() == DEMO_NOTICE


def test_last_counts_back_from_end(invoke: Invoke) -> None:
    rows = _json(
        invoke("costs", "--demo", "--last", "3d", "--end", "2026-11-08", "--format", "json").stdout
    )
    assert [r["bucket_start"][:10] for r in rows] == ["2026-11-05", "2026-11-06", "2026-11-07"]


# -- over loopback -----------------------------------------------------------------------------


def test_costs_over_loopback_match_demo(
    invoke: Invoke, fake_url: str, fake_api: FakeUsageAPI
) -> None:
    env = {"OPENAI_ADMIN_KEY": DUMMY_KEY}
    args = ("costs", *WEEK, "--group-by", "line_item", "--format", "json")
    remote = invoke(*args, "--base-url", fake_url, env=env)
    assert remote.exit_code == 0, remote.output
    assert DEMO_NOTICE not in remote.stderr
    assert _json(remote.stdout) == _json(invoke(*args, "--demo").stdout)
    assert fake_api.requests
    assert all(r.path == "/v1/organization/costs" for r in fake_api.requests)


def test_usage_over_loopback_maps_filters_to_api_names(
    invoke: Invoke, fake_url: str, fake_api: FakeUsageAPI
) -> None:
    env = {"OPENAI_ADMIN_KEY": DUMMY_KEY, "OPENAI_BASE_URL": fake_url}  # base URL from env
    model = "gpt-4o-mini-2024-07-18"
    result = invoke(
        "usage",
        "completions",
        *WEEK,
        "--group-by",
        "model",
        "--model",
        model,
        "--no-batch",
        "--limit",
        "3",
        "--format",
        "ndjson",
        env=env,
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows
    assert {r["model"] for r in rows} == {model}
    assert len({r["bucket_start"] for r in rows}) == 7  # three pages of <= 3 buckets, all kept
    query = dict(fake_api.requests[0].query)
    assert query["models"] == model
    assert query["batch"] == "false"
    assert query["limit"] == "3"
    assert len(fake_api.requests) == 3


def test_api_error_is_one_line_exit_1_without_the_key(invoke: Invoke) -> None:
    with running_server(FakeUsageAPI(api_key="sk-admin-the-right-one")) as url:
        result = invoke("costs", *WEEK, "--base-url", url, env={"OPENAI_ADMIN_KEY": DUMMY_KEY})
    assert result.exit_code == 1
    line = _one_error_line(result.stderr)
    assert "401" in line
    assert DUMMY_KEY not in result.output
    assert result.stdout == ""


# -- usage errors ------------------------------------------------------------------------------


def test_group_by_not_valid_for_endpoint(invoke: Invoke) -> None:
    result = invoke("usage", "completions", "--demo", *WEEK, "--group-by", "size")
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert "--group-by" in line
    assert "completions" in line


def test_filter_not_valid_for_endpoint(invoke: Invoke) -> None:
    result = invoke("usage", "embeddings", "--demo", *WEEK, "--size", "1024x1024")
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert "--size" in line
    assert "embeddings" in line


def test_value_refused_by_the_facade_names_the_option(invoke: Invoke) -> None:
    result = invoke("costs", "--demo", *WEEK, "--limit", "500")
    assert result.exit_code == 2
    assert "--limit" in _one_error_line(result.stderr)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--start", "2026-11-01", "--last", "7d"), "--last"),
        (("--last", "2026-11-01"), "--last"),
        (("--start", "yesterday"), "--start"),
        (("--start", "2026-11-09", "--end", "2026-11-08"), "--start"),
        (("--tz", "Mars/Olympus"), "--tz"),
        (("--format", "xml"), "--format"),
        (("--bucket-width", "1h"), "--bucket-width"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    invoke: Invoke, args: tuple[str, ...], named: str
) -> None:
    result = invoke("costs", "--demo", *args)
    assert result.exit_code == 2
    assert named in _one_error_line(result.stderr)
    assert result.stdout == ""


def test_missing_key_without_demo(invoke: Invoke) -> None:
    result = invoke("report", *WEEK)
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert "OPENAI_ADMIN_KEY" in line
    assert "--demo" in line


def test_ctrl_c_exits_130_quietly(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    from openai_org_usage.cli import _app

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(_app, "fetch_all", interrupted)
    result = invoke("costs", "--demo", *WEEK)
    assert result.exit_code == 130
    assert "Traceback" not in result.output
    assert ERROR_PREFIX not in result.output


def test_missing_extra(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "rich", None)  # makes `import rich` raise ImportError
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--demo"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == MISSING_EXTRA + "\n"


# -- subprocesses ------------------------------------------------------------------------------


def test_python_dash_m_runs_the_report() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "openai_org_usage.cli",
            "report",
            "--demo",
            *WEEK,
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total_spend"] > 0
    # No progress bar (stderr is not a terminal): the notice, and at most one line about
    # the parts of the directory the demo organization cannot list (an archived project).
    lines = done.stderr.strip().splitlines()
    assert lines[0] == DEMO_NOTICE
    assert len(lines) <= 2
    assert all(line.startswith("openai-org-usage: note: names") for line in lines[1:])


def test_python_dash_m_usage_error_has_no_traceback() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "openai_org_usage.cli",
            "usage",
            "moderations",
            "--demo",
            "--group-by",
            "size",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "--group-by" in _one_error_line(done.stderr)
