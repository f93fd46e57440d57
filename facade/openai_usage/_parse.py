"""Turn one HTTP response into a checked page, or a clear error."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import httpx

from openai_usage_client.models import UnknownUsageResult

from ._errors import ResponseValidationError, status_error
from ._models import Bucket, Page
from ._operations import Operation

logger = logging.getLogger("openai_usage")

_reported_unknown: set[str] = set()


def parse_page(
    operation: Operation[Any], response: httpx.Response, *, attempts: int = 1
) -> Page[Any]:
    """Parse a response of ``operation`` into a page.

    Raises:
        APIStatusError: for a non-2xx status.
        ResponseValidationError: for a body that is not a valid page of this operation.
    """
    if not 200 <= response.status_code < 300:
        raise status_error(response, attempts=attempts)

    def invalid(problem: str) -> ResponseValidationError:
        return ResponseValidationError(
            f"invalid {operation.name} page: {problem}", request=response.request, attempts=attempts
        )

    try:
        data = json.loads(response.content)
    except ValueError as exc:
        raise invalid(f"body is not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise invalid(f"expected a JSON object, got {type(data).__name__}")
    _expect(data, "has_more", bool, invalid)
    _expect(data, "data", list, invalid)
    next_page = data.get("next_page")
    if next_page is not None and not isinstance(next_page, str):
        raise invalid(f"next_page is {type(next_page).__name__}, expected a string or null")
    for index, bucket in enumerate(data["data"]):
        if not isinstance(bucket, dict):
            raise invalid(f"data[{index}] is {type(bucket).__name__}, expected an object")
        for key in ("start_time", "end_time"):
            _expect(bucket, key, int, invalid, where=f"data[{index}].")
        _expect(bucket, "results", list, invalid, where=f"data[{index}].")
        if bucket["start_time"] >= bucket["end_time"]:
            raise invalid(f"data[{index}] ends before it starts")
    try:
        parsed = operation.page_cls.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise invalid(f"{type(exc).__name__}: {exc}") from exc
    return Page(
        buckets=[_bucket(operation, b, invalid) for b in parsed.data],
        has_more=parsed.has_more,
        next_page=parsed.next_page,
    )


def _expect(obj: dict[str, Any], key: str, kind: type, invalid: Any, *, where: str = "") -> None:
    value = obj.get(key)
    # bool is an int in Python; a timestamp of `true` is still wrong.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        shown = "missing" if key not in obj else f"{type(value).__name__}"
        raise invalid(f"{where}{key} is {shown}, expected {kind.__name__}")


def _bucket(operation: Operation[Any], bucket: Any, invalid: Any) -> Bucket[Any]:
    known: list[Any] = []
    unknown: list[UnknownUsageResult] = []
    for result in bucket.results:
        if isinstance(result, UnknownUsageResult):
            if result.object_ == operation.result_object:
                # Our own type that failed to parse as such: a broken result, not a new type.
                raise invalid(f"a {operation.result_object} result is missing required fields")
            _report_unknown(result.object_)
            unknown.append(result)
        else:
            known.append(result)
    return Bucket(
        start=datetime.fromtimestamp(bucket.start_time, UTC),
        end=datetime.fromtimestamp(bucket.end_time, UTC),
        results=known,
        unknown_results=unknown,
    )


def _report_unknown(object_type: str) -> None:
    if object_type not in _reported_unknown:
        _reported_unknown.add(object_type)
        logger.warning(
            "results of unknown type %r are kept in Bucket.unknown_results; "
            "a newer openai-usage may know them",
            object_type,
        )
