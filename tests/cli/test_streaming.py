"""The machine formats of the data commands stream: the first row is written before the last
page is requested, and the bytes are those of the library's row shape (``to_records``)."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from openai_org_usage import UsageClient
from openai_org_usage.cli import _app, _held
from openai_org_usage.cli._rows import Record, header, iso_utc, with_names
from openai_org_usage.cli._source import Source
from openai_org_usage.cli._stream import named_chunks, write_chunks
from openai_org_usage.cli._writers import csv_value, lazy_output
from openai_org_usage.export import columns, to_records
from openai_org_usage.fake import FakeUsageAPI

START, END = "2026-11-01", "2026-11-13"
GROUPS = ("model", "project_id")
# Two daily buckets a page: six pages, served one after the other (one window).
ARGS = (
    "usage",
    "completions",
    "--start",
    START,
    "--end",
    END,
    *(arg for group in GROUPS for arg in ("--group-by", group)),
    "--limit",
    "2",
)


class CountingTransport(httpx.BaseTransport):
    """The fake's transport, counting the usage pages it served."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.pages = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if "/usage/" in request.url.path:
            self.pages += 1
        return response


class Recorder(io.StringIO):
    """Standard output that notes how many pages had been served at its first write."""

    def __init__(self, transport: CountingTransport) -> None:
        super().__init__()
        self.transport = transport
        self.pages_at_first_write: int | None = None

    def write(self, text: str, /) -> int:
        if self.pages_at_first_write is None and text:
            self.pages_at_first_write = self.transport.pages
        return super().write(text)


def _client(transport: httpx.BaseTransport) -> UsageClient:
    # One at a time: a page is requested only when the previous one has been read.
    return UsageClient(api_key="demo", transport=transport, max_concurrency=1)


def _run(monkeypatch: pytest.MonkeyPatch, fmt: str) -> Recorder:
    fake = FakeUsageAPI(seed=0)
    transport = CountingTransport(fake.transport())

    def open_source(_settings: object) -> Source:
        return Source(_client(transport), fake.now, demo=True)

    monkeypatch.setattr(_app, "open_source", open_source)
    out = Recorder(transport)
    monkeypatch.setattr("sys.stdout", out)
    with pytest.raises(SystemExit) as exited:
        _app.cli.main([*ARGS, "--format", fmt])
    assert exited.value.code == 0
    return out


def _expected() -> list[Record]:
    fake = FakeUsageAPI(seed=0)
    with _client(fake.transport()) as client:
        paginator = client.completions(start=START, end=END, group_by=list(GROUPS), limit=2)
        rows = to_records("completions", paginator)
    return [
        {k: iso_utc(v) if isinstance(v, datetime) else v for k, v in row.items()} for row in rows
    ]


@pytest.mark.parametrize("fmt", ["ndjson", "csv", "json"])
def test_the_first_row_is_written_before_the_last_page_is_requested(
    monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    out = _run(monkeypatch, fmt)
    served = out.transport.pages
    assert served >= 4  # a multi-page range, else the test proves nothing
    assert out.pages_at_first_write is not None
    # Collect-then-write would have requested every page before writing anything.
    assert out.pages_at_first_write < served


def test_ndjson_is_the_library_rows_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _expected()
    lines = _run(monkeypatch, "ndjson").getvalue().splitlines()
    got = [json.loads(line) for line in lines]
    assert [list(r.items()) for r in got] == [list(r.items()) for r in expected]
    assert len({r["bucket_start"] for r in got}) > 2


def test_json_is_the_array_json_dump_would_write(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _expected()
    text = _run(monkeypatch, "json").getvalue()
    assert text == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"


def test_csv_has_the_operation_header_and_the_library_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = _expected()
    names = [c.name for c in columns("completions")]
    parsed = list(csv.reader(io.StringIO(_run(monkeypatch, "csv").getvalue())))
    assert parsed[0] == names
    assert parsed[1:] == [[csv_value(row[name]) for name in names] for row in expected]


class _Names:
    def name(self, field: str, value: str) -> str | None:
        return None if value.endswith("0") else f"{field}:{value}"


def _rows() -> list[Record]:
    # api_key_id never holds a value: with_names can only tell at the last row.
    return [
        {"bucket_start": str(i), "project_id": f"p{i % 3}", "user_id": None, "api_key_id": None}
        for i in range(20)
    ] + [{"bucket_start": "x", "project_id": None, "user_id": "u1", "api_key_id": None}]


@pytest.mark.parametrize("in_memory", [0, 3, 1000])
def test_named_chunks_equal_with_names_held_on_disk_or_not(
    monkeypatch: pytest.MonkeyPatch, in_memory: int
) -> None:
    monkeypatch.setattr(_held, "IN_MEMORY", in_memory)
    rows = _rows()
    chunks = [rows[i : i + 4] for i in range(0, len(rows), 4)]
    loads: list[int] = []

    def load() -> Any:
        loads.append(1)
        return _Names()

    streamed = [row for chunk in named_chunks(chunks, load) for row in chunk]
    assert streamed == with_names(rows, _Names())  # type: ignore[arg-type]
    assert [list(r) for r in streamed] == [list(r) for r in with_names(rows, _Names())]  # type: ignore[arg-type]
    assert loads == [1]


def test_named_chunks_decide_at_the_first_row_when_every_id_holds_a_value() -> None:
    def chunks() -> Iterator[list[Record]]:
        yield [{"project_id": "p1", "user_id": "u1", "model": "m"}]
        raise AssertionError("read past the row that decides")

    first = next(iter(named_chunks(chunks(), lambda: None)))
    assert list(first[0]) == ["project_id", "project_id_name", "user_id", "user_id_name", "model"]


def test_csv_header_is_what_collecting_gives_and_a_late_field_is_told() -> None:
    first = [{"bucket_start": "a", "surprise": 1}]
    late = [{"bucket_start": "b", "later": 2}, {"bucket_start": "c", "later": 3}]
    out = io.StringIO()
    told: list[str] = []
    write_chunks("csv", out, "costs", [[], first, late], warn=told.append)
    assert out.getvalue().splitlines()[0] == ",".join(header("costs", first))
    assert len(told) == 1
    assert "later" in told[0]


def test_a_fetch_failing_midway_leaves_the_output_file_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "usage.ndjson"
    target.write_text("the last complete export\n", encoding="utf-8")

    def export_failing_midway() -> None:
        with lazy_output(str(target)) as out:
            out.write('{"row": 1}\n')
            raise RuntimeError("the API failed on page 2")

    with pytest.raises(RuntimeError):
        export_failing_midway()
    assert target.read_text(encoding="utf-8") == "the last complete export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["usage.ndjson"]  # nothing left beside it
    with lazy_output(str(target)) as out:
        out.write('{"row": 1}\n')
    assert target.read_text(encoding="utf-8") == '{"row": 1}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["usage.ndjson"]


def test_record_chunks_are_the_records_of_every_bucket_in_whole_buckets() -> None:
    from openai_org_usage.cli._rows import record_chunks, records

    fake = FakeUsageAPI(seed=0)
    with _client(fake.transport()) as client:
        pages = list(client.completions(start=START, end=END, group_by=list(GROUPS)).pages())
    whole = [row for page in pages for row in records(page.buckets, "completions")]
    chunks = list(record_chunks(pages, "completions", chunk_rows=7))
    assert [row for chunk in chunks for row in chunk] == whole
    assert len(chunks) > len(pages)
    for before, after in itertools.pairwise(c for c in chunks if c):
        # A chunk ends at a bucket's end, never inside it.
        assert before[-1]["bucket_start"] != after[0]["bucket_start"]


def test_the_export_streams_within_the_byte_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from openai_org_usage import Paginator

    budgets: list[int | None] = []
    pages = Paginator.pages

    def spy(self: Paginator[Any], *, byte_budget: int | None = None) -> Iterator[Any]:
        budgets.append(byte_budget)
        return pages(self, byte_budget=byte_budget)

    monkeypatch.setattr(Paginator, "pages", spy)
    _run(monkeypatch, "ndjson")
    from openai_org_usage.cli._fetch import STREAM_BYTE_BUDGET

    assert budgets == [STREAM_BYTE_BUDGET]
