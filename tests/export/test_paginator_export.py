"""Paginator.to_records / to_pandas, sync and async, against the embedded fake."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from openai_org_usage import AsyncUsageClient, UsageClient
from openai_org_usage.fake import FakeUsageAPI

START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 11, 8, tzinfo=UTC)


def test_to_pandas_matches_iteration() -> None:
    with UsageClient("sk-admin-test-dummy", transport=FakeUsageAPI().transport()) as client:
        paginator = client.completions(start=START, end=END, group_by=["model", "project_id"])
        frame = paginator.to_pandas()
        rows = list(paginator.results())
    assert len(frame) == len(rows) > 0
    assert frame["input_tokens"].sum() == sum(r.result.input_tokens for r in rows)
    assert str(frame["bucket_start"].dtype).startswith("datetime64")
    assert frame["bucket_start"].min() == pd.Timestamp(START)
    assert set(frame["model"]) == {r.result.model for r in rows}


def test_to_records_are_plain_dicts() -> None:
    with UsageClient("sk-admin-test-dummy", transport=FakeUsageAPI().transport()) as client:
        records = client.costs(start=START, end=END, group_by="line_item").to_records()
    assert records
    first = records[0]
    assert isinstance(first, dict)
    assert first["bucket_start"] == START
    assert isinstance(first["amount_value"], float)
    assert "amount" not in first


@pytest.mark.asyncio
async def test_async_to_pandas_equals_sync() -> None:
    fake = FakeUsageAPI()
    async with AsyncUsageClient("sk-admin-test-dummy", transport=fake.transport()) as client:
        frame = await client.costs(start=START, end=END, group_by="project_id").to_pandas()
        records = await client.costs(start=START, end=END, group_by="project_id").to_records()
    with UsageClient("sk-admin-test-dummy", transport=fake.transport()) as client:
        expected = client.costs(start=START, end=END, group_by="project_id").to_pandas()
    pd.testing.assert_frame_equal(frame, expected)
    assert len(records) == len(frame)
