"""The API's error object, read: message, code, param, and what they say about the request.

A refusal's error object (``{"error": {"message", "code", "param", "type"}}``, or a proxy's
``{"error": "..."}``) is read here for the error classes (their fields and advice) and for
:func:`~openai_org_usage._responses.status_error` (which class an answer is).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import httpx

from ._retry_after import retry_after_seconds

__all__ = [
    "earliest_start",
    "error_object",
    "grouping_of",
    "is_grouping_refusal",
    "is_lookback",
    "limit_kind",
    "request_of",
]


def request_of(response: httpx.Response) -> httpx.Request | None:
    """The response's request, or None for a response built by hand without one."""
    try:
        return response.request
    except RuntimeError:  # a Response built by hand, without a request
        return None


def error_object(response: httpx.Response) -> dict[str, Any]:
    """The body's ``error`` object (``{}`` when there is none or the body is not JSON)."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, str) and error:
        return {"message": error}  # {"error": "..."}, as some proxies answer
    return error if isinstance(error, dict) else {}


_LOOKBACK_MESSAGE = re.compile(r"earliest supported start date|available for the past year", re.I)
_ISO_DATE = re.compile(
    r"(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?(?:Z|[+-]\d{2}:?\d{2})?)(?![\d:])"
)
_EARLIEST = re.compile(r"earliest[^0-9]{0,60}" + _ISO_DATE.pattern, re.I)


def is_lookback(error: dict[str, Any]) -> bool:
    """Whether a 400's error object says ``start`` is older than the API serves."""
    code = str(error.get("code") or "").lower()
    return "lookback" in code or bool(_LOOKBACK_MESSAGE.search(str(error.get("message") or "")))


def earliest_start(message: str) -> datetime | None:
    """The date after "Earliest supported start date:", else the message's only ISO date."""
    match = _EARLIEST.search(message)
    if match is None:
        dates = _ISO_DATE.findall(message)
        if len(dates) != 1:
            return None
        raw = dates[0]
    else:
        raw = match.group(1)
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


_GROUPING_WORDS = re.compile(r"not supported|unsupported|cannot be combined", re.I)
_GROUP_BY = re.compile(r"group[_ ]by", re.I)


def is_grouping_refusal(error: dict[str, Any]) -> bool:
    """Whether a 400's error object refuses the request's ``group_by`` (with its filters)."""
    param = str(error.get("param") or "").removesuffix("[]")
    code = str(error.get("code") or "").lower()
    message = str(error.get("message") or "")
    return (
        param == "group_by"
        or "group_by" in code
        or bool(_GROUP_BY.search(message) and _GROUPING_WORDS.search(message))
    )


# Query parameters that shape the window and the page; everything else is a filter.
_NOT_FILTERS = frozenset({"start_time", "end_time", "bucket_width", "limit", "page", "group_by"})


def grouping_of(url: httpx.URL) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(group_by fields, filter names)`` of a request URL, each in first-seen order."""
    group_by: list[str] = []
    filters: list[str] = []
    for key, value in url.params.multi_items():
        name = key.removesuffix("[]")
        if name == "group_by":
            # Repeated keys, the SDK's group_by[]=, or a comma-joined list: all seen in the wild.
            group_by += [v for v in (part.strip() for part in value.split(",")) if v]
        elif name not in _NOT_FILTERS and name not in filters:
            filters.append(name)
    return tuple(dict.fromkeys(group_by)), tuple(filters)


# The OpenAI codes and types of a plain rate limit: the message may still mention billing
# ("add a payment method at .../account/billing") without the 429 being a billing limit.
_RATE_LIMIT_LABELS = frozenset({"rate_limit_exceeded", "requests", "tokens"})
_URL = re.compile(r"https?://\S+")
_LABEL_KINDS = (("spend", "spend"), ("quota", "quota"), ("billing", "billing"))
_MESSAGE_KINDS = (
    (re.compile(r"spend(?:ing)?[ _-]limit", re.I), "spend"),
    (re.compile(r"quota", re.I), "quota"),
    (re.compile(r"billing", re.I), "billing"),
)


def limit_kind(response: httpx.Response, *, trust_message: bool = False) -> str | None:
    """``"spend"``, ``"quota"`` or ``"billing"`` if a 429 names such a limit, else ``None``.

    The error code, then the type, decide. The message is read only when neither labels the
    429 a plain rate limit and no Retry-After came with it (the API sends one only when
    waiting may help), unless ``trust_message``.
    """
    error = error_object(response)
    labels = [str(error.get(field) or "").lower() for field in ("code", "type")]
    for label in labels:
        for needle, kind in _LABEL_KINDS:
            if needle in label:
                return kind
    if not trust_message and (
        any(label in _RATE_LIMIT_LABELS for label in labels)
        or retry_after_seconds(response) is not None
    ):
        return None
    message = _URL.sub("", str(error.get("message") or ""))
    for pattern, kind in _MESSAGE_KINDS:
        if pattern.search(message):
            return kind
    return None
