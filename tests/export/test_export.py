"""Records and DataFrames: fixed columns and dtypes per operation, values equal to the results.

Data comes from the embedded fake over a fixed week, grouped by every field the operation
allows (the fake plays an organization that refuses no grouping, costs by ``user_id`` with
``project_id`` included), so every group-by column is filled.
"""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

from openai_org_usage import (
    OPERATIONS,
    Bucket,
    MissingDependencyError,
    Operation,
    Row,
    UsageClient,
    export,
)
from openai_org_usage.export import PANDAS_DTYPES, columns, to_pandas, to_records
from openai_org_usage.fake import FakeUsageAPI
from openai_org_usage_client.models import CostsResult, CostsResultAmount, UsageCompletionsResult
from openai_org_usage_client.types import UNSET, Unset

START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 11, 8, tzinfo=UTC)
OPS = list(OPERATIONS.values())
IDS = list(OPERATIONS)


@pytest.fixture
def pd() -> Any:
    return pytest.importorskip("pandas")


@pytest.fixture
def client() -> UsageClient:
    # No lookback limit: the empty-range test reads a month before the fake's data begins.
    # No refused grouping: every group-by field in one request (by default the fake, like the
    # live API for some organizations, refuses costs by user_id with project_id).
    fake = FakeUsageAPI(lookback_days=None, refused_groupings={})
    return UsageClient(api_key="sk-admin-test", transport=fake.transport())


def fetch(client: UsageClient, op: Operation[Any], start: datetime = START) -> list[Row[Any]]:
    """A week of ``op`` from ``start``, grouped by every field."""
    method = getattr(client, op.name)
    end = start + timedelta(days=7)
    return list(method(start=start, end=end, group_by=list(op.group_by)).results())


def value(result: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        result = getattr(result, name)
        if isinstance(result, Unset) or result is None:
            return None
    return result


# -- columns ----------------------------------------------------------------------------------


def test_public_names_are_pinned() -> None:
    assert export.__all__ == [
        "PANDAS_DTYPES",
        "Column",
        "ColumnKind",
        "Rows",
        "arrow_schema",
        "arrow_to_pandas",
        "columns",
        "frame_from_batches",
        "row_key",
        "row_values",
        "to_arrow",
        "to_pandas",
        "to_records",
    ]
    assert all(getattr(export, name) is not None for name in export.__all__)


def test_completions_and_costs_columns_are_pinned() -> None:
    """The contract, spelled out for two operations; the others follow the same rules."""
    assert [c.name for c in columns("costs")] == [
        "bucket_start",
        "bucket_end",
        "amount_value",
        "amount_currency",
        "line_item",
        "project_id",
        "api_key_id",
        "quantity",
        "quantity_unit",
        "user_id",
        "api_source",
    ]
    kinds = {c.name: c.kind for c in columns("costs")}
    assert (kinds["amount_value"], kinds["amount_currency"]) == ("float", "string")
    assert kinds["quantity"] == "float"
    names = [c.name for c in columns("completions")]
    assert names[:4] == ["bucket_start", "bucket_end", "input_tokens", "input_cached_tokens"]
    assert names.index("output_tokens") < names.index("num_model_requests")
    assert names.index("num_model_requests") < names.index("project_id")
    assert names.index("project_id") < names.index("model") < names.index("batch")
    kinds = {c.name: c.kind for c in columns("completions")}
    assert kinds["batch"] == "boolean"
    assert kinds["input_cached_tokens"] == "integer"
    required = {c.name for c in columns("completions") if c.required}
    assert required == {
        "bucket_start",
        "bucket_end",
        "input_tokens",
        "output_tokens",
        "num_model_requests",
    }


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_columns_are_the_spec_fields_in_order(op: Operation[Any]) -> None:
    cols = columns(op)
    assert columns(op.name) == cols
    assert [c.name for c in cols[:2]] == ["bucket_start", "bucket_end"]
    group = [c.name for c in cols if c.group]
    assert sorted(group) == sorted(op.group_by)
    # The result's fields in spec order, `object` left out, nested ones flattened with "_".
    expected: list[tuple[str, tuple[str, ...], str]] = []

    def flat(field: Any, prefix: str, path: tuple[str, ...]) -> None:
        if field.kind == "object":
            for sub in field.nested:
                flat(sub, f"{prefix}{field.key}_", (*path, field.name))
        else:
            expected.append((prefix + field.key, (*path, field.name), field.kind))

    for field in op.fields:
        if field.key != "object":
            flat(field, "", ())
    kinds = {"string": "string", "integer": "integer", "number": "float", "boolean": "boolean"}
    assert [(c.name, c.path, c.kind) for c in cols[2:]] == [
        (name, path, kinds[kind]) for name, path, kind in expected
    ]
    assert len({c.name for c in cols}) == len(cols)


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_columns_cover_every_generated_attribute(op: Operation[Any]) -> None:
    """The registry and the generated model agree: every attribute has a column."""
    attributes = {f.name for f in attrs.fields(op.result_cls) if f.init} - {"object_"}
    assert {c.path[0] for c in columns(op) if c.path} == attributes


# -- DataFrames ---------------------------------------------------------------------------------


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_frame_shape_dtypes_and_values(pd: Any, client: UsageClient, op: Operation[Any]) -> None:
    rows = fetch(client, op)
    assert rows, "the fake has data for every operation in this week"
    frame = to_pandas(op, rows)
    cols = columns(op)
    assert list(frame.columns) == [c.name for c in cols]
    assert len(frame) == len(rows)
    assert {name: str(dtype) for name, dtype in frame.dtypes.items()} == {
        c.name: PANDAS_DTYPES[c.kind] for c in cols
    }
    assert frame["bucket_start"].min() == START
    assert frame["bucket_end"].max() == END
    for col in cols:
        if not col.path:
            continue
        expected = [value(row.result, col.path) for row in rows]
        got = [
            None if v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v
            for v in frame[col.name].astype(object)
        ]
        assert got == expected, col.name
        if col.kind in ("integer", "float"):
            total = sum(v for v in expected if v is not None)
            assert frame[col.name].sum() == pytest.approx(total), col.name


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_empty_range_gives_empty_frame_with_same_columns(
    pd: Any, client: UsageClient, op: Operation[Any]
) -> None:
    full = to_pandas(op, fetch(client, op))
    before_data = fetch(client, op, datetime(2023, 6, 1, tzinfo=UTC))
    assert before_data == []
    for empty in (to_pandas(op, before_data), to_pandas(op.name, [])):
        assert len(empty) == 0
        assert list(empty.columns) == list(full.columns)
        assert (empty.dtypes == full.dtypes).all()


def test_paginator_and_buckets_are_accepted(pd: Any, client: UsageClient) -> None:
    paginator = client.costs(start=START, end=END, group_by=["project_id", "line_item"])
    from_buckets = to_pandas("costs", paginator)
    from_rows = to_pandas("costs", paginator.results())
    pd.testing.assert_frame_equal(from_buckets, from_rows)
    total = sum(value(r, ("amount", "value")) for b in paginator for r in b.results)
    assert from_rows["amount_value"].sum() == pytest.approx(total)
    assert set(from_rows["amount_currency"]) == {"usd"}
    assert from_rows["api_key_id"].isna().all()  # not grouped by it: missing, not ""


def test_unset_and_null_become_missing(pd: Any) -> None:
    result = UsageCompletionsResult(
        object_="organization.usage.completions.result",
        input_tokens=5,
        output_tokens=7,
        num_model_requests=1,
        model=None,
        batch=True,
    )
    cost = CostsResult(object_="organization.costs.result", amount=UNSET, quantity=None)
    row = Row(START, END, result)
    frame = to_pandas("completions", [row])
    assert frame.loc[0, "input_tokens"] == 5
    assert frame.loc[0, "input_cached_tokens"] is pd.NA
    assert frame.loc[0, "model"] is pd.NA
    assert frame["batch"].tolist() == [True]
    assert to_records("completions", [row])[0]["input_cached_tokens"] is None
    costs = to_pandas("costs", [Row(START, END, cost)])
    assert costs["amount_value"].isna().tolist() == [True]
    assert costs.loc[0, "amount_currency"] is pd.NA
    assert str(costs["amount_value"].dtype) == "float64"


def test_whole_floats_count_as_ints_and_ints_as_floats(pd: Any) -> None:
    cost = CostsResult(
        object_="organization.costs.result", amount=CostsResultAmount(value=3, currency="usd")
    )
    cost.quantity = 114  # JSON integers arrive as int
    record = to_records("costs", [Row(START, END, cost)])[0]
    assert record["amount_value"] == 3.0
    assert isinstance(record["amount_value"], float)
    assert isinstance(record["quantity"], float)
    result = UsageCompletionsResult(
        object_="organization.usage.completions.result",
        input_tokens=5.0,  # type: ignore[arg-type]
        output_tokens=1,
        num_model_requests=1,
    )
    assert to_records("completions", [Row(START, END, result)])[0]["input_tokens"] == 5


def test_wrong_values_and_operations_are_refused() -> None:
    result = UsageCompletionsResult(
        object_="organization.usage.completions.result",
        input_tokens="many",  # type: ignore[arg-type]
        output_tokens=1,
        num_model_requests=1,
    )
    with pytest.raises(TypeError, match="input_tokens"):
        to_records("completions", [Row(START, END, result)])
    with pytest.raises(TypeError, match="not a costs result"):
        to_records("costs", [Row(START, END, result)])
    with pytest.raises(TypeError, match="Row or Bucket"):
        to_records("costs", [{"amount": 1}])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="operation"):
        to_records("nope", [])


# -- records ------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", OPS, ids=IDS)
def test_records_are_plain_dicts_with_datetimes(client: UsageClient, op: Operation[Any]) -> None:
    rows = fetch(client, op)
    records = to_records(op, rows)
    assert len(records) == len(rows)
    names = [c.name for c in columns(op)]
    for record, row in zip(records, rows, strict=True):
        assert type(record) is dict
        assert list(record) == names
        assert record["bucket_start"] == row.start
        assert record["bucket_start"].tzinfo is UTC
        assert isinstance(record["bucket_end"], datetime)
        for col in columns(op):
            if col.path:
                assert record[col.name] == value(row.result, col.path)
    assert to_records(op, []) == []


def test_unknown_fields_kept_in_records_not_in_frames(pd: Any, client: UsageClient) -> None:
    rows = fetch(client, OPERATIONS["embeddings"])
    rows[0].result.additional_properties["input_audio_tokens"] = 12
    rows[0].result.additional_properties["model"] = "not-this"  # never overrides a column
    records = to_records("embeddings", rows)
    assert records[0]["input_audio_tokens"] == 12
    assert records[0]["model"] == rows[0].result.model
    assert "input_audio_tokens" not in to_records("embeddings", rows, extras=False)[0]
    assert "input_audio_tokens" not in to_pandas("embeddings", rows).columns


def test_unknown_fields_of_nested_objects_are_flattened_like_known_ones() -> None:
    cost = CostsResult.from_dict(
        {
            "object": "organization.costs.result",
            "amount": {"value": 1.5, "currency": "usd", "tax": 0.25},
            "zeta": {"nested": True},
        }
    )
    (record,) = to_records("costs", [Row(START, END, cost)])
    names = [c.name for c in columns("costs")]
    assert list(record) == [*names, "zeta", "amount_tax"]  # after the fixed columns
    assert (record["amount_value"], record["amount_tax"]) == (1.5, 0.25)
    assert record["zeta"] == {"nested": True}
    assert list(to_records("costs", [Row(START, END, cost)], extras=False)[0]) == names


def test_empty_buckets_give_no_rows(pd: Any) -> None:
    bucket: Bucket[Any] = Bucket(START, END, [])
    assert to_records("costs", [bucket]) == []
    assert len(to_pandas("costs", [bucket])) == 0


# -- optional dependency ------------------------------------------------------------------------


def test_missing_pandas_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, client: UsageClient
) -> None:
    rows = fetch(client, OPERATIONS["costs"])
    monkeypatch.setitem(sys.modules, "pandas", None)  # "import pandas" now raises ImportError
    with pytest.raises(MissingDependencyError, match=r"openai-org-usage\[pandas\]") as info:
        to_pandas("costs", rows)
    assert info.value.extra == "pandas"
    assert isinstance(info.value, ImportError)
    assert "DataFrames" in str(info.value)
    assert len(to_records("costs", rows)) == len(rows)  # records need no pandas


def test_importing_does_not_import_pandas_or_duckdb() -> None:
    code = (
        "import sys, openai_org_usage, openai_org_usage.export, openai_org_usage.store; "
        "assert 'pandas' not in sys.modules and 'duckdb' not in sys.modules, "
        "[m for m in ('pandas', 'duckdb') if m in sys.modules]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
