"""Pages that cannot be right are refused, on every decoding path.

* A page with no buckets short of the range, for buckets that are past (before the current
  one), is a ``PaginationError`` whatever its ``has_more`` says: the live API answers every
  bucket of a range, an empty one with ``results: []``. Still accepted: empty buckets, a range
  that reaches into the future (the current and later buckets may be missing), and the costs
  endpoint's endless ``has_more: true`` past a covered range (not even requested).
* A body that is not valid UTF-8 is a ``ResponseValidationError`` naming the operation, with at
  most a short, redacted excerpt, on the typed, columnar and admin-list paths.

Each case runs sync and async, with ``max_concurrency`` 1 (one window, cursor paging) and 4
(bucket-aligned windows), on the typed path (iteration) and the columnar path (``to_arrow``),
for a usage operation and for costs. Servers are ``httpx.MockTransport`` handlers.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from openai_org_usage import (
    AsyncUsageClient,
    PaginationError,
    ResponseValidationError,
    UsageClient,
    _pagination,
    _parse,
)
from openai_org_usage.fake import FakeUsageAPI

# Assembled, so no key-shaped literal sits in the repository; the value is a placeholder.
KEY = "sk-" + "admin-impossible-0123456789abcdefghijklmnop"
DAY = 86_400
D0 = datetime(2026, 11, 1, tzinfo=UTC)  # before the clock: a past range unless the clock is set
D0_S = int(D0.timestamp())
OPS = ("completions", "costs")
CONCURRENCY = (1, 4)
PATHS = ("typed", "columnar")
MODES = ("sync", "async")
EVERY_WAY = pytest.mark.parametrize(
    ("op", "concurrency", "path", "mode"),
    list(itertools.product(OPS, CONCURRENCY, PATHS, MODES)),
)


def d(n: float) -> int:
    return D0_S + int(n * DAY)


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


class DaysServer:
    """Serves the one-day buckets of each requested window, ``page_size`` per page at most.

    Buckets at or after ``served_until`` are not served: the page reaching them promises more,
    and the next one is empty, with ``has_more`` as ``then_has_more`` says (and a fresh cursor
    when true). With ``endless`` (the live costs endpoint), a window's last page still promises
    more. Thread-safe; records every request.
    """

    def __init__(
        self,
        *,
        page_size: int = 31,
        served_until: int | None = None,
        then_has_more: bool = False,
        endless: bool = False,
    ) -> None:
        self.page_size = page_size
        self.served_until = served_until
        self.then_has_more = then_has_more
        self.endless = endless
        self.requests: list[httpx.Request] = []
        self.lock = threading.Lock()
        self.counter = itertools.count()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests.append(request)
            fresh = f"c{next(self.counter)}"
        params = request.url.params
        start, end = int(params["start_time"]), int(params["end_time"])
        size = min(int(params["limit"]), self.page_size)
        cursor = params.get("page")
        t = int(cursor.split(":")[1]) if cursor else start
        last = end if self.served_until is None else max(start, min(end, self.served_until))
        buckets = []
        while t < last and len(buckets) < size:
            natural = t - t % DAY + DAY
            buckets.append(
                {"object": "bucket", "start_time": t, "end_time": natural, "results": []}
            )
            t = natural
        if t >= end:
            more = self.endless
        elif buckets:
            more = True
        else:
            more = self.then_has_more
        body = {
            "object": "page",
            "data": buckets,
            "has_more": more,
            "next_page": f"{fresh}:{t}" if more else None,
        }
        return httpx.Response(200, json=body)


def pull(
    handler: Any,
    op: str,
    concurrency: int,
    path: str,
    mode: str,
    *,
    start: datetime = D0,
    end: datetime = D0 + timedelta(days=10),
    limit: int = 3,
) -> list[int]:
    """Pull ``op`` over [start, end) one way; the bucket starts (typed) or row count (columnar)."""
    transport = httpx.MockTransport(handler)
    kwargs: dict[str, Any] = {"start": start, "end": end, "limit": limit}
    if mode == "sync":
        with UsageClient(KEY, transport=transport, max_concurrency=concurrency) as client:
            paginator = getattr(client, op)(**kwargs)
            if path == "typed":
                return [b.start_time for b in paginator]
            return [paginator.to_arrow().num_rows]

    async def main() -> list[int]:
        async with AsyncUsageClient(
            KEY, transport=transport, max_concurrency=concurrency
        ) as client:
            paginator = getattr(client, op)(**kwargs)
            if path == "typed":
                return [b.start_time async for b in paginator]
            return [(await paginator.to_arrow()).num_rows]

    return asyncio.run(main())


def days(first: int, stop: int) -> list[int]:
    return [d(n) for n in range(first, stop)]


# --- a page with no buckets for a past range --------------------------------------------------


@EVERY_WAY
def test_a_past_range_answered_with_no_buckets_is_refused(
    op: str, concurrency: int, path: str, mode: str
) -> None:
    # has_more false and no buckets at all: once taken for an empty result, as if unused.
    server = DaysServer(served_until=D0_S)
    with pytest.raises(PaginationError) as info:
        pull(server, op, concurrency, path, mode)
    message = str(info.value)
    # One window (0..10) or the first of the windows of three days (0..3).
    window_end = "2026-11-11T00:00:00Z" if concurrency == 1 else "2026-11-04T00:00:00Z"
    assert f"{op} pages do not chain for 2026-11-01T00:00:00Z..{window_end}" in message
    assert "has_more is false but the page has no buckets" in message
    assert f"buckets 2026-11-01T00:00:00Z..{window_end} were expected" in message


@EVERY_WAY
@pytest.mark.parametrize("then_has_more", [False, True])
def test_an_empty_page_after_part_of_a_past_range_is_refused(
    op: str, concurrency: int, path: str, mode: str, then_has_more: bool
) -> None:
    # Days 0-4 arrive two per page, then a page with none although days 5-9 are past.
    server = DaysServer(page_size=2, served_until=d(5), then_has_more=then_has_more)
    with pytest.raises(PaginationError) as info:
        pull(server, op, concurrency, path, mode)
    message = str(info.value)
    flag = "true" if then_has_more else "false"
    assert f"has_more is {flag} but the page has no buckets" in message
    # Sequential: the whole range from day 5; windows of three days: the one holding day 5.
    window = ("2026-11-01", "2026-11-11") if concurrency == 1 else ("2026-11-04", "2026-11-07")
    assert f"for {window[0]}T00:00:00Z..{window[1]}T00:00:00Z" in message
    assert f"buckets 2026-11-06T00:00:00Z..{window[1]}T00:00:00Z were expected" in message
    if concurrency == 1:
        # Pages of days 0-1, 2-3, 4, then the empty one; its cursor (if any) is not followed.
        assert len(server.requests) == 4


@EVERY_WAY
def test_a_last_page_that_stops_short_of_a_past_range_is_refused(
    op: str, concurrency: int, path: str, mode: str
) -> None:
    # Days 0-4 arrive, the page holding day 4 says it is the last: days 5-9 would be lost.
    inner = DaysServer(page_size=2, served_until=d(5))

    def handler(request: httpx.Request) -> httpx.Response:
        response = inner(request)
        body = response.json()
        if body["data"] and body["data"][-1]["end_time"] == d(5):
            body |= {"has_more": False, "next_page": None}
        return httpx.Response(200, json=body)

    with pytest.raises(PaginationError) as info:
        pull(handler, op, concurrency, path, mode)
    message = str(info.value)
    window_end = "2026-11-11" if concurrency == 1 else "2026-11-07"
    assert (
        f"has_more is false, but buckets 2026-11-06T00:00:00Z..{window_end}T00:00:00Z are missing"
    ) in message


def test_the_refusal_says_which_window_of_a_concurrent_pull_was_empty() -> None:
    # Every window is answered but the third (days 6-8).
    inner = DaysServer()

    def handler(request: httpx.Request) -> httpx.Response:
        if int(request.url.params["start_time"]) == d(6):
            return httpx.Response(
                200, json={"object": "page", "data": [], "has_more": False, "next_page": None}
            )
        return inner(request)

    with pytest.raises(PaginationError, match=r"for 2026-11-07T00:00:00Z\.\.2026-11-10T00:00:00Z"):
        pull(handler, "completions", 4, "typed", "sync")


@EVERY_WAY
def test_empty_buckets_of_a_past_range_are_fine(
    op: str, concurrency: int, path: str, mode: str
) -> None:
    # What the API sends for a range without usage: every bucket, with no results.
    got = pull(DaysServer(page_size=2), op, concurrency, path, mode)
    assert got == (days(0, 10) if path == "typed" else [0])


@pytest.mark.parametrize(
    ("op", "concurrency", "path", "mode"),
    list(itertools.product(["costs"], CONCURRENCY, PATHS, MODES)),
)
def test_costs_past_its_end_is_still_not_asked_for(
    op: str, concurrency: int, path: str, mode: str
) -> None:
    # The live costs endpoint promises more past the range, with empty pages: never requested.
    server = DaysServer(page_size=2, endless=True)
    got = pull(server, op, concurrency, path, mode)
    assert got == (days(0, 10) if path == "typed" else [0])
    # Five pages of two days in one window, or two pages per three-day window (one for the
    # last): every page requested holds buckets.
    assert len(server.requests) == (5 if concurrency == 1 else 2 + 2 + 2 + 1)


# --- a range that reaches into the future -----------------------------------------------------


@EVERY_WAY
@pytest.mark.parametrize("then_has_more", [False, True])
@pytest.mark.parametrize("served", [5, 6])
def test_a_range_into_the_future_may_lack_the_current_and_later_buckets(
    op: str,
    concurrency: int,
    path: str,
    mode: str,
    then_has_more: bool,
    served: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Now is one hour into day 5; data up to day 4 (the current bucket missing) or day 5.
    monkeypatch.setattr(_pagination, "_clock", lambda: float(d(5) + 3_600))
    server = DaysServer(page_size=2, served_until=d(served), then_has_more=then_has_more)
    got = pull(server, op, concurrency, path, mode)
    assert got == (days(0, served) if path == "typed" else [0])


@pytest.mark.parametrize("concurrency", CONCURRENCY)
def test_a_range_into_the_future_still_needs_every_past_bucket(
    concurrency: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Now is in day 8, but the data stop after day 4: days 5-7 are missing, not future.
    monkeypatch.setattr(_pagination, "_clock", lambda: float(d(8) + 60))
    server = DaysServer(page_size=2, served_until=d(5))
    with pytest.raises(PaginationError, match=r"buckets 2026-11-06T00:00:00Z\.\.2026-11-0"):
        pull(server, "costs", concurrency, "typed", "sync")


def test_a_range_wholly_in_the_future_may_be_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_pagination, "_clock", lambda: float(D0_S))
    assert pull(DaysServer(served_until=D0_S), "completions", 4, "typed", "sync") == []


# --- the embedded fake never serves such a page ----------------------------------------------


@pytest.mark.parametrize(("concurrency", "path"), list(itertools.product(CONCURRENCY, PATHS)))
def test_the_fake_answers_every_bucket_of_a_past_range(concurrency: int, path: str) -> None:
    # The fake's own "now" is 2026-11-25 12:00; the client's clock is later: the whole range is
    # past for the client, and costs keep promising more past their end (the live behaviour).
    fake = FakeUsageAPI(seed=3)
    for op, start, end in [
        ("costs", "2026-10-01", "2026-12-02"),
        ("completions", "2026-11-20", "2026-12-01"),
    ]:
        with UsageClient(KEY, transport=fake.transport(), max_concurrency=concurrency) as client:
            paginator = getattr(client, op)(start=start, end=end, limit=5)
            if path == "typed":
                starts = [b.start.date().isoformat() for b in paginator]
                first = datetime.fromisoformat(start).date()
                count = (datetime.fromisoformat(end) - datetime.fromisoformat(start)).days
                assert starts == [(first + timedelta(days=n)).isoformat() for n in range(count)]
            else:
                assert paginator.to_arrow().num_rows > 0


# --- bodies that are not UTF-8 ----------------------------------------------------------------


def one_day_page(request: httpx.Request, results: list[str], extra: str = "") -> str:
    """A one-bucket page for the request's first day, ``results`` as raw JSON texts."""
    start = int(request.url.params["start_time"])
    bucket = (
        f'{{"object":"bucket","start_time":{start},"end_time":{start - start % DAY + DAY},'
        f'"results":[{",".join(results)}]}}'
    )
    return f'{{"object":"page",{extra}"data":[{bucket}],"has_more":false,"next_page":null}}'


COMPLETION = (
    '{"object":"organization.usage.completions.result","input_tokens":1,"output_tokens":2,'
    '"num_model_requests":3,"model":"gpt-4o"%s}'
)
COST = (
    '{"object":"organization.costs.result","amount":{"value":1.5,"currency":"usd"},'
    '"line_item":"gpt-4o, input","project_id":null%s}'
)
RESULT = {"completions": COMPLETION, "costs": COST}
BAD = "\udcff"  # stands for the byte 0xff (surrogateescape) until the body is encoded


def serving_bytes(op: str, where: str) -> Any:
    """A handler whose page holds the byte 0xff ``where``: in a page key the schema lacks, in a
    result key the schema lacks, or in a known string field."""

    def handler(request: httpx.Request) -> httpx.Response:
        extra = ""
        result = RESULT[op] % ""
        if where == "page key":
            extra = f'"note":"caf{BAD}",'
        elif where == "result key":
            result = RESULT[op] % f',"new_field":"x{BAD}"'
        else:
            result = result.replace("gpt-4o", f"gpt-4o{BAD}", 1)
        body = one_day_page(request, [result], extra)
        return httpx.Response(200, content=body.encode("utf-8", "surrogateescape"))

    return handler


@EVERY_WAY
@pytest.mark.parametrize("where", ["page key", "result key", "known field"])
def test_a_body_that_is_not_utf8_is_refused(
    op: str, concurrency: int, path: str, mode: str, where: str
) -> None:
    with pytest.raises(ResponseValidationError) as info:
        pull(serving_bytes(op, where), op, concurrency, path, mode, end=D0 + timedelta(days=1))
    assert not isinstance(info.value, PaginationError)
    message = str(info.value)
    assert message.startswith(f"invalid {op} page: body is not valid UTF-8 (invalid start byte")
    assert "\\xff" in message
    assert "\udcff" not in message
    assert "\ufffd" not in message


def test_the_excerpt_is_short_escaped_and_redacted() -> None:
    # The key echoed right before the bad byte, a terminal escape right after, megabytes around.
    padding = " " * 1_000_000
    body = (
        b'{"object":"page","data":[],'
        + padding.encode()
        + b'"echo":"Bearer '
        + KEY.encode()
        + b"\xff\x1b[2J"
        + padding.encode()
        + b'","has_more":false}'
    )
    handler = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    with (
        UsageClient(KEY, transport=handler, max_retries=0) as client,
        pytest.raises(ResponseValidationError) as info,
    ):
        list(client.completions(start=D0, end=D0 + timedelta(days=1)))
    message = str(info.value)
    offset = body.index(b"\xff")
    assert f"invalid start byte at byte {offset}:" in message
    assert KEY not in message
    assert KEY[:20] not in message
    assert "[redacted]\\xff\\x1b[2J" in message
    assert "\x1b" not in message
    assert len(message) < 400
    assert all(KEY not in str(arg) for arg in info.value.args)


@pytest.mark.parametrize("split", [0, 1, 2, 3])
def test_valid_utf8_across_the_check_chunks_is_accepted(split: int) -> None:
    # A four-byte character starting ``split`` bytes before the 64 KiB boundary of the chunked
    # check (0: right on it), then more characters that are not ASCII.
    head = b'{"object":"page","note":"'
    padding = b"a" * (_parse._UTF8_CHUNK - split - len(head))
    note = head + padding + "\U0001f680 caf\u00e9 \u2603".encode() + b'",'
    assert note.index("\U0001f680".encode()) == _parse._UTF8_CHUNK - split

    def handler(request: httpx.Request) -> httpx.Response:
        start = int(request.url.params["start_time"])
        rest = (
            f'"data":[{{"object":"bucket","start_time":{start},"end_time":{start + DAY},'
            '"results":[]}],"has_more":false,"next_page":null}'
        )
        return httpx.Response(200, content=note + rest.encode())

    got = pull(handler, "completions", 1, "typed", "sync", end=D0 + timedelta(days=1))
    assert got == [D0_S]


def test_a_fault_past_the_first_chunk_is_placed_in_the_body() -> None:
    body = b'{"object":"page","note":"' + "\u00e9".encode() * 60_000 + b'\xc3("}'
    offset = body.index(b"\xc3(")
    handler = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    with (
        UsageClient(KEY, transport=handler) as client,
        pytest.raises(ResponseValidationError) as info,
    ):
        list(client.costs(start=D0, end=D0 + timedelta(days=1)))
    assert f"invalid continuation byte at byte {offset}:" in str(info.value)


def test_a_body_cut_inside_a_character_is_not_utf8() -> None:
    body = '{"object":"page","note":"caf\u00e9'.encode()[:-1]
    handler = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    with (
        UsageClient(KEY, transport=handler) as client,
        pytest.raises(ResponseValidationError, match=r"not valid UTF-8 \(unexpected end of data"),
    ):
        list(client.costs(start=D0, end=D0 + timedelta(days=1)))


# --- the admin lists --------------------------------------------------------------------------


def projects_body(name: bytes) -> bytes:
    return (
        b'{"object":"list","data":[{"id":"proj_1","object":"organization.project","name":"'
        + name
        + b'","created_at":1}],"first_id":"proj_1","last_id":"proj_1","has_more":false}'
    )


def list_projects(body: bytes, mode: str) -> list[str]:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    if mode == "sync":
        with UsageClient(KEY, transport=transport) as client:
            return [p.name for p in client.projects()]

    async def main() -> list[str]:
        async with AsyncUsageClient(KEY, transport=transport) as client:
            return [p.name async for p in client.projects()]

    return asyncio.run(main())


@pytest.mark.parametrize("mode", MODES)
def test_an_admin_list_that_is_not_utf8_is_refused(mode: str) -> None:
    with pytest.raises(ResponseValidationError) as info:
        list_projects(projects_body(b"Caf\xe9"), mode)  # Latin-1, not UTF-8
    message = str(info.value)
    assert message.startswith("invalid projects page: body is not valid UTF-8")
    assert '"name":"Caf\\xe9","created_at"' in message


@pytest.mark.parametrize("mode", MODES)
def test_an_admin_list_in_utf8_is_read(mode: str) -> None:
    name = "Caf\u00e9 \u2603 \U0001f680"
    assert list_projects(projects_body(name.encode()), mode) == [name]
