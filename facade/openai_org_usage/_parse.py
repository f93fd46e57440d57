"""Turn one HTTP response into a checked page, or a clear error: where every page reader starts.

This is the one place that says which path decodes a page's JSON, when, and why each exists;
the other modules point here. Every reader starts with ``page_errors`` (a non-2xx status, or a
body that is not UTF-8, is refused before any decoding), and the usage readers build under
``gc_paused``.

Usage pages as objects, ``parse_page`` (iterating a paginator, ``pages()``, ``results()``,
``to_records()``), in two steps:

1. The fast path, ``_fast_page``: the usual page (every result of this operation's own type,
   with the schema's keys and no others, every JSON type right) is decoded in one C pass by the
   typed msgspec decoder (``_decode``'s ``objects``), and each result is built from its struct by
   one call to its generated model's constructor (``_builders.struct_converter``). It exists
   for speed: no dict per result and no Python check per field.
2. The general path, ``page_from_json``: a page the fast path refuses (results of an unknown
   type, unknown keys, a bucket that ends before it starts, a time no datetime holds, anything
   invalid) is read by orjson and built by each result's compiled checking constructor
   (``_builders.builder_for``). It exists because the fast path can only say no: this one keeps
   unknown results (``Bucket.unknown_results``) and unknown keys (``additional_properties``),
   and names the first fault in a ``ResponseValidationError``.

The result objects are the same on both; neither uses the generated page's ``from_dict``, which
would also build throwaway page and bucket models.

Usage pages as Arrow columns, ``_columnar.decode_page`` (``arrow_batches()``, ``to_arrow()``,
``to_pandas()``):

3. The columnar path: ``_decode``'s ``columns`` decoders (keys the schema lacks skipped, a few
   buckets' results at a time) and one compiled comprehension per column, into Arrow arrays.
   It exists for bulk: no Python object per result. A page it refuses goes through
   ``parse_page`` (1, then 2) and its typed results become the same batch, so it accepts and
   refuses exactly what the object paths do, with the same rows
   (``tests/export/test_columnar.py`` checks both, property-based).

Admin list pages (projects, users, API keys ...), ``_listing.parse_list_page``:

4. The listing path: orjson, a check of the page's shape and of each object's ``id``, then the
   generated item model's ``from_dict``. Its pages have another shape (``data``, ``has_more``,
   ``first_id``/``last_id``, paged by object ID) and are small, so it has no fast path.
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import json
import logging
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import msgspec

from ._builders import Builder, builder_for, struct_converter
from ._decode import decoders, per_operation
from ._errors import ResponseValidationError
from ._models import Bucket, Page, new_bucket
from ._operations import Operation, UnknownUsageResult
from ._redact import bytes_around
from ._responses import status_error

__all__ = ["gc_paused", "loads_page", "page_errors", "page_from_json", "parse_page"]

_loads: Callable[[bytes], Any]
try:
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - orjson is a dependency; this keeps odd platforms working
    _loads = json.loads

logger = logging.getLogger("openai_org_usage")

_reported_unknown: set[str] = set()
_build_unknown = builder_for(UnknownUsageResult)


def page_errors(
    name: str, response: httpx.Response, attempts: int
) -> Callable[[str], ResponseValidationError]:
    """Raise the error of a non-2xx or non-UTF-8 response; else make its invalid-page errors.

    Every page reader (``parse_page``, ``_columnar.decode_page``, ``_listing.parse_list_page``)
    starts here, so none can take a body that is not UTF-8: the typed decoders check the UTF-8
    of the strings they decode, but not of what they skip (keys the schema lacks, a bucket's
    results left undecoded), and orjson blames every fault on surrogates.

    Raises:
        APIStatusError: for a non-2xx status.
        ResponseValidationError: for a body that is not valid UTF-8.
    """
    if not 200 <= response.status_code < 300:
        raise status_error(response, attempts=attempts)

    def invalid(problem: str) -> ResponseValidationError:
        return ResponseValidationError(
            f"invalid {name} page: {problem}", request=response.request, attempts=attempts
        )

    content = response.content
    # ASCII is valid UTF-8, and checking for it is a scan at memory speed (0.13 ms per MB measured);
    # only a body with other bytes is decoded, in chunks, so no copy of a page is made.
    if not content.isascii():
        fault = _utf8_fault(content)
        if fault is not None:
            offset = fault.start
            raise invalid(
                f"body is not valid UTF-8 ({fault.reason} at byte {offset}: "
                f"{bytes_around(content, offset, response.request)})"
            )
    return invalid


_UTF8_CHUNK = 1 << 16


def _utf8_fault(content: bytes) -> UnicodeDecodeError | None:
    """The first UTF-8 fault of ``content`` (its ``start`` an offset into it), or None."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(content)
    try:
        for at in range(0, len(content), _UTF8_CHUNK):
            decoder.decode(view[at : at + _UTF8_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        pass
    else:
        return None
    # Rare: decoded whole, for the fault's offset in the body rather than in a chunk.
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc
    return None  # pragma: no cover - the chunks and the whole agree


def loads_page(response: httpx.Response, invalid: Callable[[str], ResponseValidationError]) -> Any:
    """The JSON body of a page response, or the page's validation error."""
    try:
        return _loads(response.content)
    except ValueError as exc:
        raise invalid(f"body is not JSON ({exc})") from exc


def parse_page(
    operation: Operation[Any], response: httpx.Response, *, attempts: int = 1
) -> Page[Any]:
    """Parse a response of ``operation`` into a page.

    Raises:
        APIStatusError: for a non-2xx status.
        ResponseValidationError: for a body that is not a valid page of this operation.
    """
    invalid = page_errors(operation.name, response, attempts)
    with gc_paused():
        page = _fast_page(operation, response.content)
        if page is not None:
            return page
        return page_from_json(operation, loads_page(response, invalid), invalid)


@per_operation
def _converter(operation: Operation[Any]) -> Builder:
    return struct_converter(operation.result_cls, operation.fields)


def _fast_page(operation: Operation[Any], body: bytes) -> Page[Any] | None:
    """The page, if the typed decoder accepts it whole; else None (the general path decides)."""
    try:
        decoded = decoders(operation).objects.decode(body)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    convert = _converter(operation)
    buckets: list[Bucket[Any]] = []
    # Inlined _Times: a bucket usually starts where the one before it ended.
    last: int | None = None
    last_at = _EPOCH
    fromtimestamp = datetime.fromtimestamp
    try:
        for bucket in decoded.data:
            start, end = bucket.start_time, bucket.end_time
            if start >= end:
                return None  # the general path names the bucket
            start_at = last_at if start == last else fromtimestamp(start, UTC)
            last, last_at = end, fromtimestamp(end, UTC)
            buckets.append(
                new_bucket(start_at, last_at, list(map(convert, bucket.results)), start, end)
            )
    except (OverflowError, ValueError, OSError):
        return None  # a time no datetime holds: the general path says so
    return Page(buckets=buckets, has_more=decoded.has_more, next_page=decoded.next_page)


_EPOCH = datetime.fromtimestamp(0, UTC)


class _Times:
    """UTC datetimes of Unix seconds, each made once per page.

    A bucket starts where the one before it ended, so a page of N contiguous buckets makes
    N + 1 datetimes, not 2N.
    """

    __slots__ = ("_last", "_last_at")

    def __init__(self) -> None:
        self._last = -1
        self._last_at = datetime.fromtimestamp(0, UTC)

    def at(self, seconds: int) -> datetime:
        if seconds != self._last:
            self._last_at = datetime.fromtimestamp(seconds, UTC)
            self._last = seconds
        return self._last_at


_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a page is built.

    A page makes tens of thousands of acyclic objects (dicts, then models); each batch of
    allocations triggers a collection that walks the growing young generation and frees
    nothing. Pausing it made large pages parse ~1.2-1.8x faster (bench/parsing.py).
    Reference counting still frees everything as usual. Nested and concurrent parses (the
    sync client's threads) share one pause: the collector is re-enabled, if it was enabled
    before, when the last of them finishes.
    """
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


def page_from_json(
    operation: Operation[Any], data: Any, invalid: Callable[[str], ResponseValidationError]
) -> Page[Any]:
    """Build a page from decoded JSON, checking its shape."""
    if not isinstance(data, dict):
        raise invalid(f"expected a JSON object, got {type(data).__name__}")
    _expect_object(data, "page", invalid)
    _expect(data, "has_more", bool, invalid)
    _expect(data, "data", list, invalid)
    next_page = data.get("next_page")
    if next_page is not None and not isinstance(next_page, str):
        raise invalid(f"next_page is {type(next_page).__name__}, expected a string or null")
    build = builder_for(operation.result_cls)
    own_type = operation.result_object
    buckets: list[Bucket[Any]] = []
    times = _Times()
    for index, bucket in enumerate(data["data"]):
        if not isinstance(bucket, dict):
            raise invalid(f"data[{index}] is {type(bucket).__name__}, expected an object")
        where = f"data[{index}]."
        _expect_object(bucket, "bucket", invalid, where=where)
        _expect(bucket, "start_time", int, invalid, where=where)
        _expect(bucket, "end_time", int, invalid, where=where)
        _expect(bucket, "results", list, invalid, where=where)
        if bucket["start_time"] >= bucket["end_time"]:
            raise invalid(f"data[{index}] ends before it starts")
        known: list[Any] = []
        unknown: list[UnknownUsageResult] = []
        for position, result in enumerate(bucket["results"]):
            kind = result.get("object") if isinstance(result, dict) else None
            try:
                if kind == own_type:
                    known.append(build(result))
                elif isinstance(kind, str):
                    _report_unknown(kind)
                    unknown.append(_build_unknown(result))
                else:
                    raise TypeError("not an object with a string 'object' field")
            except KeyError as exc:
                problem = f"{kind} result lacks required field {exc.args[0]!r}"
                raise invalid(f"{where}results[{position}]: {problem}") from exc
            except (TypeError, ValueError, AttributeError) as exc:
                raise invalid(f"{where}results[{position}]: {type(exc).__name__}: {exc}") from exc
        try:
            bounds = times.at(bucket["start_time"]), times.at(bucket["end_time"])
        except (OverflowError, ValueError, OSError) as exc:
            raise invalid(f"data[{index}] has a time out of range ({exc})") from exc
        buckets.append(
            Bucket(
                start=bounds[0],
                end=bounds[1],
                results=known,
                unknown_results=unknown,
                start_time=bucket["start_time"],
                end_time=bucket["end_time"],
            )
        )
    return Page(buckets=buckets, has_more=data["has_more"], next_page=next_page)


def _expect(
    obj: dict[str, Any],
    key: str,
    kind: type,
    invalid: Callable[[str], ResponseValidationError],
    *,
    where: str = "",
) -> None:
    value = obj.get(key)
    # bool is an int in Python; a timestamp of `true` is still wrong.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        shown = "missing" if key not in obj else f"{type(value).__name__}"
        raise invalid(f"{where}{key} is {shown}, expected {kind.__name__}")


def _expect_object(
    obj: dict[str, Any],
    kind: str,
    invalid: Callable[[str], ResponseValidationError],
    *,
    where: str = "",
) -> None:
    if obj.get("object") != kind:
        shown = repr(obj["object"]) if "object" in obj else "missing"
        raise invalid(f"{where}object is {shown}, expected {kind!r}")


def _report_unknown(object_type: str) -> None:
    if object_type not in _reported_unknown:
        _reported_unknown.add(object_type)
        logger.warning(
            "results of unknown type %r are kept in Bucket.unknown_results; "
            "a newer openai-org-usage may know them",
            object_type,
        )
