"""The MCP server's tools in process (``call_tool`` over the embedded fake): bounds, exact
money, refusals in the command line's words, hidden characters escaped, the missing extra."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from openai_org_usage import MissingDependencyError, UsageClient
from openai_org_usage._mcp_names import DirectoryNames
from openai_org_usage._mcp_shape import bounded, dumps, money, sum_money
from openai_org_usage.fake import FakeUsageAPI
from openai_org_usage.mcp_server import (
    MAX_TOP,
    TOOLS,
    ToolContext,
    ToolOutcome,
    build_server,
    call_tool,
)

RANGE = {"start": "2026-11-01", "end": "2026-11-08"}


@pytest.fixture
def context() -> Iterator[ToolContext]:
    fake = FakeUsageAPI(seed=0)
    with UsageClient("sk-admin-test", transport=fake.transport()) as client:
        yield ToolContext(client, lambda: fake.now, DirectoryNames(client).get, demo=True)


def ok(outcome: ToolOutcome) -> dict[str, Any]:
    assert outcome.error is None, outcome.error
    assert outcome.data is not None
    assert json.loads(outcome.text) == outcome.data
    return outcome.data


def test_spend_keeps_top_groups_and_sums_the_rest_exactly(context: ToolContext) -> None:
    grouped = {**RANGE, "group_by": ["project_id", "line_item"]}
    full = ok(call_tool(context, "spend", {**grouped, "top": MAX_TOP}))
    cut = ok(call_tool(context, "spend", {**grouped, "top": 3}))
    (everything,) = full["by_currency"]
    (section,) = cut["by_currency"]
    assert len(everything["groups"]) > 3
    assert section["groups"] == everything["groups"][:3]
    rest = everything["groups"][3:]
    assert section["left_out"] == {
        "count": len(rest),
        "amount": money(sum_money([Decimal(g["amount"]) for g in rest])),
    }
    kept = sum_money([Decimal(g["amount"]) for g in section["groups"]])
    assert kept + Decimal(section["left_out"]["amount"]) == Decimal(section["total"])
    assert any("left out" in note and str(len(rest)) in note for note in cut["notes"])
    assert everything["left_out"] == {"count": 0}
    amounts = [Decimal(g["amount"]) for g in everything["groups"]]
    assert amounts == sorted(amounts, reverse=True)


def test_attributed_spend_adds_up_to_the_bill(context: ToolContext) -> None:
    data = ok(call_tool(context, "attributed_spend", {**RANGE, "by": ["api_key_id"], "top": 2}))
    for section in data["by_currency"]:
        groups = sum_money([Decimal(g["attributed"]) for g in section["groups"]])
        rest = Decimal(section["left_out"].get("attributed", "0"))
        assert groups + rest == Decimal(section["attributed"])
        reasons = sum_money([Decimal(r["amount"]) for r in section["not_attributed_by_reason"]])
        assert reasons == Decimal(section["not_attributed"])
        assert Decimal(section["attributed"]) + reasons == Decimal(section["billed"])
        assert all("api_key_id_name" in g for g in section["groups"])


def test_usage_totals_every_count_and_ranks_by_sort_by(context: ToolContext) -> None:
    data = ok(
        call_tool(
            context,
            "usage",
            {**RANGE, "endpoint": "completions", "group_by": ["model"], "sort_by": "output_tokens"},
        )
    )
    outputs = [g["output_tokens"] for g in data["groups"]]
    assert outputs == sorted(outputs, reverse=True)
    assert outputs[0] > 0
    assert {"input_tokens", "num_model_requests"} <= set(data["groups"][0])


def test_lookup_finds_by_name_and_by_id(context: ToolContext) -> None:
    projects = ok(call_tool(context, "lookup", {"query": "proj_", "kind": "project_id"}))
    first = projects["matches"][0]
    assert first["kind"] == "project_id"
    assert first["match"] == "partial"
    by_name = ok(call_tool(context, "lookup", {"query": first["name"].upper()}))
    assert by_name["matches"][0]["id"] == first["id"]
    assert by_name["matches"][0]["match"] == "exact"
    by_id = ok(call_tool(context, "lookup", {"query": first["id"]}))
    assert by_id["matches"][0]["match"] == "exact"
    nothing = ok(call_tool(context, "lookup", {"query": "no such thing anywhere"}))
    assert nothing["matches"] == []
    assert nothing["left_out"] == {"count": 0}


@pytest.mark.parametrize(
    ("tool", "arguments", "expected"),
    [
        (
            "nope",
            {},
            "unknown tool 'nope': one of spend, usage, attributed_spend, lookup, budget, anomalies",
        ),
        (
            "spend",
            {"groupby": ["x"]},
            "groupby=['x'] is not allowed; expected a parameter of spend",
        ),
        ("spend", {"group_by": ["model"]}, "group_by='model' is not allowed; expected one of"),
        ("spend", {"group_by": []}, "group_by=[] is not allowed"),
        ("spend", {"top": 0}, f"top=0 is not allowed; expected a whole number from 1 to {MAX_TOP}"),
        ("spend", {"top": MAX_TOP + 1}, f"top={MAX_TOP + 1} is not allowed"),
        ("spend", {"top": "5"}, "top='5' is not allowed"),
        ("spend", {"top": True}, "top=True is not allowed"),
        ("spend", {"start": "7d", "last": "7d"}, "last and start are mutually exclusive"),
        ("spend", {"last": "2026-11-01"}, "invalid last 2026-11-01: use a span back from end"),
        ("spend", {"start": "yesterday"}, "invalid start yesterday: use a date (2026-11-01)"),
        ("spend", {"tz": "Mars/Olympus"}, "invalid tz Mars/Olympus: use UTC"),
        ("spend", {"start": "2026-11-08", "end": "2026-11-01"}, "not before end"),
        ("spend", {"start": "2020-01-01"}, "spend failed: "),
        ("spend", {"line_items": "x" * 500}, "line_items='xxxxx"),
        (
            "usage",
            {},
            "endpoint=None is not allowed; expected a string (this parameter is required)",
        ),
        ("usage", {"endpoint": "costs"}, "endpoint='costs' is not allowed; expected one of"),
        (
            "usage",
            {"endpoint": "embeddings", "sizes": ["256x256"]},
            "sizes=['256x256'] is not allowed; expected a filter of endpoint 'embeddings'",
        ),
        ("usage", {"endpoint": "images", "sizes": ["9x9"]}, "sizes='9x9' is not allowed"),
        ("usage", {"endpoint": "embeddings", "sort_by": "images"}, "sort_by='images'"),
        (
            "usage",
            {"endpoint": "completions", "bucket_width": "1m", "last": "30d"},
            "bucket_width='1m' is not allowed; expected a width giving at most 20000 buckets",
        ),
        ("attributed_spend", {"by": ["line_item"]}, "by='line_item' is not allowed"),
        ("lookup", {}, "query=None is not allowed; expected a string"),
        ("lookup", {"query": "x", "kind": "team"}, "kind='team' is not allowed"),
        ("budget", {"last": "7d"}, "last='7d' is not allowed; expected a parameter of budget"),
        (
            "budget",
            {"top": 0},
            f"top=0 is not allowed; expected a whole number from 1 to {MAX_TOP}",
        ),
        ("anomalies", {"days": 0}, "days=0 is not allowed; expected a whole number from 1 to 60"),
        ("anomalies", {"days": 61}, "days=61 is not allowed"),
        ("anomalies", {"days": "7"}, "days='7' is not allowed"),
        ("anomalies", {"days": True}, "days=True is not allowed"),
        ("anomalies", {"days": 7.5}, "days=7.5 is not allowed"),
        (
            "anomalies",
            {"scope_kind": "organization"},
            "scope_kind='organization' is not allowed; expected one of 'project', 'api_key'",
        ),
        ("anomalies", {"start": "2026-11-01"}, "start='2026-11-01' is not allowed"),
    ],
)
def test_bad_input_is_refused_in_the_command_lines_words(
    context: ToolContext, tool: str, arguments: dict[str, Any], expected: str
) -> None:
    outcome = call_tool(context, tool, arguments)
    assert outcome.is_error
    assert outcome.data is None
    assert outcome.error is not None
    assert expected in outcome.error, outcome.error
    assert "Traceback" not in outcome.error
    assert len(outcome.error) <= 1003


def test_budget_bounds_projects_and_keys_and_keeps_exact_money(context: ToolContext) -> None:
    full = ok(call_tool(context, "budget", {"top": MAX_TOP}))
    cut = ok(call_tool(context, "budget", {"top": 1}))
    assert full["month"] == "2026-11"
    (every,) = full["by_currency"]
    (section,) = cut["by_currency"]
    assert section["organization"] == every["organization"]
    for kind in ("projects", "api_keys"):
        assert every[f"{kind}_left_out"] == {"count": 0}
        assert section[kind] == every[kind][:1]
        spent = [Decimal(e["spent"]) for e in every[kind][1:]]
        left = section[f"{kind}_left_out"]
        assert left["count"] == len(spent)
        if spent:
            assert Decimal(left["spent"]) == sum_money(spent)
    for entry in [every["organization"], *every["projects"], *every["api_keys"]]:
        for field in ("spent", "forecast", "forecast_lower", "forecast_upper"):
            assert isinstance(entry[field], str)
            Decimal(entry[field])  # an exact decimal string
        assert entry["limit"] is None or Decimal(entry["limit"]) == Decimal(
            entry["limit"]
        ).quantize(Decimal("0.01"))
    assert every["api_keys"]
    assert all(e["project_name"] for e in every["api_keys"])


def test_anomalies_by_scope_kind_with_drivers_sharing_the_jump(context: ToolContext) -> None:
    found = ok(call_tool(context, "anomalies", {"days": 14, "top": MAX_TOP}))
    assert found["days"] == 14
    assert found["scope_kind"] is None
    sections = {s["scope_kind"]: s for s in found["by_scope_kind"]}
    assert list(sections) == ["project", "api_key", "user", "model"]
    every = [a for s in sections.values() for a in s["anomalies"]]
    assert every
    for a in every:
        assert a["direction"] in ("spike", "drop")
        assert Decimal(a["actual"]) - Decimal(a["baseline"]) == Decimal(a["jump"])
        shares = sum_money([Decimal(d["above_baseline"]) for d in a["drivers"]])
        rest = Decimal(a["drivers_left_out"].get("above_baseline", "0"))
        assert shares + rest == Decimal(a["jump"])
        assert len(a["drivers"]) <= 5
        assert "2026-11-11" <= a["day"] < "2026-11-25"
    for section in sections.values():
        jumps = [abs(Decimal(a["jump"])) for a in section["anomalies"]]
        assert jumps == sorted(jumps, reverse=True)
    drivers = [d for a in sections["model"]["anomalies"] for d in a["drivers"]]
    assert drivers  # a model's anomalies are driven by keys, named
    assert all(d["kind"] == "api_key" and "api_key_name" in d for d in drivers)
    one = ok(call_tool(context, "anomalies", {"days": 14, "top": 1, "scope_kind": "api_key"}))
    (section,) = one["by_scope_kind"]
    assert section["anomalies"] == sections["api_key"]["anomalies"][:1]
    rest = sections["api_key"]["anomalies"][1:]
    assert rest  # the demo has more than one key anomaly in two weeks
    assert section["left_out"] == {
        "count": len(rest),
        "spikes": sum(a["direction"] == "spike" for a in rest),
        "drops": sum(a["direction"] == "drop" for a in rest),
    }


def test_arguments_that_are_not_an_object_are_refused(context: ToolContext) -> None:
    outcome = call_tool(context, "spend", ["last", "7d"])  # type: ignore[arg-type]
    assert outcome.error is not None
    assert outcome.error.startswith("arguments=")


def test_a_defect_is_one_line_not_a_traceback(
    context: ToolContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("secret detail " + "sk-" + "admin-0123456789abcdefghijklmnop")

    monkeypatch.setattr(context.client, "costs", broken)
    outcome = call_tool(context, "spend", {})
    assert outcome.error == "spend failed: internal error (ZeroDivisionError)"


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "Ada Lovelace",
        "Zoë 名前",
        "\u202ereversed",
        "\x1b[31mred\x07",
        "a\u200bb",
        "\x9b2J",
    ],
)
def test_json_text_escapes_hidden_characters_and_keeps_the_data(text: str) -> None:
    dumped = dumps({"name": text})
    assert json.loads(dumped) == {"name": text}
    assert all(c.isprintable() or c in "\n " for c in dumped), dumped
    if text.isprintable():
        assert text in dumped  # letters of any script stay readable


def test_bounded_counts_and_sums_what_it_cuts() -> None:
    items = [("a", Decimal("3.10")), ("b", Decimal("2.005")), ("c", Decimal("0.001"))]
    kept, rest = bounded(items, 1, lambda i: {"amount": i[1], "n": 1})
    assert kept == items[:1]
    assert rest == {"count": 2, "amount": "2.006", "n": 2}
    assert bounded(items, 5, lambda i: {"amount": i[1]})[1] == {"count": 0}


def test_every_tool_has_a_schema_with_the_parameters_it_reads() -> None:
    for tool in TOOLS:
        schema = tool.input_schema
        assert schema["type"] == "object"
        assert schema["additionalProperties"] is False
        assert set(tool.required) <= set(schema["properties"])
        assert tool.description
        assert tool.title


def test_without_the_sdk_the_error_names_the_extra(
    context: ToolContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "mcp", None)
    with pytest.raises(MissingDependencyError, match=r"openai-org-usage\[mcp\]"):
        build_server(context.client)
