"""Every command's human output, as a person sees it: in a terminal 80 and 200 columns wide
(a real pseudo-terminal, sized with TIOCSWINSZ and COLUMNS) and in a pipe.

No number may be hidden or cut: the numbers of the same command's ``--format json`` output
must all be in the table, whole; no ``…`` may stand inside a number; no terminal line may be
wider than the terminal. The commands are read from the click app, so a command added later
is checked too (or fails here until it says how to run it). Each mode (a pipe, a terminal of
each width) is one process running every command in turn (``_run_commands.py``), so the
package is imported three times rather than once per command and mode.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import math
import os
import pty
import re
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import click
import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from openai_org_usage import OPERATIONS
from openai_org_usage.cli._admin import AdminCommand
from openai_org_usage.cli._admin_tables import DEFAULT_TOP, cell, shown_columns
from openai_org_usage.cli._app import OperationCommand, cli
from openai_org_usage.cli._formatting import money, number
from openai_org_usage.cli._row_tables import table_columns
from openai_org_usage.cli._rows import header
from openai_org_usage.cli._table import top_and_rest

WIDTHS = (80, 200)
ELLIPSIS = "\u2026"
# Whatever the terminal, a run must end: the demo is in-process and fast.
RUN_TIMEOUT = 120.0
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
# A number as tables print it: "$1,234.56", "1,234", "45.7%", "-3.50".
_NUMBER = re.compile(r"-?\$?\d[\d,]*(?:\.\d+)?")
_NUMBER_CHARS = set("0123456789,.$%-")


def _walk(
    group: click.Group, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _walk(command, (*prefix, name))
        else:
            yield (*prefix, name), command


COMMANDS = dict(_walk(cli))


@attrs.frozen
class Recipe:
    """How to run a command with ``--demo`` and what its JSON output says the table shows."""

    args: Callable[[Path], list[str]]
    expected: Callable[[Any], list[str]]
    """Number cells the table must show, whole, from the ``--format json`` output."""
    check_width: bool = True


def _rows_expected(operation: str) -> Callable[[Any], list[str]]:
    def expected(rows: list[dict[str, Any]]) -> list[str]:
        shown = table_columns(operation, header(operation, rows), rows)
        cells = []
        for row in rows:
            for column in shown:
                value = row.get(column)
                if isinstance(value, bool) or not isinstance(value, int | float):
                    continue
                if column == "amount_value":
                    cells.append(money(value, row.get("amount_currency") or "usd"))
                else:
                    cells.append(number(value))
        return cells

    return expected


def _report_expected(data: dict[str, Any]) -> list[str]:
    cur = data["currency"]
    cells = [money(data["total_spend"], cur)]
    for key in ("spend_by_project", "spend_by_line_item"):
        entries = data[key]
        shown = entries if len(entries) <= 16 else entries[:15]
        cells += [money(e["amount"], cur) for e in shown]
    done = data["completions"]
    cells += [number(done["num_model_requests"]), number(done["output_tokens"])]
    model_fields = ("num_model_requests", "input_tokens", "input_cached_tokens", "output_tokens")
    cells += [number(model[f]) for model in data["models"] for f in model_fields]
    top_fields = ("total_tokens", "input_tokens", "output_tokens", "num_model_requests")
    for key in ("top_users", "top_api_keys"):
        cells += [number(entry[f]) for entry in data[key] for f in top_fields]
    for key in ("spend_by_user", "spend_by_api_key"):
        entries = data.get(key) or []
        shown = entries if len(entries) <= 16 else entries[:15]
        cells += [money(e["amount"], cur) for e in shown]
    for fields in data["other"].values():
        cells += [number(value) for value in fields.values()]
    for totals, daily, field in (
        ("spend_by_model", "daily_spend_by_model", "model"),
        ("spend_by_user", "daily_spend_by_user", "user_id"),
    ):
        cells += _daily_expected(data[totals], data[daily], field, cur)
    return cells + _month_expected(data["this_month"])


def _money(amount: str | None, currency: str) -> list[str]:
    """An exact decimal string of the JSON as the table shows it (none for null)."""
    return [] if amount is None else [money(float(Decimal(amount)), currency)]


def _month_expected(month: dict[str, Any]) -> list[str]:
    # The "This month" section: the organization and every scope with a limit, last month's
    # comparison, and the anomalies it lists (every one up to --top + 1, else the largest).
    cells: list[str] = []
    for scope in month["scopes"]:
        if scope["scope_kind"] != "organization" and scope["limit"] is None:
            continue
        for field in ("spent", "limit", "forecast", "forecast_lower", "forecast_upper"):
            cells += _money(scope[field], scope["currency"])
    for compared in month["last_month"]:
        for field in ("current", "previous", "change"):
            cells += _money(compared[field], compared["currency"])
    anomalies = month["anomalies"]
    if len(anomalies) > 11:
        anomalies = sorted(anomalies, key=lambda a: -abs(Decimal(a["jump"])))[:10]
    for anomaly in anomalies:
        for field in ("jump", "actual", "baseline"):
            cells += _money(anomaly[field], anomaly["currency"])
        for driver in anomaly["drivers"][:3]:
            cells += _money(driver["above_baseline"], anomaly["currency"])
    return cells


def _daily_expected(
    totals: list[dict[str, Any]], daily: list[dict[str, Any]], field: str, cur: str
) -> list[str]:
    # Daily attributed spend: the top 10 by total (all, up to 11), then a row of the rest;
    # the range's total, then each of its last 7 UTC days.
    if not daily:
        return []
    days = sorted({entry["start"][:10] for entry in daily})[-7:]
    per_day: dict[tuple[Any, str], float] = defaultdict(float)
    for entry in daily:
        per_day[entry[field], entry["start"][:10]] += entry["amount"]
    shown, rest = (totals, []) if len(totals) <= 11 else (totals[:10], totals[10:])
    cells: list[str] = []
    for entry in shown:
        cells.append(money(entry["amount"], cur))
        cells += [money(per_day.get((entry[field], day), 0.0), cur) for day in days]
    if rest:
        names = {entry[field] for entry in rest}
        cells.append(money(math.fsum(entry["amount"] for entry in rest), cur))
        cells += [
            money(math.fsum(v for (n, d), v in per_day.items() if d == day and n in names), cur)
            for day in days
        ]
    return cells


def _attribute_expected(rows: list[dict[str, Any]]) -> list[str]:
    # The table shows totals per user (the default --by) and the remainder per reason; the
    # JSON has them per day. Decimal sums: the amounts are exact cents.
    billed: dict[str, Decimal] = defaultdict(Decimal)
    estimated: dict[str, Decimal] = defaultdict(Decimal)
    remainder: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row["unattributed_reason"] is not None:
            remainder[row["unattributed_reason"]] += Decimal(str(row["attributed_cost"]))
            continue
        billed[row["user_id"]] += Decimal(str(row["attributed_cost"]))
        estimated[row["user_id"]] += Decimal(str(row["estimated_cost"] or 0))
    sums = [*billed.values(), *estimated.values(), *remainder.values()]
    return [money(float(amount.quantize(Decimal("0.01"))), "usd") for amount in sums]


def _budget_expected(data: dict[str, Any]) -> list[str]:
    # Every amount of every scope, and each alert threshold, as the table shows money.
    cells = []
    for scope in data["scopes"]:
        cur = scope["currency"]
        for field in ("spent", "limit", "forecast", "forecast_lower", "forecast_upper"):
            if scope[field] is not None:
                cells.append(money(scope[field], cur))
        cells += [money(alert["threshold"], cur) for alert in scope["alerts"]]
    return cells


def _sync_expected(data: dict[str, Any]) -> list[str]:
    counts = ("rows", "deleted", "requests")
    return [number(op[f]) for op in data["operations"] for f in counts if f in op]


# Commands that print no table: a server, machine formats only (FOCUS CSV/Parquet, metrics),
# or a protocol on stdio.
_NO_TABLE = {
    ("fake-server",),
    ("export", "focus"),
    ("metrics", "serve"),
    ("metrics", "write"),
    ("mcp",),
    # Posts alerts to a webhook; prints one summary line per outcome, not a table.
    ("alert",),
}


# -- admin commands: one per list and object of the fragment ---------------------------------


@functools.cache
def _demo_path_values() -> dict[str, str]:
    """A value the demo serves for each path parameter: its first project."""
    from openai_org_usage.fake import FakeUsageAPI

    return {"project_id": FakeUsageAPI(seed=0).org.projects[0]}


def _admin_args(words: tuple[str, ...], command: AdminCommand) -> list[str]:
    args = [*words, "--demo"]
    for param in command.operation.path_parameters:
        known = _demo_path_values()
        assert param in known, f"no demo value for path parameter {param!r}: add one above"
        args += [f"--{param.replace('_', '-')}", known[param]]
    return args


def _admin_expected(command: AdminCommand) -> Callable[[Any], list[str]]:
    def expected(data: Any) -> list[str]:
        # A list's JSON is an array of records, an object's one record; a table shows the
        # first DEFAULT_TOP of a list (then a row counting the rest).
        rows = data if isinstance(data, list) else [data]
        shown, _rest = top_and_rest(rows, DEFAULT_TOP)
        cells = []
        for column in shown_columns(command.operation, shown):
            for row in shown:
                value = row.get(column.name)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    # Numbers as numbers; Unix seconds as the UTC date and time they are.
                    cells += _NUMBER.findall(cell(column, value))
        return cells

    return expected


def recipe(words: tuple[str, ...], command: click.Command) -> Recipe | None:
    """The recipe of a command; None for one that prints no table (``_NO_TABLE``)."""
    if isinstance(command, AdminCommand):
        admin = command
        return Recipe(lambda _tmp: _admin_args(words, admin), _admin_expected(admin))
    if isinstance(command, OperationCommand):
        op = command.operation
        # Two dimensions: the widest tables people ask for (the costs example).
        group_by = [arg for field in op.group_by[:2] for arg in ("--group-by", field)]
        return Recipe(
            lambda _tmp: [*words, "--demo", "--last", "2d", *group_by],
            _rows_expected(op.name),
        )
    if words == ("report",):
        return Recipe(lambda _tmp: ["report", "--demo", "--last", "7d"], _report_expected)
    if words == ("attribute",):
        return Recipe(lambda _tmp: ["attribute", "--demo", "--last", "2d"], _attribute_expected)
    if words == ("budget",):
        return Recipe(lambda _tmp: ["budget", "--demo"], _budget_expected)
    if words == ("sync",):
        return Recipe(
            lambda tmp: [
                "sync",
                "--demo",
                "--db",
                str(tmp / "usage.duckdb"),
                "--since",
                "2026-11-18",
            ],
            _sync_expected,
        )
    if words in _NO_TABLE:
        return None
    raise AssertionError(
        f"no width check for command {' '.join(words)!r}: add a recipe to tests/cli/test_widths.py"
    )


def test_every_command_has_a_recipe() -> None:
    assert ("report",) in COMMANDS
    assert ("sync",) in COMMANDS
    assert sum(isinstance(c, OperationCommand) for c in COMMANDS.values()) == len(OPERATIONS)
    for words, command in COMMANDS.items():
        recipe(words, command)  # raises for a command nobody taught this test


# -- running -----------------------------------------------------------------------------------


def _env(columns: int | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_ADMIN_KEY", "OPENAI_BASE_URL")}
    env.pop("COLUMNS", None)
    env.pop("NO_COLOR", None)
    env["TERM"] = "xterm-256color"
    if columns is not None:
        env["COLUMNS"] = str(columns)
    return env


RUNNER = Path(__file__).with_name("_run_commands.py")
SEPARATOR = "\n@@ end of command @@\n"  # _run_commands.SEPARATOR


def _split(text: str, count: int) -> list[str]:
    outputs = text.split(SEPARATOR)
    assert len(outputs) == count + 1, text[-2000:]  # every command ran and ended
    assert outputs[-1].strip() == "", outputs[-1][-2000:]
    return outputs[:count]


def _runner_command(command_lines: list[list[str]], workdir: Path) -> list[str]:
    listed = workdir / "commands.json"
    listed.write_text(json.dumps(command_lines))
    return [sys.executable, str(RUNNER), str(listed)]


def run_in_pty(command_lines: list[list[str]], width: int, workdir: Path) -> list[str]:
    """Each command's standard output in a pseudo-terminal ``width`` columns wide.

    The commands run one after the other in one process (``_run_commands.py``): Python and
    the package are imported once, and each command still writes to a real terminal.
    """
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, width, 0, 0))
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - read after the process ends, then closed
    proc = subprocess.Popen(
        _runner_command(command_lines, workdir),
        stdin=slave,
        stdout=slave,
        stderr=errors,
        env=_env(width),
        close_fds=True,
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + RUN_TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=RUN_TIMEOUT)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    errors.seek(0)
    assert proc.returncode == 0, errors.read().decode(errors="replace")
    errors.close()
    text = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    return [_ANSI.sub("", output) for output in _split(text, len(command_lines))]


def run_in_pipe(
    command_lines: list[list[str]], workdir: Path, columns: int | None = None
) -> list[str]:
    """Each command's standard output through a pipe (``COLUMNS`` set or not), one process."""
    done = subprocess.run(
        _runner_command(command_lines, workdir),
        capture_output=True,
        env=_env(columns),
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return _split(done.stdout.decode("utf-8"), len(command_lines))


def _run_in_process(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@attrs.frozen
class Outputs:
    """One command's outputs: JSON, in a pipe, and in a terminal of each width."""

    expected: list[str]
    pipe: str
    terminal: dict[int, str]
    check_width: bool


CHECKED = {words: r for words, c in COMMANDS.items() if (r := recipe(words, c)) is not None}
MODES = [("pipe", None), *(("terminal", w) for w in WIDTHS)]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, ...], Outputs]:
    """Every checked command run in every mode: one process per mode, the modes at once."""
    words_list = list(CHECKED)
    jobs: dict[tuple[str, int | None], Any] = {}
    with ThreadPoolExecutor(max_workers=len(MODES)) as pool:
        for mode, width in MODES:
            workdir = tmp_path_factory.mktemp(f"{mode}-{width}")
            # A fresh database per sync run.
            lines = [CHECKED[words].args(tmp_path_factory.mktemp("run")) for words in words_list]
            if width is None:
                # COLUMNS set, yet a pipe: laid out for its reader, nothing cut.
                jobs[mode, width] = pool.submit(run_in_pipe, lines, workdir, 80)
            else:
                jobs[mode, width] = pool.submit(run_in_pty, lines, width, workdir)
        # Meanwhile, in this thread (CliRunner swaps sys.stdout: one at a time), the JSON.
        json_out = {
            words: _run_in_process(
                [*CHECKED[words].args(tmp_path_factory.mktemp("run")), "--format", "json"]
            )
            for words in words_list
        }
        shown = {key: dict(zip(words_list, job.result(), strict=True)) for key, job in jobs.items()}
    return {
        words: Outputs(
            expected=rec.expected(json.loads(json_out[words])),
            pipe=shown["pipe", None][words],
            terminal={w: shown["terminal", w][words] for w in WIDTHS},
            check_width=rec.check_width,
        )
        for words, rec in CHECKED.items()
    }


def _cut_numbers(text: str) -> list[str]:
    """Tokens that are a number with an ellipsis in or next to it (``$3.…``, ``…,877``)."""
    return [
        token
        for token in text.split()
        if ELLIPSIS in token
        and any(ch.isdigit() for ch in token)
        and set(token.replace(ELLIPSIS, "")) <= _NUMBER_CHARS
    ]


def _missing(expected: list[str], text: str) -> list[str]:
    shown = Counter(_NUMBER.findall(text))
    wanted = Counter(expected)
    return sorted((wanted - shown).elements())


IDS = [" ".join(words) for words in CHECKED]


@pytest.mark.parametrize(("mode", "width"), MODES, ids=[f"{m}-{w or ''}" for m, w in MODES])
@pytest.mark.parametrize("words", list(CHECKED), ids=IDS)
def test_every_number_is_shown_whole(
    outputs: dict[tuple[str, ...], Outputs], words: tuple[str, ...], mode: str, width: int | None
) -> None:
    out = outputs[words]
    text = out.pipe if width is None else out.terminal[width]
    assert out.expected, "the JSON output has numbers to look for"
    assert _cut_numbers(text) == []
    missing = _missing(out.expected, text)
    assert missing == [], (
        f"{len(missing)} numbers of the JSON output not in the table: {missing[:10]}"
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("words", list(CHECKED), ids=IDS)
def test_terminal_lines_fit_the_terminal(
    outputs: dict[tuple[str, ...], Outputs], words: tuple[str, ...], width: int
) -> None:
    text = outputs[words].terminal[width]
    too_wide = [line for line in text.splitlines() if cell_len(line) > width]
    assert too_wide == []


@pytest.mark.parametrize("words", list(CHECKED), ids=IDS)
def test_pipes_are_not_cut(outputs: dict[tuple[str, ...], Outputs], words: tuple[str, ...]) -> None:
    # A pipe is read by a program or a pager: full texts, no shortened names or ids.
    assert ELLIPSIS not in outputs[words].pipe


def test_titles_do_not_break_mid_phrase_at_80(outputs: dict[tuple[str, ...], Outputs]) -> None:
    report = outputs["report",].terminal[80]
    title = next(line for line in report.splitlines() if line.startswith("Usage report"))
    assert re.fullmatch(r"Usage report, \S+ \S+ to \S+ \S+ UTC \(end exclusive\)", title)
    costs = outputs["costs",].terminal[80].splitlines()
    first = next(i for i, line in enumerate(costs) if line.startswith("costs:"))
    assert costs[first + 1] == "- synthetic demo data"


def test_fake_server_shows_its_address_whole() -> None:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 80, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "openai_org_usage.cli", "fake-server", "--port", "0"],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.DEVNULL,
        env=_env(80),
        close_fds=True,
    )
    os.close(slave)
    text = b""
    try:
        deadline = time.monotonic() + RUN_TIMEOUT
        while b"Ctrl-C" not in text and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if ready:
                text += os.read(master, 65536)
    finally:
        proc.terminate()
        proc.wait(timeout=RUN_TIMEOUT)
        os.close(master)
    shown = text.decode()
    assert re.search(r"at http://127\.0\.0\.1:\d+/v1\r?\n", shown), shown
    assert ELLIPSIS not in shown
