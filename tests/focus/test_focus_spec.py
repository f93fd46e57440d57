"""FOCUS 1.2 and 1.3 exports against the spec's own column definitions.

``focus_requirements.json`` holds, per version and column, what the FOCUS_Spec repository's
column definition requires (feature level, data type, allowed values, nullability), each with
its source (repo, path, commit). The 1.2 facts come from the ``v1.2`` tag; the stored copy of
the repository has no ``v1.3`` tag, so the 1.3 columns new in 1.3 come from 1.3 working-draft
files (named commits) and the others are 1.2's, as the file says per entry.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from openai_org_usage import UsageClient
from openai_org_usage.focus import focus_rows, focus_table, write_focus

REQUIREMENTS = json.loads(Path(__file__).with_name("focus_requirements.json").read_text())
CASES = [("1.2", False), ("1.3", False), ("1.3", True)]


@pytest.fixture(scope="module")
def exports() -> dict[tuple[str, bool], tuple[pa.Table, list[dict[str, str]]]]:
    from openai_org_usage.fake import FakeUsageAPI

    out = {}
    with UsageClient("sk-admin-demo", transport=FakeUsageAPI(seed=0).transport()) as client:
        for version, allocation in CASES:
            rows = focus_rows(
                client,
                start="2026-11-01",
                end="2026-11-08",
                version=version,
                allocation=allocation,
            )
            text = io.StringIO(newline="")
            write_focus(rows, text, version=version, allocation=allocation)
            cells = list(csv.DictReader(io.StringIO(text.getvalue(), newline="")))
            out[version, allocation] = (
                focus_table(rows, version=version, allocation=allocation),
                cells,
            )
    return out


def test_every_requirement_names_its_source() -> None:
    for version in ("1.2", "1.3"):
        for column, spec in REQUIREMENTS[version].items():
            source = spec["source"]
            assert source["repo"] == "FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec", column
            assert source["path"].startswith("specification/"), column
            assert len(source["commit"]) == 40, column


@pytest.mark.parametrize(("version", "allocation"), CASES)
def test_mandatory_columns_are_present(
    exports: dict[Any, Any], version: str, allocation: bool
) -> None:
    table, _ = exports[version, allocation]
    mandatory = {c for c, s in REQUIREMENTS[version].items() if s["feature_level"] == "Mandatory"}
    assert mandatory <= set(table.column_names)
    # Nothing else but FOCUS columns of this version and custom x_ columns.
    others = set(table.column_names) - set(REQUIREMENTS[version])
    assert all(c.startswith("x_") for c in others), others
    if allocation:
        assert {c for c in REQUIREMENTS["1.3"] if c.startswith("Allocated")} <= set(
            table.column_names
        )


def _arrow_type_ok(kind: str, arrow_type: pa.DataType) -> bool:
    if kind == "Decimal":
        return pa.types.is_decimal(arrow_type)
    if kind == "Date/Time":
        return pa.types.is_timestamp(arrow_type) and arrow_type.tz == "UTC"
    return pa.types.is_string(arrow_type)  # String, and JSON serialized as a string


def _cell_ok(kind: str, text: str) -> bool:
    if kind == "Decimal":
        return "." in text and Decimal(text).is_finite()
    if kind == "Date/Time":
        return text.endswith("Z") and datetime.fromisoformat(text).utcoffset() is not None
    if kind == "JSON":
        return isinstance(json.loads(text), dict)
    return True


@pytest.mark.parametrize(("version", "allocation"), CASES)
def test_types_allowed_values_and_nulls(
    exports: dict[Any, Any], version: str, allocation: bool
) -> None:
    table, cells = exports[version, allocation]
    checked = 0
    for column in table.column_names:
        spec = REQUIREMENTS[version].get(column)
        if spec is None:
            continue
        checked += 1
        kind = spec["data_type"]
        values = table.column(column).to_pylist()
        assert _arrow_type_ok(kind, table.schema.field(column).type), column
        texts = [c[column] for c in cells]
        assert all(_cell_ok(kind, t) for t in texts if t), column
        if not spec["allows_nulls"]:
            assert None not in values, column
            assert "" not in texts, column
        allowed = spec.get("allowed_values")
        if allowed:
            assert {v for v in values if v is not None} <= set(allowed), column
        if kind == "JSON":
            for value in values:
                if value is not None:
                    assert isinstance(json.loads(value), dict), column
        other = spec.get("not_null_when_not_null")
        if other:
            for mine, theirs in zip(values, table.column(other).to_pylist(), strict=True):
                assert (mine is None) == (theirs is None), column
    assert checked >= 40
