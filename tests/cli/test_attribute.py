"""The ``attribute`` command, spend by user and key in the report, names in tables, ports."""

from __future__ import annotations

import csv
import io
import json
import socket
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from click.testing import Result

from openai_org_usage import UsageClient
from openai_org_usage.directory import Directory
from openai_org_usage.fake import FakeUsageAPI

Invoke = Callable[..., Result]
RANGE = ("--start", "2026-11-11", "--end", "2026-11-25")
CENT = Decimal("0.01")


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _csv(result: Result) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def _cents(values: Any) -> Decimal:
    return sum((Decimal(repr(v)) for v in values), Decimal(0)).quantize(CENT)


@pytest.fixture(scope="module")
def directory() -> Directory:
    with UsageClient("sk-admin-demo", transport=FakeUsageAPI(seed=0).transport()) as client:
        return Directory.load(client)


def test_attributed_spend_by_user_plus_remainder_is_the_costs_total(invoke: Invoke) -> None:
    rows = _json(invoke("attribute", "--demo", *RANGE, "--by", "user_id", "--format", "json"))
    costs = _json(invoke("costs", "--demo", *RANGE, "--format", "json"))
    billed = _cents(r["amount_value"] for r in costs)
    attributed = [r for r in rows if r["unattributed_reason"] is None]
    remainder = [r for r in rows if r["unattributed_reason"] is not None]
    assert attributed
    assert remainder
    assert _cents(r["attributed_cost"] for r in rows) == billed
    # The remainder explains itself: a reason, the line item and the project billed.
    assert all(r["line_item"] and r["billed_project_id"] for r in remainder)
    assert any(r["unattributed_reason"].startswith("images") for r in remainder)
    assert {r["user_id"] for r in attributed} >= {r["user_id"] for r in attributed[:1]}
    assert all(r["user_id"] is None for r in remainder)


def test_exports_keep_raw_ids_and_names_come_only_with_names(
    invoke: Invoke, directory: Directory
) -> None:
    plain = _csv(invoke("attribute", "--demo", *RANGE, "--by", "api_key_id", "--format", "csv"))
    assert list(plain[0]) == [
        "bucket_start",
        "bucket_end",
        "api_key_id",
        "estimated_cost",
        "attributed_cost",
        "currency",
        "unattributed_reason",
        "line_item",
        "billed_project_id",
    ]
    assert all(r["api_key_id"].startswith("key_") for r in plain if not r["unattributed_reason"])
    named = _csv(
        invoke("attribute", "--demo", *RANGE, "--by", "api_key_id", "--format", "csv", "--names")
    )
    assert list(named[0])[2:4] == ["api_key_id", "api_key_id_name"]
    for row in named:
        if row["api_key_id"]:
            assert row["api_key_id_name"] == (directory.name("api_key_id", row["api_key_id"]) or "")
    assert any(row["api_key_id_name"] for row in named)


def test_the_table_shows_names_and_ids_shows_ids(invoke: Invoke, directory: Directory) -> None:
    rows = _json(invoke("attribute", "--demo", *RANGE, "--format", "json"))
    user = next(r["user_id"] for r in rows if r["user_id"])
    name = directory.name("user_id", user)
    assert name
    assert name != user
    table = invoke("attribute", "--demo", *RANGE)
    assert table.exit_code == 0, table.output
    assert name in table.stdout
    assert user not in table.stdout
    assert "Not attributed" in table.stdout
    assert "genai-prices" in table.stdout
    ids = invoke("attribute", "--demo", *RANGE, "--ids")
    assert user in ids.stdout
    assert name not in ids.stdout


def test_several_groupings_and_hours(invoke: Invoke) -> None:
    rows = _json(
        invoke(
            "attribute",
            "--demo",
            "--start",
            "2026-11-23",
            "--end",
            "2026-11-25",
            "--by",
            "project_id",
            "--by",
            "model",
            "--bucket-width",
            "1h",
            "--format",
            "json",
        )
    )
    costs = _json(
        invoke(
            "costs", "--demo", "--start", "2026-11-23", "--end", "2026-11-25", "--format", "json"
        )
    )
    assert _cents(r["attributed_cost"] for r in rows) == _cents(r["amount_value"] for r in costs)
    assert {"project_id", "model"} <= set(rows[0])
    assert len({r["bucket_start"] for r in rows if r["unattributed_reason"] is None}) > 2


def test_bad_by_and_contradicting_flags_are_usage_errors(invoke: Invoke) -> None:
    bad = invoke("attribute", "--demo", "--by", "colour")
    assert bad.exit_code == 2
    assert "--by" in bad.stderr
    assert "colour" in bad.stderr
    both = invoke("attribute", "--demo", "--ids", "--names")
    assert both.exit_code == 2
    assert "--ids" in both.stderr
    assert "--names" in both.stderr


def test_report_spend_by_user_and_key_add_up_to_the_total(
    invoke: Invoke, directory: Directory
) -> None:
    data = _json(invoke("report", "--demo", *RANGE, "--format", "json"))
    total = Decimal(repr(data["total_spend"])).quantize(CENT)
    rest = _cents(u["amount"] for u in data["unattributed"])
    assert data["spend_by_user"]
    assert data["spend_by_api_key"]
    assert data["unattributed"]
    assert _cents(u["amount"] for u in data["spend_by_user"]) + rest == total
    assert _cents(k["amount"] for k in data["spend_by_api_key"]) + rest == total
    assert all(u["reason"] for u in data["unattributed"])
    # By name: the users and projects the report shows have their directory names.
    for entry in data["spend_by_user"]:
        assert entry["name"] == directory.label("user_id", entry["user_id"])
    project = data["spend_by_project"][0]["project_id"]
    assert data["names"][project] == directory.label("project_id", project)
    table = invoke("report", "--demo", *RANGE)
    assert directory.label("user_id", data["spend_by_user"][0]["user_id"]) in table.stdout
    raw = _json(invoke("report", "--demo", *RANGE, "--format", "json", "--ids"))
    assert raw["names"] == {}
    assert raw["spend_by_user"][0]["name"] == raw["spend_by_user"][0]["user_id"]


@pytest.mark.parametrize("field", ["user_id", "api_key_id"])
def test_report_and_attribute_give_each_person_and_key_the_same_cents(
    invoke: Invoke, field: str
) -> None:
    # The report fetches usage split by user and key at once; its per-user (per-key) figures
    # must still be the cents `attribute --by` that field gives, not a finer split summed up.
    report = _json(invoke("report", "--demo", *RANGE, "--format", "json"))
    rows = _json(invoke("attribute", "--demo", *RANGE, "--by", field, "--format", "json"))
    per_group: dict[str, Decimal] = {}
    for row in rows:
        if row["unattributed_reason"] is None and row[field] is not None:
            value = Decimal(repr(row["attributed_cost"]))
            per_group[row[field]] = per_group.get(row[field], Decimal(0)) + value
    section = "spend_by_user" if field == "user_id" else "spend_by_api_key"
    shown = {e[field]: Decimal(repr(e["amount"])).quantize(CENT) for e in report[section]}
    assert shown == {k: v.quantize(CENT) for k, v in per_group.items() if v}


def test_data_tables_show_names_exports_only_on_request(
    invoke: Invoke, directory: Directory
) -> None:
    args = ("costs", "--demo", "--last", "2d", "--group-by", "project_id")
    rows = _csv(invoke(*args, "--format", "csv"))
    assert "project_id_name" not in rows[0]
    project = rows[0]["project_id"]
    name = directory.name("project_id", project)
    assert name
    assert name in invoke(*args).stdout
    assert name not in invoke(*args, "--ids").stdout
    named = _csv(invoke(*args, "--format", "csv", "--names"))
    columns = list(named[0])
    assert columns[columns.index("project_id") + 1] == "project_id_name"
    assert {r["project_id_name"] for r in named if r["project_id"] == project} == {name}


def test_fake_server_on_a_busy_port_names_the_port(invoke: Invoke) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = invoke("fake-server", "--port", str(port))
    assert result.exit_code == 1
    assert f"port {port} is in use" in result.stderr
    assert "--port" in result.stderr
