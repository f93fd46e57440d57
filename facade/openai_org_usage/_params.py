"""Check and normalize a call's parameters before anything is sent."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Set
from datetime import datetime, tzinfo
from typing import Any

import attrs

from ._errors import InvalidParameterError
from ._operations import Operation
from ._time import TimeInput, bucket_seconds, resolve_range

__all__ = [
    "BucketWidth",
    "FilterValue",
    "Query",
    "build_query",
    "string_values",
]

FilterValue = str | Iterable[str] | bool | None


class BucketWidth(enum.StrEnum):
    """Bucket widths; plain strings (``"1d"``) work everywhere too."""

    MINUTE = "1m"
    HOUR = "1h"
    DAY = "1d"


@attrs.frozen
class Query:
    """A validated call: everything needed to build each page's request."""

    operation: Operation[Any]
    start_time: int
    end_time: int
    bucket_width: str
    limit: int
    group_by: tuple[str, ...] = ()
    filters: Mapping[str, list[str] | bool] = attrs.field(factory=dict)

    @property
    def bucket_seconds(self) -> int:
        return bucket_seconds(self.bucket_width)

    def request_kwargs(
        self, *, start_time: int, end_time: int, limit: int, page: str | None
    ) -> dict[str, Any]:
        """Arguments for the generated request builder: every filter, plus the cursor if any."""
        kwargs: dict[str, Any] = {
            "start_time": start_time,
            "end_time": end_time,
            "bucket_width": self.bucket_width,
            "limit": limit,
            **self.filters,
        }
        if self.group_by:
            kwargs["group_by"] = list(self.group_by)
        if page is not None:
            kwargs["page"] = page
        return kwargs


def build_query(
    operation: Operation[Any],
    *,
    start: TimeInput,
    end: TimeInput | None,
    bucket_width: str | BucketWidth | None,
    group_by: str | Iterable[str] | None,
    limit: int | None,
    filters: Mapping[str, FilterValue],
    tz: tzinfo | str | None = None,
    now: datetime | None = None,
) -> Query:
    """Validate one call's arguments against what ``operation`` allows.

    ``group_by`` and each string filter take one string or an iterable of strings (a list,
    tuple, generator, set ...). A ``str`` subclass or an enum member with a string value counts
    as its string. Duplicates are sent once, in first-seen order; a set or frozenset is sent
    in sorted order, so the same call always sends the same request. Refused, because they
    would be read as something else: bytes (not text), a dict or other mapping (iterating it
    gives its keys only), a bool, a number or any other non-string, and any item that is not
    a non-empty string.

    ``None`` leaves a filter off. An *empty* filter (``[]``, ``()``, an exhausted generator) is
    refused: it would send no filter at all and so return the whole organization's data,
    the opposite of "match none". An empty ``group_by`` means no grouping, like ``None``.

    Raises:
        InvalidParameterError: naming the parameter, the value and what is allowed.
    """
    width = _bucket_width(operation, bucket_width)
    start_time, end_time = resolve_range(start, end, now=now, tz=tz)
    return Query(
        operation=operation,
        start_time=start_time,
        end_time=end_time,
        bucket_width=width,
        limit=_limit(operation, width, limit),
        group_by=string_values(
            "group_by", group_by, allowed=operation.group_by, what=f"{operation.name} group_by"
        ),
        filters=_filters(operation, filters),
    )


def _plain(value: object) -> object:
    # Enum members (ours or the caller's) count as their value.
    return value.value if isinstance(value, enum.Enum) else value


def _one_of(values: Iterable[str]) -> str:
    return "one of " + ", ".join(repr(v) for v in values)


def _bucket_width(operation: Operation[Any], value: str | BucketWidth | None) -> str:
    if value is None:
        return operation.default_bucket_width
    plain = _plain(value)
    if not isinstance(plain, str) or plain not in operation.bucket_widths:
        raise InvalidParameterError(
            "bucket_width",
            value,
            _one_of(operation.bucket_widths),
            hint="costs are only available per day" if operation.name == "costs" else None,
        )
    return plain


def _limit(operation: Operation[Any], width: str, value: int | None) -> int:
    default, maximum = operation.limits[width]
    if value is None:
        # The largest page the width allows: the fewest requests for any range.
        return maximum
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise InvalidParameterError(
            "limit",
            value,
            f"an integer from 1 to {maximum} for bucket_width={width!r}",
            hint=f"the API's default is {default}; leaving limit unset asks for {maximum}",
        )
    return value


_STRINGS = "a string or a list of strings"


def string_values(
    param: str, value: object, *, allowed: tuple[str, ...] | None, what: str
) -> tuple[str, ...]:
    if value is None:
        return ()
    items = _items(param, value)
    result: list[str] = []
    for index, item in enumerate(items):
        plain = _plain(item)
        if not isinstance(plain, str):
            raise InvalidParameterError(
                param,
                item,
                _STRINGS,
                hint=f"item {index} of the {type(value).__name__} is {type(plain).__name__}",
            )
        if allowed is not None and plain not in allowed:
            raise InvalidParameterError(param, item, f"{_one_of(allowed)} (for {what})")
        if not plain:
            raise InvalidParameterError(param, item, "a non-empty string or a list of them")
        if plain not in result:
            result.append(plain)
    if isinstance(value, Set):
        # No order of its own: sorted, so the same call always sends the same query string.
        result.sort()
    return tuple(result)


def _items(param: str, value: object) -> list[object]:
    """The items of a string-or-strings parameter, or an error for anything that is neither."""
    if isinstance(value, str | enum.Enum):
        return [value]
    hint = None
    if isinstance(value, bytes | bytearray | memoryview):
        hint = "bytes are not text (iterating them gives ints): decode them first"
    elif isinstance(value, Mapping):
        hint = "a mapping would be read as its keys only: pass a list"
    elif isinstance(value, Iterable):
        return list(value)
    raise InvalidParameterError(param, value, _STRINGS, hint=hint)


def _filters(operation: Operation[Any], given: Mapping[str, FilterValue]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in given.items():
        if value is None:
            continue
        spec = operation.filters.get(name)
        if spec is None:
            raise InvalidParameterError(
                name, value, f"one of the {operation.name} filters: {', '.join(operation.filters)}"
            )
        if spec.kind is bool:
            if not isinstance(value, bool):
                raise InvalidParameterError(name, value, "True, False or None (both)")
            out[name] = value
            continue
        strings = string_values(name, value, allowed=spec.allowed, what=f"{operation.name} {name}")
        if not strings:
            raise InvalidParameterError(
                name,
                value,
                "a non-empty list of strings",
                hint=(
                    f"None (the default) means no filter; an empty {name} would send no filter "
                    "and so match every row, not none"
                ),
            )
        out[name] = list(strings)
    return out
