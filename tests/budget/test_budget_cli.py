"""``openai-org-usage budget``: the month so far against limits, checked against ``costs`` and
``attribute`` over the same range, and the library's figures against the fake's governance."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from _budget_helpers import json_of, run_cli

from openai_org_usage import InvalidParameterError, UsageClient
from openai_org_usage.budget import RECORD_FIELDS, budget_status
from openai_org_usage.cli._budget import OVER
from openai_org_usage.cli._errors import FAILURE, INTERRUPTED, USAGE
from openai_org_usage.fake import FakeUsageAPI, running_server

FAKE = FakeUsageAPI(seed=0)
NOW = FAKE.now
MONTH = datetime(NOW.year, NOW.month, 1, tzinfo=UTC)
CENT = Decimal("0.01")
SECRET_KEY = "sk-" + "admin-budget-test-0123456789abcdef"


def cents(value: Any) -> Decimal:
    return Decimal(repr(value)).quantize(CENT)


@pytest.fixture(scope="module")
def budget() -> dict[str, Any]:
    data = json_of("budget", "--demo", "--format", "json")
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def scopes(budget: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(s["scope_kind"], s["scope_id"]): s for s in budget["scopes"]}


def test_the_month_is_the_utc_calendar_month_to_the_fakes_now(budget: dict[str, Any]) -> None:
    assert budget["month"] == f"{NOW:%Y-%m}"
    assert budget["start"] == MONTH.isoformat().replace("+00:00", "Z")
    assert budget["end"] == NOW.isoformat().replace("+00:00", "Z")
    kinds = [s["scope_kind"] for s in budget["scopes"]]
    assert kinds[0] == "organization"
    assert kinds == sorted(kinds, key=["organization", "project", "api_key"].index)


def test_org_and_project_spend_equal_costs_over_the_same_range_to_the_cent(
    scopes: dict[tuple[str, str], dict[str, Any]],
) -> None:
    rows = json_of(
        "costs", "--demo", "--format", "json", "--group-by", "project_id",
        "--start", MONTH.isoformat(), "--end", NOW.isoformat(),
    )  # fmt: skip
    total = Decimal(0)
    per_project: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        amount = Decimal(repr(row["amount_value"]))
        total += amount
        per_project[row["project_id"]] += amount
    org = scopes["organization", "organization"]
    assert org["basis"] == "billed"
    assert cents(org["spent"]) == total.quantize(CENT)
    projects = {pid: s for (kind, pid), s in scopes.items() if kind == "project"}
    assert set(per_project) <= set(projects)
    assert len(per_project) >= 3
    for pid, project in projects.items():
        assert project["basis"] == "billed"
        assert cents(project["spent"]) == per_project.get(pid, Decimal(0)).quantize(CENT), pid


def test_key_spend_equals_the_attribution_by_key_for_the_month(
    scopes: dict[tuple[str, str], dict[str, Any]],
) -> None:
    rows = json_of(
        "attribute", "--demo", "--format", "json", "--by", "api_key_id",
        "--start", MONTH.isoformat(), "--end", NOW.isoformat(),
    )  # fmt: skip
    per_key: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row["unattributed_reason"] is None and row["api_key_id"]:
            per_key[row["api_key_id"]] += Decimal(repr(row["attributed_cost"]))
    keys = {kid: s for (kind, kid), s in scopes.items() if kind == "api_key"}
    # The fake limits two keys: the top spender (enforcing, below its spend) and the next.
    assert len(keys) == 2
    for kid, key in keys.items():
        assert key["basis"] == "reconciled"
        assert Decimal(repr(key["spent"])) == per_key[kid], kid
        assert key["project_id"]
        assert key["project_name"]
    enforcing = [k for k in keys.values() if k["limit_enforcement"] == "enforcing"]
    assert len(enforcing) == 1
    assert enforcing[0]["spent"] >= enforcing[0]["limit"]
    assert enforcing[0]["limit_reached_on"] is not None


def test_limits_and_thresholds_are_the_apis_cents_in_dollars(
    scopes: dict[tuple[str, str], dict[str, Any]],
) -> None:
    with UsageClient("sk-admin-demo", transport=FakeUsageAPI(seed=0).transport()) as client:
        org_limit = client.spend_limit().threshold_amount
        org_alerts = sorted(a.threshold_amount for a in client.spend_alerts())
    org = scopes["organization", "organization"]
    assert Decimal(repr(org["limit"])) == Decimal(org_limit) / 100
    assert [Decimal(repr(a["threshold"])) for a in org["alerts"]] == [
        Decimal(a) / 100 for a in org_alerts
    ]


def test_the_fakes_org_is_on_course_to_cross_its_limit(
    scopes: dict[tuple[str, str], dict[str, Any]],
) -> None:
    org = scopes["organization", "organization"]
    assert org["spent"] < org["limit"] <= org["forecast"]
    assert org["forecast_lower"] <= org["forecast"] <= org["forecast_upper"]
    assert org["percent_of_limit"] < 100 <= org["forecast_percent_of_limit"]
    reached = date.fromisoformat(org["limit_reached_on"])
    assert NOW.date() <= reached < date(2026, 12, 1)
    # Half the limit is an alert the month has crossed; the whole limit one it has not.
    assert [a["crossed"] for a in org["alerts"]] == [True, False]


def test_the_first_projects_alert_was_crossed_on_the_15th(
    scopes: dict[tuple[str, str], dict[str, Any]],
) -> None:
    crossed = [
        (s["scope_id"], a["crossed_on"])
        for s in scopes.values()
        if s["scope_kind"] == "project"
        for a in s["alerts"]
        if a["crossed"]
    ]
    assert crossed == [(FAKE.org.projects[0], f"{NOW:%Y-%m}-15")]


def test_fail_over_exits_3_naming_the_scope_when_reached() -> None:
    result = run_cli("budget", "--demo", "--fail-over", "100")
    assert result.exit_code == OVER == 3
    lines = [line for line in result.stderr.splitlines() if "over 100%" in line]
    assert any("organization" in line and "forecast" in line for line in lines), result.stderr
    assert any("API key" in line and "spent" in line for line in lines), result.stderr
    assert "Budget" in result.stdout  # the table is still printed


def test_fail_over_exits_0_when_the_percentage_is_high_enough() -> None:
    result = run_cli("budget", "--demo", "--fail-over", "1000", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "over 1000%" not in result.stderr


def test_the_exit_code_does_not_collide_with_the_errors() -> None:
    assert OVER not in (0, FAILURE, USAGE, INTERRUPTED)


@pytest.mark.parametrize("bad", ["-1", "abc", "nan", "inf", ""])
def test_a_bad_fail_over_is_a_usage_error_naming_the_option(bad: str) -> None:
    result = run_cli("budget", "--demo", "--fail-over", bad)
    assert result.exit_code == USAGE
    assert "--fail-over" in result.stderr
    assert "Traceback" not in result.output


def test_csv_has_one_row_per_scope_with_exact_amounts(budget: dict[str, Any]) -> None:
    result = run_cli("budget", "--demo", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == RECORD_FIELDS
    assert [r["scope_id"] for r in rows] == [s["scope_id"] for s in budget["scopes"]]
    for row, scope in zip(rows, budget["scopes"], strict=True):
        assert Decimal(row["spent"]).quantize(CENT) == cents(scope["spent"])
        assert json.loads(row["alerts"]) == scope["alerts"]


def test_ndjson_has_one_record_per_scope(budget: dict[str, Any]) -> None:
    result = run_cli("budget", "--demo", "--format", "ndjson")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records == budget["scopes"]


def test_the_table_shows_names_amounts_and_alerts(budget: dict[str, Any]) -> None:
    result = run_cli("budget", "--demo")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "synthetic demo data" in text
    for scope in budget["scopes"]:
        assert scope["scope_name"] in text
        assert scope["scope_name"] != scope["scope_id"] or scope["scope_kind"] == "organization"
        assert f"${scope['spent']:,.2f}" in text
    # Names, not IDs.
    assert "proj_" not in text
    assert "key_" not in text
    assert "Spend alert thresholds" in text
    assert f"{NOW:%Y-%m}-15" in text


def test_the_admin_key_never_reaches_the_output() -> None:
    with running_server(FakeUsageAPI(seed=0)) as url:
        env = {"OPENAI_ADMIN_KEY": SECRET_KEY}
        for fmt in ("table", "json", "csv"):
            # Not --demo: the real clock's month, read from the fake over HTTP with the key.
            result = run_cli("budget", "--base-url", url, "--format", fmt, env=env)
            assert result.exit_code == 0, result.output
            assert SECRET_KEY not in result.stdout
            assert SECRET_KEY not in result.stderr
            assert "sk-admin" not in result.output


def test_the_library_refuses_a_naive_now_and_a_bad_percentage() -> None:
    with UsageClient("sk-admin-demo", transport=FakeUsageAPI(seed=0).transport()) as client:
        with pytest.raises(InvalidParameterError) as caught:
            budget_status(client, now=datetime(2026, 11, 25))
        assert caught.value.param == "now"
        status = budget_status(client, now=NOW, keys=False)
    assert all(s.kind != "api_key" for s in status.scopes)
    with pytest.raises(InvalidParameterError) as bad:
        status.over(-5)
    assert bad.value.param == "pct"
    org = status.scopes[0]
    projects = sum((s.spent for s in status.scopes if s.kind == "project"), Decimal(0))
    assert org.spent == projects  # every cost of the demo is in a project
    assert org.forecast.month == MONTH.date()
