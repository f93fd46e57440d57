"""The ``admin`` group: one command per admin list (``LISTS``) and single-object read
(``OBJECTS``) of the fragment, made from the tables; nothing here names an operation.

A command is named like the client's method, ``_`` as ``-`` (``admin project-api-keys``); its
options follow from the operation (``_admin_options``); its help is the operation's summary and
description, its path and columns, and examples made from its options. It writes the records
the library's ``.records()`` (a list) or ``record()`` (an object) give, in the same shape:
CSV, JSON and NDJSON as they are fetched, a table for people (``_admin_tables``). The group
reads its tables whenever it is asked for its commands, so an operation added to them (by
``./codegen.sh``, or a test) is a command with no edit here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

import click

from openai_org_usage import (
    LISTS,
    OBJECTS,
    InvalidParameterError,
    ListOperation,
    ListPaginator,
)

from ._admin_options import (
    LIMIT_DEST,
    TOP_DEST,
    AdminOperation,
    AdminOption,
    admin_options,
    call_arguments,
    command_name,
    decorate,
    refusal,
)
from ._admin_tables import DEFAULT_TOP, render_admin_table
from ._options import (
    CONTEXT_SETTINGS,
    SETTINGS_ARGUMENTS,
    output_options,
    source_options,
    stderr_line,
)
from ._rows import Record
from ._source import DEMO_NOTICE, demo_errors, open_source
from ._writers import (
    OutputSettings,
    Writable,
    lazy_output,
    open_output,
    write_csv,
    write_json_array,
    write_ndjson,
)

__all__ = ["AdminCommand", "AdminGroup", "admin_command", "admin_commands", "admin_group"]

_PROG = "openai-org-usage admin"


class AdminCommand(click.Command):
    """An ``admin`` command.

    Attributes:
        operation: The list or object it reads.
        options: Its operation's options (``_admin_options``).
    """

    def __init__(
        self,
        *args: Any,
        operation: AdminOperation,
        options: Sequence[AdminOption],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.operation = operation
        self.options = tuple(options)


def _text(value: object) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _example_value(option: AdminOption) -> str:
    if option.allowed:
        return option.allowed[0]
    if option.kind == "time":
        return "2026-11-01"
    return option.flag[2:].replace("-", "_").upper()


def examples(operation: AdminOperation, options: Sequence[AdminOption]) -> list[str]:
    """Command lines for ``--help``, made from the operation's options."""
    path = " ".join(f"{o.flag} {_example_value(o)}" for o in options if o.kind == "path")
    command = " ".join(part for part in (_PROG, command_name(operation), path) if part)
    lines = [f"{command} --demo", f"{command} --format csv -o {operation.name}.csv"]
    filters = [o for o in options if o.kind not in ("path", "cursor")]
    if filters:
        # One of each kind of filter the operation has: a range's first key, an enum's value.
        typed = []
        seen: set[str] = set()
        for option in filters:
            if option.argument in seen:
                continue
            seen.add(option.argument)
            typed.append(
                option.flag if option.kind == "flag" else f"{option.flag} {_example_value(option)}"
            )
        lines.append(f"{command} {' '.join(typed[:2])} --format json")
    if isinstance(operation, ListOperation):
        lines.append(f"{command} --limit 10 --format ndjson")
    return lines


def _help(operation: AdminOperation, options: Sequence[AdminOption]) -> tuple[str, str, str]:
    """``(short help, help, epilog)`` of an operation's command."""
    listed = isinstance(operation, ListOperation)
    summary = _text(operation.summary) or (
        f"List {operation.name.replace('_', ' ')}."
        if listed
        else f"Read the {operation.name.replace('_', ' ')}."
    )
    text = [summary]
    description = _text(operation.description)
    if description and description != summary:
        text.append(description)
    shape = (
        "One row per object listed, every page followed (--limit N stops after N)."
        if listed
        else "One record: the object."
    )
    text.append(f"API: GET {operation.path}. {shape}")
    epilog = ["\b", "Examples:", *(f"  {line}" for line in examples(operation, options)), ""]
    names = ", ".join(column.name for column in operation.columns)
    epilog.append(
        f"Columns, in every format (nested fields joined with _): {names}. Times are Unix "
        "seconds in csv/json/ndjson and UTC dates in tables."
    )
    return summary, "\n\n".join(text), "\n".join(epilog)


def _list_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option(
        "--top",
        TOP_DEST,
        type=click.IntRange(min=1),
        default=DEFAULT_TOP,
        show_default=True,
        metavar="N",
        help="Tables: rows shown; one last row counts the rest. csv/json/ndjson list every one.",
    )(f)
    return click.option(
        "--limit",
        LIMIT_DEST,
        type=click.IntRange(min=1),
        metavar="N",
        help="Fetch at most N objects, then stop (default: every page). Not the API's page "
        "size, which the library chooses (the fewest requests).",
    )(f)


def admin_command(operation: AdminOperation) -> AdminCommand:
    """The command reading ``operation``, with its options, help and examples.

    Raises:
        ValueError: An option would take the name of another option.
    """
    options = admin_options(operation)

    def run(**values: Any) -> None:
        _run(operation, options, values)

    decorated = source_options(output_options(run))
    if isinstance(operation, ListOperation):
        decorated = _list_options(decorated)
    decorated = decorate(options)(decorated)
    short_help, help_text, epilog = _help(operation, options)
    command = click.command(
        command_name(operation),
        cls=AdminCommand,
        operation=operation,
        options=options,
        help=help_text,
        short_help=short_help,
        epilog=epilog,
        context_settings=CONTEXT_SETTINGS,
    )(decorated)
    _refuse_clashes(command)
    return command


def _refuse_clashes(command: click.Command) -> None:
    # An option spelled like another (a filter "limit" -> --limit) must fail when the app is
    # built, not shadow the other (click only warns); nor may one take the name of an
    # argument the common options are handed to the command as.
    seen = {name: f"the {name} settings" for name in SETTINGS_ARGUMENTS}
    for param in command.params:
        owner = param.opts[0] if param.opts else param.name or ""
        for spelling in dict.fromkeys((param.name or "", *param.opts, *param.secondary_opts)):
            if spelling in seen:
                raise ValueError(
                    f"admin {command.name}: {spelling} is both {seen[spelling]} and {owner}"
                )
            seen[spelling] = owner


def admin_commands(
    lists: Mapping[str, ListOperation[Any]], objects: Mapping[str, AdminOperation]
) -> dict[str, AdminCommand]:
    """One command per operation of ``lists`` then ``objects``, by command name.

    Raises:
        ValueError: Two operations would have the same command, or a command's options clash.
    """
    commands: dict[str, AdminCommand] = {}
    for operation in (*lists.values(), *objects.values()):
        command = admin_command(operation)
        if command.name in commands:
            raise ValueError(f"two operations would be the command admin {command.name}")
        commands[command.name or ""] = command
    return commands


class AdminGroup(click.Group):
    """``admin``: a command per operation of its tables, in their order (lists, then objects).

    The tables are read again when they changed since the commands were made (an operation
    added or replaced), so the group always has exactly one command per operation.
    """

    def __init__(
        self,
        lists: Mapping[str, ListOperation[Any]],
        objects: Mapping[str, AdminOperation],
        **kwargs: Any,
    ) -> None:
        super().__init__("admin", **kwargs)
        self.lists = lists
        self.objects = objects
        self._made_from: tuple[tuple[str, object], ...] = ()
        self._refresh()

    def _refresh(self) -> None:
        table = tuple((*self.lists.items(), *self.objects.items()))
        same = len(table) == len(self._made_from) and all(
            name == old_name and op is old_op
            for (name, op), (old_name, old_op) in zip(table, self._made_from, strict=True)
        )
        if not same:
            self.commands = dict(admin_commands(self.lists, self.objects))
            self._made_from = table

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The commands in the tables' order (not sorted)."""
        self._refresh()
        return list(self.commands)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command of that name, made from the tables as they are now."""
        self._refresh()
        return super().get_command(ctx, cmd_name)


admin_group = AdminGroup(
    LISTS,
    OBJECTS,
    context_settings=CONTEXT_SETTINGS,
    help="The organization's admin reads: projects, users, keys, limits, alerts, audit logs. "
    "One command per list and object the API description has, each with --help.",
    epilog="Every command takes --demo, --base-url, --format table|csv|json|ndjson and "
    "--output; lists also --limit N. Path parameters are options (--project-id). "
    "The admin key is read from OPENAI_ADMIN_KEY only.",
)
"""The ``admin`` group, made from ``LISTS`` and ``OBJECTS``."""


# -- running -------------------------------------------------------------------------------------


def _run(
    operation: AdminOperation, options: Sequence[AdminOption], values: Mapping[str, Any]
) -> None:
    """The body of every admin command: validate, fetch, write."""
    output: OutputSettings = values["output"]
    source = open_source(values["api"])
    with source.client, demo_errors(source):
        method: Callable[..., Any] = getattr(source.client, operation.name)
        try:
            arguments = call_arguments(options, values, now=source.now)
            # A list's paginator is lazy: validated here, nothing sent yet. An object is
            # validated, then read (said to be synthetic once it is, like any refusal first).
            found: Any = method(**arguments)
        except InvalidParameterError as exc:
            raise click.UsageError(refusal(exc, options)) from None
        if source.demo:
            stderr_line(DEMO_NOTICE)
        if not isinstance(operation, ListOperation):
            _write_object(operation, found, output, source.demo, _title(operation, values))
            return
        records = _records(found, values.get(LIMIT_DEST))
        if output.fmt != "table":
            with lazy_output(output.path) as out:
                _write_records(output, out, [c.name for c in operation.columns], records)
            return
        rows = list(records)
    with open_output(output.path) as out:
        render_admin_table(
            out,
            operation,
            rows,
            title=_title(operation, values),
            demo=source.demo,
            top=values.get(TOP_DEST) or DEFAULT_TOP,
            limit=values.get(LIMIT_DEST),
        )


def _records(paginator: ListPaginator[Any], limit: int | None) -> Iterator[Record]:
    """The paginator's records, the first ``limit`` only (fetching stops there)."""
    records: Iterator[Record] = paginator.records()
    return islice(records, limit) if limit is not None else records


def _write_records(
    output: OutputSettings, out: Writable, header: Sequence[str], records: Iterable[Record]
) -> None:
    if output.fmt == "json":
        write_json_array(out, records)
    elif output.fmt == "ndjson":
        write_ndjson(out, records)
    else:
        write_csv(out, header, records, raw=output.csv_raw)


def _write_object(
    operation: AdminOperation, found: Any, output: OutputSettings, demo: bool, title: str
) -> None:
    record = operation.record(found)
    if output.fmt == "table":
        with open_output(output.path) as out:
            render_admin_table(out, operation, [record], title=title, demo=demo)
        return
    with lazy_output(output.path) as out:
        if output.fmt == "json":
            # One object, as ``record()`` gives it (a list's JSON is an array of them).
            out.write(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
        else:
            _write_records(output, out, [c.name for c in operation.columns], [record])


def _title(operation: AdminOperation, values: Mapping[str, Any]) -> str:
    where = ", ".join(f"{param} {values.get(param)}" for param in operation.path_parameters)
    name = command_name(operation)
    return f"{name}: {where}" if where else name
