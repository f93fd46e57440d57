"""Query-string parsing and validation, and the opaque pagination cursor.

Array parameters are accepted both as repeated keys (``group_by=a&group_by=b``, the OpenAPI
default) and in the ``group_by[]=a`` form the vendor SDK sends. Parameters an operation does not
define are refused with 400 rather than ignored, so a client sending a misspelt filter fails
loudly in tests instead of silently getting unfiltered data.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from ._ops import WIDTH_SECONDS, Operation
from ._org import DimValue

_INT: Final = re.compile(r"-?[0-9]{1,18}")
_CURSOR_PREFIX: Final = "page_"
_CURSOR_HASH_BYTES: Final = 12
# Past-end cursors advance forever; keep them far from overflowing the cursor's signed 64 bits.
_MAX_POSITION: Final = 1 << 62
_SCALARS: Final = frozenset({"start_time", "end_time", "bucket_width", "limit", "page", "batch"})


class ApiError(Exception):
    """An HTTP error response in OpenAI's error envelope."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        type_: str = "invalid_request_error",
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.type = type_
        self.code = code
        self.headers = dict(headers or {})

    def body(self) -> dict[str, object]:
        """The JSON body: ``{"error": {"message", "type", "param", "code"}}``."""
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


def bad(param: str, message: str) -> ApiError:
    """A 400 naming the offending parameter."""
    return ApiError(400, message, param=param)


@dataclass(frozen=True, slots=True)
class Query:
    """A validated request: the time range, one page's position and the aggregation."""

    op: Operation
    start: int
    end: int
    width: int
    limit: int
    position: int
    """Start of the first bucket on this page (``start`` on the first page)."""
    filters: Mapping[str, frozenset[DimValue]]
    """Dimension -> accepted values."""
    group_by: tuple[str, ...]
    """Grouped dimensions, in the operation's result-field order."""
    fingerprint: bytes
    """Hash of everything but ``limit`` and ``page``: a cursor is only valid for it."""


def parse_query(
    op: Operation, pairs: Sequence[tuple[str, str]], now: int, *, past_end: bool = False
) -> Query:
    """Validate the query pairs of a request to ``op``; raise :class:`ApiError` (400) if bad.

    ``past_end`` accepts cursors that point at or beyond ``end_time`` (bucket-aligned), the
    ones a fake that keeps promising more past the end hands out; their pages are empty.
    """
    values: dict[str, list[str]] = {}
    for raw_key, value in pairs:
        key = raw_key[:-2] if raw_key.endswith("[]") else raw_key
        if key not in op.parameters:
            raise bad(raw_key, f"Unrecognized query parameter: '{raw_key}'.")
        scalar_param = key in _SCALARS or key in op.bool_filters
        if scalar_param and (raw_key.endswith("[]") or key in values):
            raise bad(key, f"Parameter '{key}' must be given once, as a single value.")
        values.setdefault(key, []).append(value)

    def scalar(name: str) -> str | None:
        got = values.get(name)
        return got[0] if got else None

    start = _integer("start_time", scalar("start_time"), required=True)
    assert start is not None
    end_given = _integer("end_time", scalar("end_time"), required=False)
    end = now if end_given is None else end_given
    if end <= start:
        if end_given is None:
            raise bad("start_time", "start_time must be before end_time (which defaults to now).")
        raise bad("end_time", "end_time must be greater than start_time.")

    raw_width = scalar("bucket_width")
    # Absent means the default; present but empty is an invalid value, as the API answers.
    width_name = "1d" if raw_width is None else raw_width
    if width_name not in op.limits:
        allowed = ", ".join(op.limits)
        raise bad("bucket_width", f"Invalid bucket_width '{width_name}': must be one of {allowed}.")
    default_limit, max_limit = op.limits[width_name]
    limit = _integer("limit", scalar("limit"), required=False)
    if limit is None:
        limit = default_limit
    elif not 1 <= limit <= max_limit:
        raise bad(
            "limit", f"limit must be between 1 and {max_limit} for bucket_width={width_name}."
        )

    filters: dict[str, frozenset[DimValue]] = {}
    for param, dim in op.filters.items():
        given = values.get(param)
        if given is None:
            continue
        if any(not v for v in given):
            raise bad(param, f"Values of '{param}' must not be empty.")
        allowed_values = op.enums.get(param)
        if allowed_values is not None:
            for v in given:
                if v not in allowed_values:
                    choices = ", ".join(sorted(allowed_values))
                    raise bad(
                        param, f"Invalid value '{v}' for '{param}': must be one of {choices}."
                    )
        filters[dim] = frozenset(given)
    for param in op.bool_filters:
        flag = scalar(param)
        if flag is None:
            continue
        if flag.lower() not in ("true", "false"):
            raise bad(param, f"Invalid value '{flag}' for '{param}': must be true or false.")
        filters[param] = frozenset({flag.lower() == "true"})

    groups = set(values.get("group_by", ()))
    for g in sorted(groups):
        if g not in op.group_by:
            choices = ", ".join(op.group_by)
            raise bad("group_by", f"Invalid group_by value '{g}': must be any of {choices}.")
    group_by = tuple(g for g in op.group_by if g in groups)

    width = WIDTH_SECONDS[width_name]
    fingerprint = _fingerprint(op, start, end_given, width_name, filters, group_by)
    page = scalar("page")
    position = (
        start
        if page is None
        else _decode_cursor(page, fingerprint, start, end, width, past_end=past_end)
    )
    return Query(op, start, end, width, limit, position, filters, group_by, fingerprint)


def _integer(name: str, raw: str | None, *, required: bool) -> int | None:
    if raw is None:
        if required:
            raise bad(name, f"Missing required parameter: '{name}'.")
        return None
    if not _INT.fullmatch(raw):
        raise bad(name, f"Invalid integer for '{name}': '{raw}'.")
    value = int(raw)
    if value < 0:
        raise bad(name, f"'{name}' must not be negative.")
    return value


def _fingerprint(
    op: Operation,
    start: int,
    end_given: int | None,
    width_name: str,
    filters: Mapping[str, frozenset[DimValue]],
    group_by: tuple[str, ...],
) -> bytes:
    canonical = repr(
        (
            op.path,
            start,
            end_given,
            width_name,
            sorted((dim, sorted(map(repr, vals))) for dim, vals in filters.items()),
            group_by,
        )
    )
    return hashlib.blake2b(canonical.encode(), digest_size=_CURSOR_HASH_BYTES).digest()


def encode_cursor(position: int, fingerprint: bytes) -> str:
    """The opaque ``next_page`` value: the next bucket's start bound to the query's hash."""
    raw = struct.pack(">q", position) + fingerprint
    return _CURSOR_PREFIX + base64.b64encode(raw).decode("ascii")


def _decode_cursor(
    page: str, fingerprint: bytes, start: int, end: int, width: int, *, past_end: bool
) -> int:
    invalid = bad("page", "Invalid page cursor.")
    if not page.startswith(_CURSOR_PREFIX):
        raise invalid
    try:
        raw = base64.b64decode(page[len(_CURSOR_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise invalid from None
    if len(raw) != 8 + _CURSOR_HASH_BYTES:
        raise invalid
    (position,) = struct.unpack(">q", raw[:8])
    if raw[8:] != fingerprint:
        raise bad(
            "page",
            "The page cursor does not belong to this query: keep start_time, end_time, "
            "bucket_width, filters and group_by unchanged while paginating.",
        )
    if position <= start or position % width or position >= _MAX_POSITION:
        raise invalid
    if position >= end and not past_end:
        raise invalid
    return int(position)
