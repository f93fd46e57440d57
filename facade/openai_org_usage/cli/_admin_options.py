"""The options of an ``admin`` command, read from its ``ListOperation`` or ``ObjectOperation``.

Nothing here names an operation or a filter: each option follows from the table by one rule.

- A path parameter is a required option named like it (``project_id`` -> ``--project-id``).
- A filter of kind ``boolean`` is a flag pair (``--include-archived/--no-include-archived``;
  neither: not sent); ``string`` and ``choice`` take one value; ``strings`` and ``choices`` are
  repeatable and named in the singular, each occurrence one value (``event_types`` ->
  ``--event-type``); a ``choice``/``choices`` filter takes only its allowed values. A trailing
  ``_`` (a Python keyword avoided, ``type_``) is not part of the option.
- A filter sent as a ``deepObject`` (the operation's ``Parameter.style``) is one option per
  key the filter allows (``effective_at`` with ``gt``, ``gte``, ``lt``, ``lte`` ->
  ``--effective-at-gte`` ...), each taking a time that is sent as Unix seconds.
- A list's starting cursor is an option named like the parameter it is sent as
  (``--after``, or ``--page`` for a token listing).

:func:`call_arguments` turns the parsed values into the client method's keyword arguments;
the facade then validates them before any request (and names the parameter it refuses,
which :func:`refusal` says in terms of the option).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, TypeVar

import attrs
import click

from openai_org_usage import (
    InvalidParameterError,
    ListFilter,
    ListOperation,
    ObjectOperation,
    to_unix_seconds,
)

from ._options import singular

__all__ = [
    "CHOICES_SHOWN",
    "LIMIT_DEST",
    "TOP_DEST",
    "AdminOperation",
    "AdminOption",
    "ManyChoices",
    "admin_options",
    "call_arguments",
    "command_name",
    "decorate",
    "refusal",
]

F = TypeVar("F", bound=Callable[..., Any])
AdminOperation = ListOperation[Any] | ObjectOperation[Any]
"""What an ``admin`` command reads: a list, or a single object."""

OptionKind = Literal["path", "flag", "text", "texts", "choice", "choices", "time", "cursor"]

CHOICES_SHOWN = 12
"""An enum with at most this many values lists them in ``--help`` as ``[a|b|c]``; a longer one
(149 audit log event types) names a few, and a wrong value is answered with all of them."""

LIMIT_DEST = "limit"
"""The click parameter of a list's ``--limit`` (the command's, not the API's page size)."""
TOP_DEST = "top"
"""The click parameter of a list's ``--top`` (rows a table shows)."""


@attrs.frozen
class AdminOption:
    """One option of an ``admin`` command and where its value goes.

    Attributes:
        flag: The option as typed (``--project-id``; ``--enabled`` of a flag pair).
        dest: The click parameter's name (unique within the command).
        argument: The client method's keyword argument it fills (``project_id``,
            ``effective_at``).
        kind: ``path``, ``flag``, ``text``, ``texts``, ``choice``, ``choices``, ``time`` (one
            key of a ``deepObject``) or ``cursor``.
        allowed: The values a ``choice``/``choices`` option takes; else empty.
        key: A ``time`` option's key in its mapping (``gte``); else None.
        description: The help text's first sentence (from the table where it has one).
    """

    flag: str
    dest: str
    argument: str
    kind: OptionKind
    allowed: tuple[str, ...] = ()
    key: str | None = None
    description: str = ""

    @property
    def param(self) -> str:
        """The parameter as the facade names it in an ``InvalidParameterError``
        (``effective_at[gte]`` for a key of a mapping)."""
        return f"{self.argument}[{self.key}]" if self.key is not None else self.argument

    @property
    def opts(self) -> tuple[str, ...]:
        """Every spelling (``--enabled``, ``--no-enabled``)."""
        return (self.flag, f"--no-{self.flag[2:]}") if self.kind == "flag" else (self.flag,)


def command_name(operation: AdminOperation) -> str:
    """The command of an operation: the client method's name, ``_`` as ``-``."""
    return operation.name.replace("_", "-")


def _flag(name: str) -> str:
    return "--" + name.rstrip("_").replace("_", "-")


def _text(value: str) -> str:
    return " ".join(value.split()).rstrip(".")


def admin_options(operation: AdminOperation) -> list[AdminOption]:
    """The operation's options, in this order: path parameters, filters (spec order), the
    starting cursor of a list."""
    out = [
        AdminOption(
            _flag(param),
            param,
            param,
            "path",
            description=f"The {param.replace('_', ' ')} of the path (required)",
        )
        for param in operation.path_parameters
    ]
    if not isinstance(operation, ListOperation):
        return out
    styles = {p.name: p.style for p in operation.parameters}
    for spec in operation.filters.values():
        out.extend(_filter_options(spec, styles.get(spec.name, "form")))
    cursor = operation.cursor_parameter
    start = (
        "Start at this page token (a next from an earlier listing)"
        if operation.cursor == "next"
        else "Start after this object ID (a cursor from an earlier listing)"
    )
    out.append(AdminOption(_flag(cursor), cursor, cursor, "cursor", description=start))
    return out


def _filter_options(spec: ListFilter, style: str) -> list[AdminOption]:
    description = _text(spec.description)
    if style == "deepObject" or spec.kind == "range":
        first = f"{_flag(spec.name)}-{spec.allowed[0]}" if spec.allowed else ""
        return [
            AdminOption(
                f"{_flag(spec.name)}-{key}",
                f"{spec.name}__{key}",
                spec.name,
                "time",
                key=key,
                # Said once in full; the other keys of the mapping refer to it.
                description=f"{description or spec.name} (sent as {spec.name}[{key}])"
                if index == 0
                else f"{spec.name}[{key}]: as {first}",
            )
            for index, key in enumerate(spec.allowed)
        ]
    if spec.kind == "boolean":
        return [
            AdminOption(_flag(spec.name), spec.name, spec.name, "flag", description=description)
        ]
    repeated = spec.kind in ("strings", "choices")
    name = singular(spec.name) if repeated else spec.name
    kind: OptionKind
    if spec.kind in ("choice", "choices"):
        kind = "choices" if repeated else "choice"
    else:
        kind = "texts" if repeated else "text"
    return [
        AdminOption(_flag(name), spec.name, spec.name, kind, spec.allowed, description=description)
    ]


def _help(option: AdminOption) -> str:
    text = option.description or f"The {option.argument} parameter"
    if option.kind in ("texts", "choices"):
        text += f" (repeatable; API: {option.argument})"
    elif option.kind == "flag":
        text += f" (--no-{option.flag[2:]}: the opposite; neither: the API's default)"
    elif option.kind == "time" and not text.startswith(f"{option.argument}["):
        text += ". A date (2026-11-01, UTC), an ISO datetime with an offset, Unix seconds or a "
        text += "span back from now (7d)"
    if option.allowed and len(option.allowed) > CHOICES_SHOWN:
        text += f". One of {len(option.allowed)} values, e.g. {', '.join(option.allowed[:3])}"
    return text.rstrip(".") + "."


def decorate(options: Sequence[AdminOption]) -> Callable[[F], F]:
    """Add ``options`` to a command (shown in their order)."""

    def apply(f: F) -> F:
        for option in reversed(options):
            f = _click_option(option)(f)
        return f

    return apply


class ManyChoices(click.Choice[str]):
    """A choice among many values (149 event types): a wrong one is answered with the values
    closest to it, not a screenful of all of them."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The value if allowed; else fail naming the closest allowed values."""
        if value in self.choices:
            return value
        text = str(value)
        closest = difflib.get_close_matches(text, [str(c) for c in self.choices], n=3, cutoff=0.6)
        hint = f"closest: {', '.join(closest)}" if closest else "--help names a few"
        self.fail(
            f"{text!r} is not one of the {len(self.choices)} allowed values ({hint})", param, ctx
        )


def _click_option(option: AdminOption) -> Callable[[F], F]:
    help_text = _help(option)
    if option.kind == "flag":
        return click.option(
            f"{option.flag}/--no-{option.flag[2:]}", option.dest, default=None, help=help_text
        )
    many = len(option.allowed) > CHOICES_SHOWN
    choice = (ManyChoices if many else click.Choice)(option.allowed) if option.allowed else None
    metavar = None
    if choice is None:
        metavar = {"time": "WHEN", "cursor": "CURSOR"}.get(option.kind, "VALUE")
        if option.kind == "path":
            metavar = option.argument.upper()
    elif many:
        metavar = "VALUE"
    return click.option(
        option.flag,
        option.dest,
        type=choice or str,
        multiple=option.kind in ("texts", "choices"),
        required=option.kind == "path",
        metavar=metavar,
        help=help_text,
    )


def call_arguments(
    options: Sequence[AdminOption], values: Mapping[str, Any], *, now: datetime
) -> dict[str, Any]:
    """The client method's keyword arguments from the parsed ``values`` (by ``dest``).

    Options not given are left out (the API's default). A ``time`` option's value becomes
    Unix seconds here, spans counted back from ``now`` (the demo's clock in demo mode).

    Raises:
        InvalidParameterError: a time that is not one (named as the facade names it:
            ``effective_at[gte]``).
    """
    out: dict[str, Any] = {}
    for option in options:
        value = values.get(option.dest)
        if value is None or value == ():
            continue
        if option.kind == "time":
            assert option.key is not None  # a time option is one key of a mapping
            seconds = to_unix_seconds(value, param=option.param, now=now)
            out.setdefault(option.argument, {})[option.key] = seconds
        elif option.kind in ("texts", "choices"):
            out[option.argument] = list(value)
        else:
            out[option.argument] = value
    return out


def refusal(exc: InvalidParameterError, options: Sequence[AdminOption]) -> str:
    """The facade's refusal, naming the option typed rather than the parameter."""
    flags = {option.param: option.flag for option in options}
    flag = flags.get(exc.param) or _flag(exc.param)
    text = f"invalid {flag} {exc.value!r:.80}: expected {exc.allowed}"
    return f"{text}; {exc.hint}" if exc.hint else text
