"""An MCP tool call's arguments, read by the command line's rules and refused in its words.

A tool's arguments arrive as JSON, from a model: nothing is trusted to match the schema the
tool advertised. Each value is checked here for its type and size; what it means is checked
where the command line checks it: the clients validate ``group_by``, the filters and the width
(``InvalidParameterError`` naming the parameter, the value and what is allowed), and the
range goes through ``timerange.resolve``, whose refusals name the option (``--start``):
:func:`plain_words` turns those into the tool's parameter names (``start``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any, Final

from ._errors import InvalidParameterError
from ._operations import Operation
from .timerange import TimeRange, resolve

__all__ = [
    "DEFAULT_TOP",
    "MAX_TEXT",
    "MAX_TOP",
    "RANGE_PROPERTIES",
    "TOP_PROPERTY",
    "Arguments",
    "filter_properties",
    "plain_words",
]

DEFAULT_TOP: Final = 20
"""Groups a tool returns per currency unless asked for more."""
MAX_TOP: Final = 200
"""The most a tool returns per currency: a result must fit a model's context."""
MAX_TEXT: Final = 200
"""The longest text argument taken (an ID, a date, a name to look up)."""
_MAX_VALUES: Final = 100

RANGE_PROPERTIES: Final[Mapping[str, Mapping[str, Any]]] = {
    "start": {
        "type": ["string", "integer"],
        "description": "First instant (inclusive): a date (2026-11-01), an ISO datetime "
        "(2026-11-01T09:00+01:00), a span back from now (7d) or Unix seconds. Dates and "
        "offset-less times are read in tz (default UTC). Not with last.",
    },
    "end": {
        "type": ["string", "integer"],
        "description": "Instant to stop before (exclusive), same forms as start. Default: now.",
    },
    "last": {
        "type": "string",
        "description": "Span ending at end: 30d, 12h, 2w ... Not with start. Default when "
        "neither is given: 30d.",
    },
    "tz": {
        "type": "string",
        "description": "Zone for dates and offset-less times: Europe/Paris, +05:30, UTC. "
        "Buckets stay UTC-aligned whatever the zone.",
    },
}
"""The range parameters every data tool takes (the command line's ``--start`` ... ``--tz``)."""

TOP_PROPERTY: Final[Mapping[str, Any]] = {
    "type": "integer",
    "minimum": 1,
    "maximum": MAX_TOP,
    "default": DEFAULT_TOP,
    "description": f"Largest groups returned per currency (1-{MAX_TOP}, default "
    f"{DEFAULT_TOP}); the rest is summed up in left_out (count and amount).",
}

# The command line's range options, as the tools call them.
_FLAGS = re.compile(r"--(start|end|last|tz)\b")


def plain_words(message: str) -> str:
    """A range refusal of the command line in the tool's terms (``--start`` -> ``start``)."""
    return _FLAGS.sub(r"\1", message)


def filter_properties(operation: Operation[Any]) -> dict[str, dict[str, Any]]:
    """The JSON schema of ``operation``'s filters, under their API names (``project_ids``)."""
    out: dict[str, dict[str, Any]] = {}
    for spec in operation.filters.values():
        description = " ".join(spec.description.split()) or f"Only these {spec.name}."
        if spec.kind is bool:
            out[spec.name] = {"type": "boolean", "description": description}
            continue
        item: dict[str, Any] = {"type": "string"}
        if spec.allowed is not None:
            item["enum"] = list(spec.allowed)
        out[spec.name] = {
            "type": "array",
            "items": item,
            "minItems": 1,
            "description": description,
        }
    return out


class Arguments:
    """One call's arguments: each read with its type checked; unknown names refused.

    Raises (every reader):
        InvalidParameterError: naming the parameter, the value and what is allowed.
    """

    def __init__(self, tool: str, given: Mapping[str, Any] | None, known: Collection[str]) -> None:
        """Take ``given`` (None: no arguments) for ``tool``, whose parameters are ``known``.

        Raises:
            InvalidParameterError: a parameter ``tool`` does not have.
        """
        self.tool = tool
        self.given: Mapping[str, Any] = given or {}
        if not isinstance(self.given, Mapping):
            raise InvalidParameterError("arguments", self.given, "an object")
        for name in self.given:
            if name not in known:
                raise InvalidParameterError(
                    str(_short(name)),
                    self.given[name],
                    f"a parameter of {tool}: one of {', '.join(sorted(known)) or 'none'}",
                )

    def has(self, name: str) -> bool:
        """Whether ``name`` was given (a JSON ``null`` counts as not given)."""
        return self.given.get(name) is not None

    def text(self, name: str, *, required: bool = False) -> str | None:
        """A string of at most ``MAX_TEXT`` characters (whole numbers read as their digits)."""
        value = self.given.get(name)
        if value is None:
            if required:
                raise InvalidParameterError(name, None, "a string (this parameter is required)")
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
            raise InvalidParameterError(
                name, _short(value), f"a non-empty string of at most {MAX_TEXT} characters"
            )
        return value

    def texts(self, name: str) -> list[str] | None:
        """A list of strings (one string is a list of one); None when not given."""
        value = self.given.get(name)
        if value is None:
            return None
        values = [value] if isinstance(value, str) else value
        if (
            not isinstance(values, list)
            or not values
            or len(values) > _MAX_VALUES
            or not all(isinstance(v, str) and 0 < len(v) <= MAX_TEXT for v in values)
        ):
            raise InvalidParameterError(
                name,
                _short(value),
                f"a non-empty list of at most {_MAX_VALUES} strings (or one string)",
            )
        return list(values)

    def flag(self, name: str) -> bool | None:
        """``true`` or ``false``; None when not given."""
        value = self.given.get(name)
        if value is None or isinstance(value, bool):
            return value
        raise InvalidParameterError(name, _short(value), "true or false")

    def choice(self, name: str, allowed: Collection[str], default: str) -> str:
        """One of ``allowed``; ``default`` when not given."""
        value = self.given.get(name)
        if value is None:
            return default
        if not isinstance(value, str) or value not in allowed:
            raise InvalidParameterError(
                name, _short(value), "one of " + ", ".join(repr(a) for a in allowed)
            )
        return value

    def whole(self, name: str, low: int, high: int, default: int) -> int:
        """A whole number from ``low`` to ``high``; ``default`` when not given."""
        value = self.given.get(name)
        if value is None:
            return default
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON has one number type; 7.0 is 7
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise InvalidParameterError(name, _short(value), f"a whole number from {low} to {high}")
        return value

    def top(self) -> int:
        """``top``: 1 to ``MAX_TOP``, default ``DEFAULT_TOP``."""
        return self.whole("top", 1, MAX_TOP, DEFAULT_TOP)

    def time_range(self, now: datetime) -> TimeRange:
        """``start``/``end``/``last``/``tz`` resolved as the command line resolves them.

        Raises:
            InvalidParameterError: a value that is not a string (or whole number).
            RangeError: a refused range (its message names the options: see
                :func:`plain_words`).
        """
        return resolve(
            start=self.text("start"),
            end=self.text("end"),
            last=self.text("last"),
            tz=self.text("tz"),
            now=now,
        )


def _short(value: object) -> object:
    """A refused value as an error may quote it: long text cut (it is the caller's data)."""
    if isinstance(value, str) and len(value) > 80:
        return value[:80] + "..."
    if isinstance(value, (list, dict)) and len(repr(value)) > 80:
        return f"<{type(value).__name__} of {len(value)}>"
    return value
