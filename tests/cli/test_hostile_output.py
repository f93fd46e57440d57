"""Names and messages are shown, never obeyed: hostile text through every command and format.

Project, user, key and organization names are typed by people; error messages come from
servers and proxies. The fake's directory is given hostile names (ESC sequences, C1 controls,
bidi overrides, a newline that would forge a row, rich markup, HTML, spreadsheet formulas) and
a stub server answers with a hostile error message. Tables, notes, error lines, the sync's
summary and progress, and the HTML page show those characters escaped (``\\x1b``,
``\\u202e``, ``\\n``) and a row stays one row; CSV cells that a spreadsheet would run get a
leading ``'`` (``--csv-raw``: exact); JSON and NDJSON keep the data exactly.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from rich.console import Console
from rich.progress import Progress
from rich.text import Text

import openai_org_usage.fake
import openai_org_usage.store
from openai_org_usage import OPERATIONS, Bucket
from openai_org_usage.cli import _sync
from openai_org_usage.cli._app import cli
from openai_org_usage.cli._charts import _label
from openai_org_usage.cli._fetch import DescriptionColumn
from openai_org_usage.cli._report import report_keys
from openai_org_usage.cli._report_build import build_report
from openai_org_usage.cli._report_tables import render_report
from openai_org_usage.cli._row_tables import render_rows
from openai_org_usage.cli._shown import ESCAPED, shown
from openai_org_usage.cli._table import new_table
from openai_org_usage.cli._writers import csv_value
from openai_org_usage.timerange import TimeRange
from openai_org_usage_client.models import CostsResult

Invoke = Callable[..., Result]  # the `invoke` fixture (conftest.py)
RANGE = ("--start", "2026-11-01", "--end", "2026-11-03")
ERROR_PREFIX = "openai-org-usage: error: "
NOTE_PREFIX = "openai-org-usage: note: "

TITLE = "evil\x1b]0;pwned\x07\x1b[2J"  # sets the window title, clears the screen
FORMULA = '=HYPERLINK("https://evil.example","x")'
FORGED_ROW = "two\nforged row"  # a newline: a row of its own if printed raw
MARKUP = "[bold red]markup[/] \u202ereversed"  # rich markup and a right-to-left override
ARCHIVED = "arch\x1b[31m\r\x7f\x9b"  # colour, CR, DEL, C1 CSI
PROJECTS = (TITLE, FORMULA, FORGED_ROW, MARKUP)
USERS = (
    "+1+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "\tTab",
    "\rCR",
    "<script>alert(1)</script>",
    "user\x1b[2J\nforged user\u2066iso\u2069\u200f",
    "[link=https://evil.example]click[/link]",
)
KEYS = (
    "key\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",  # an OSC 8 hyperlink
    "=1+1",
    "k\u202dlro\u061c\u200e",
    "k3",
    "k4",
    "k5",
)
NAMES = (*PROJECTS, ARCHIVED, *USERS, *KEYS)
FORMULA_NAMES = tuple(n for n in NAMES if n[:1] in ("=", "+", "-", "@", "\t", "\r"))
# Characters that must never reach a person raw (beyond rich's own colour codes on a tty).
RAW = ("\x1b", "\x07", "\x9b", "\x7f", "\r", "\u202e", "\u202d", "\u2066", "\u200f", "\u061c")
ORGS = ("acme\x1b]0;pwn\x07\nforged org", "[bold red]beta[/]\u202e")
SERVER_MESSAGE = "bad\x1b]0;pwned\x07\x1b[2J\r\nopenai-org-usage: error: forged\u202e line"


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def hostile(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fake made while a test runs (``--demo`` too) has the hostile directory."""
    _hostile_fakes(monkeypatch)


def _hostile_fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    real = openai_org_usage.fake.FakeUsageAPI

    def make(*args: Any, **kwargs: Any) -> Any:
        api = real(*args, **kwargs)
        directory = api.directory
        active = [p for p in directory.projects if p["status"] == "active"]
        named = {p["id"]: PROJECTS[i % len(PROJECTS)] for i, p in enumerate(active)}
        projects = tuple({**p, "name": named.get(p["id"], ARCHIVED)} for p in directory.projects)
        users = tuple({**u, "name": USERS[i % len(USERS)]} for i, u in enumerate(directory.users))
        count = iter(range(1_000))
        keys = {
            project: tuple({**k, "name": KEYS[next(count) % len(KEYS)]} for k in project_keys)
            for project, project_keys in directory.project_keys.items()
        }
        api.directory = dataclasses.replace(
            directory, projects=projects, users=users, project_keys=keys
        )
        return api

    monkeypatch.setattr(openai_org_usage.fake, "FakeUsageAPI", make)


class _ErrorProxy(BaseHTTPRequestHandler):
    """A proxy that answers every request with a 400 holding ``SERVER_MESSAGE``."""

    def do_GET(self) -> None:
        body = json.dumps(
            {"error": {"message": SERVER_MESSAGE, "type": "invalid_request_error"}}
        ).encode()
        self.send_response(400)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def orgs_on_fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    """``sync --config``: each organization served by a fake (its transport), not the network."""
    real = openai_org_usage.store.open_clients

    def with_fakes(orgs: Sequence[Any], **options: Any) -> Any:
        fakes = [openai_org_usage.fake.FakeUsageAPI(seed=i) for i in range(len(orgs))]
        return real(orgs, transports=[fake.transport() for fake in fakes], **options)

    monkeypatch.setattr(openai_org_usage.store, "open_clients", with_fakes)


@pytest.fixture
def proxy_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ErrorProxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


# -- helpers -----------------------------------------------------------------------------------


def _ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def _assert_nothing_raw(text: str) -> None:
    found = sorted({repr(ch) for ch in RAW if ch in text})
    assert not found, f"raw {found} in {text!r}"


def _assert_one_line_each(text: str) -> None:
    """No name's newline starts a line: each forged text sits after its escaped newline."""
    for line in text.splitlines():
        for forged in ("forged row", "forged user", "forged org"):
            if forged in line:
                assert f"\\n{forged}" in line, line


def _assert_shown(text: str, *names: str) -> None:
    for name in names:
        assert shown(name) in text, (shown(name), text)


def _tables(invoke: Invoke, *args: str) -> tuple[Result, Result]:
    """The command's table with names, and with raw IDs (same rows, no names)."""
    named = _ok(invoke(*args, "--demo", *RANGE))
    ids = _ok(invoke(*args, "--demo", *RANGE, "--ids"))
    return named, ids


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# -- the helper --------------------------------------------------------------------------------


def test_shown_escapes_controls_bidi_and_separators_and_nothing_else() -> None:
    controls = [*range(0x00, 0x20), *range(0x7F, 0xA0)]
    bidi = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    for code in [*controls, *bidi, 0x2028, 0x2029]:
        escaped = shown(chr(code))
        assert escaped.startswith("\\"), hex(code)
        assert escaped.isprintable(), hex(code)
        assert escaped.isascii(), hex(code)
    assert shown("\x1b[2J\t\n\r\x7f\x9b\u202e") == "\\x1b[2J\\t\\n\\r\\x7f\\x9b\\u202e"
    # Everything else as typed: accents, CJK, emoji (with its joiners), backslashes.
    plain = "Zoë 東京 👩\u200d💻 C:\\temp [x] <b> = + - @"
    assert shown(plain) == plain
    assert all(chr(code) not in "".join(ESCAPED.values()) for code in ESCAPED)


# -- tables, piped -----------------------------------------------------------------------------


def test_costs_table_shows_names_escaped_one_row_each(invoke: Invoke) -> None:
    named, ids = _tables(invoke, "costs", "--group-by", "project_id")
    _assert_nothing_raw(named.stdout)
    _assert_one_line_each(named.stdout)
    _assert_shown(named.stdout, *PROJECTS)
    assert "\\x1b]0;pwned\\x07\\x1b[2J" in named.stdout
    assert "[bold red]markup[/]" in named.stdout  # markup shown, not applied
    assert len(named.stdout.splitlines()) == len(ids.stdout.splitlines())


def test_usage_table_shows_user_and_key_names_escaped(invoke: Invoke) -> None:
    args = ("usage", "completions", "--group-by", "user_id", "--group-by", "api_key_id")
    named, ids = _tables(invoke, *args)
    _assert_nothing_raw(named.stdout)
    _assert_one_line_each(named.stdout)
    _assert_shown(named.stdout, *USERS, *KEYS[:3])
    assert "[link=https://evil.example]click[/link]" in named.stdout
    assert len(named.stdout.splitlines()) == len(ids.stdout.splitlines())


def test_report_table_shows_every_name_escaped(invoke: Invoke) -> None:
    named, ids = _tables(invoke, "report")
    _assert_nothing_raw(named.stdout)
    _assert_one_line_each(named.stdout)
    _assert_shown(named.stdout, *PROJECTS, *USERS)
    assert "[bold red]markup[/]" in named.stdout
    assert len(named.stdout.splitlines()) == len(ids.stdout.splitlines())


@pytest.mark.parametrize("by", ["user_id", "api_key_id", "project_id"])
def test_attribute_table_shows_names_escaped_and_markup_as_text(invoke: Invoke, by: str) -> None:
    named, ids = _tables(invoke, "attribute", "--by", by)
    _assert_nothing_raw(named.stdout)
    _assert_one_line_each(named.stdout)
    expected = {"user_id": USERS, "api_key_id": KEYS[:3], "project_id": PROJECTS}[by]
    _assert_shown(named.stdout, *expected)
    assert len(named.stdout.splitlines()) == len(ids.stdout.splitlines())


# -- tables on a terminal ----------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("columns", ["200", "70", "40", "24"])
def test_on_a_terminal_of_any_width_names_are_escaped(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    # Whole, shortened, stacked or listed as records: every layout shows escaped text.
    rows = json.loads(
        _ok(
            invoke(
                "usage", "completions", "--demo", *RANGE, "--group-by", "user_id",
                "--group-by", "project_id", "--names", "--format", "json",
            )
        ).stdout
    )  # fmt: skip
    monkeypatch.setenv("COLUMNS", columns)
    out = _Terminal()
    start, end = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC)
    render_rows("table", out, OPERATIONS["completions"], rows, start=start, end=end, demo=False)
    text = out.getvalue()
    # rich colours a terminal's output itself (SGR: ESC [ ... m); nothing else may be raw.
    without_sgr = re.sub(r"\x1b\[[0-9;]*m", "", text)
    _assert_nothing_raw(without_sgr)
    _assert_one_line_each(without_sgr)
    assert "\\x1b" in without_sgr
    assert all(len(line) <= int(columns) for line in without_sgr.splitlines())


def test_table_engine_escapes_text_cells_titles_and_headers() -> None:
    table = new_table(title="Sync into evil\x1b[2J", caption="from \u202eserver")
    table.add_column("na\x1bme")
    table.add_column("n", justify="right")
    # A Text has lost BEL, BS, VT, FF and CR to rich already; its ESC is still there.
    table.add_row(Text("styled\x1b]0;x\x9c", style="bold"), "1")
    table.add_row("two\nlines", "2")
    out = io.StringIO()
    Console(file=out, width=80, color_system=None).print(table)
    text = out.getvalue()
    _assert_nothing_raw(text)
    for expected in ("evil\\x1b[2J", "\\u202eserver", "na\\x1bme", "styled\\x1b]0;x\\x9c"):
        assert expected in text
    assert "two\\nlines" in text
    assert not any(line.strip() == "lines" for line in text.splitlines())


# -- stderr: notes and errors ------------------------------------------------------------------


def test_notes_show_a_hostile_archived_project_escaped(invoke: Invoke) -> None:
    result = _ok(invoke("costs", "--demo", *RANGE, "--group-by", "project_id"))
    notes = [line for line in result.stderr.splitlines() if line.startswith(NOTE_PREFIX)]
    assert len(notes) == 1, result.stderr
    assert shown(ARCHIVED) in notes[0]
    _assert_nothing_raw(result.stderr)


@pytest.mark.parametrize(
    "command",
    [("costs",), ("usage", "completions"), ("report",), ("attribute",)],
    ids=lambda c: " ".join(c),
)
def test_a_hostile_server_message_is_one_escaped_error_line(
    invoke: Invoke, proxy_url: str, command: tuple[str, ...]
) -> None:
    env = {"OPENAI_ADMIN_KEY": "sk-admin-test-dummy"}
    result = invoke(*command, *RANGE, "--base-url", proxy_url, env=env)
    assert result.exit_code == 1, result.output
    _assert_nothing_raw(result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith(ERROR_PREFIX)]
    # The message's own "openai-org-usage: error: forged" stays inside the one real line.
    assert len(errors) == 1, result.stderr
    assert shown(SERVER_MESSAGE) in errors[0]
    assert result.stdout == ""


# -- sync: summary, notes, failures, progress --------------------------------------------------


def _orgs_toml(path: Path) -> Path:
    config = path / "orgs.toml"
    entries = [
        f'[[organizations]]\nname = {json.dumps(name)}\norg_id = "org-{i}"\n'
        f'key_env = "OPENAI_ADMIN_KEY_HOSTILE_{i}"\n'
        for i, name in enumerate(ORGS)
    ]
    config.write_text("\n".join(entries), encoding="utf-8")
    return config


def _sync_orgs(invoke: Invoke, tmp_path: Path, db: str = "u.duckdb") -> Result:
    return invoke(
        "sync", "--db", str(tmp_path / db), "--config", str(_orgs_toml(tmp_path)),
        "--since", "2026-11-23", "--operation", "costs", "--no-names",
    )  # fmt: skip


@pytest.mark.usefixtures("orgs_on_fakes")
def test_sync_summary_and_notes_show_org_names_escaped(invoke: Invoke, tmp_path: Path) -> None:
    result = _ok(_sync_orgs(invoke, tmp_path))
    _assert_nothing_raw(result.stdout + result.stderr)
    _assert_one_line_each(result.stdout + result.stderr)
    _assert_shown(result.stdout, *ORGS)
    _assert_shown(result.stderr, *ORGS)  # the notes name the organizations
    rows = [line for line in result.stdout.splitlines() if "costs" in line]
    assert len(rows) == len(ORGS)


def test_sync_failure_lines_are_one_escaped_line_each(invoke: Invoke, tmp_path: Path) -> None:
    # No key for either organization: both fail before any request. The file's name is
    # hostile too: the summary (no table, only what happened) names it.
    db = "u\x1b]0;pwn\x07\u202e.duckdb"
    result = _sync_orgs(invoke, tmp_path, db)
    assert result.exit_code == 1, result.output
    _assert_nothing_raw(result.stderr + result.stdout)
    errors = [line for line in result.stderr.splitlines() if line.startswith(ERROR_PREFIX)]
    assert len(errors) == len(ORGS), result.stderr
    _assert_shown(result.stderr, *ORGS)
    _assert_one_line_each(result.stderr)
    assert result.stdout.count(shown(db)) == 2, result.stdout  # the title and the summary


@pytest.mark.usefixtures("orgs_on_fakes")
def test_sync_progress_shows_org_names_escaped(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(_sync, "stderr_is_interactive", lambda: True)
    monkeypatch.setattr(
        _sync,
        "Console",
        lambda **_: Console(file=screen, force_terminal=True, width=200, color_system=None),
    )
    _ok(_sync_orgs(invoke, tmp_path))
    drawn = screen.getvalue()
    # The live display moves the cursor itself (CR, ESC [ ... A/K, hide/show): left out,
    # the rest holds no control character, and the organizations' names are escaped.
    without_cursor = re.sub(r"\x1b\[\??[0-9;]*[A-Za-z]|\r", "", drawn)
    _assert_nothing_raw(without_cursor)
    _assert_one_line_each(without_cursor)
    assert "page" in without_cursor
    assert any(shown(org) in without_cursor for org in ORGS), drawn


def test_progress_descriptions_are_plain_text() -> None:
    progress = Progress(DescriptionColumn())
    progress.add_task(ORGS[1] + " " + ORGS[0])
    [task] = progress.tasks
    text = DescriptionColumn().render(task)
    assert text.plain == shown(ORGS[1] + " " + ORGS[0])
    assert not text.spans  # "[bold red]" is text, not a style


# -- CSV ---------------------------------------------------------------------------------------


def test_csv_value_quotes_formulas_and_keeps_numbers() -> None:
    for text in ("=1+1", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert csv_value(text) == "'" + text
        assert csv_value(text, raw=True) == text
    for number, written in ((-1.5, "-1.5"), (-3, "-3"), (Decimal("-0.10"), "-0.10")):
        assert csv_value(number) == written
    for text in ("plain", "1-2", "a=b", "", " =x"):
        assert csv_value(text) == text
    assert csv_value(None) == ""
    assert csv_value(False) == "false"


def test_costs_csv_quotes_formula_names_and_csv_raw_keeps_them(invoke: Invoke) -> None:
    args = ("costs", "--demo", *RANGE, "--group-by", "project_id", "--names", "--format", "csv")
    safe = _csv(_ok(invoke(*args)).stdout)
    raw = _csv(_ok(invoke(*args, "--csv-raw")).stdout)
    assert len(safe) == len(raw) > 0
    named = {row["project_id_name"] for row in safe}
    assert "'" + FORMULA in named
    assert FORMULA not in named
    assert FORMULA in {row["project_id_name"] for row in raw}
    # Names that start with no formula character are exact in both (a newline is quoted).
    assert {FORGED_ROW, TITLE, MARKUP} <= named & {row["project_id_name"] for row in raw}
    assert all(not row["amount_value"].startswith("'") for row in safe)


def test_attribute_csv_quotes_every_formula_prefix(invoke: Invoke) -> None:
    args = ("attribute", "--demo", *RANGE, "--by", "user_id", "--names", "--format", "csv")
    safe = {row["user_id_name"] for row in _csv(_ok(invoke(*args)).stdout)}
    raw = {row["user_id_name"] for row in _csv(_ok(invoke(*args, "--csv-raw")).stdout)}
    formulas = {name for name in USERS if name in FORMULA_NAMES}
    assert len(formulas) == 5  # +, -, @, tab and CR ("=" is a project's, in the costs test)
    assert {"'" + name for name in formulas} <= safe
    assert not formulas & safe
    assert formulas <= raw


def test_a_lone_carriage_return_never_ends_a_csv_row(invoke: Invoke) -> None:
    args = ("attribute", "--demo", *RANGE, "--by", "user_id", "--names", "--format", "csv")
    for extra in ((), ("--csv-raw",)):
        text = _ok(invoke(*args, *extra)).stdout
        rows = list(csv.reader(io.StringIO(text, newline="")))  # strict: raises on a bare CR
        assert len({len(row) for row in rows}) == 1
        assert any("\rCR" in cell for row in rows for cell in row)


def test_report_csv_quotes_a_formula_line_item() -> None:
    day = datetime(2026, 11, 1, tzinfo=UTC)
    data: dict[str, list[Bucket[Any]]] = {key: [] for key in report_keys()}
    data["spend_by_line_item"] = [
        Bucket(
            day,
            day + timedelta(days=1),
            [
                CostsResult.from_dict(
                    {
                        "object": "organization.costs.result",
                        "amount": {"value": -1.5, "currency": "usd"},
                        "line_item": "=cmd|' /C calc'!A0",
                    }
                )
            ],
        )
    ]
    report = build_report(data, TimeRange(day, day + timedelta(days=1)), demo=False)
    for raw, expected in ((False, "'=cmd|' /C calc'!A0"), (True, "=cmd|' /C calc'!A0")):
        out = io.StringIO()
        render_report("csv", out, report, csv_raw=raw)
        rows = _csv(out.getvalue())
        line = [r for r in rows if r["section"] == "spend_by_line_item"]
        assert [r["name"] for r in line] == [expected]
        assert line[0]["value"] == "-1.5"  # a number, not quoted


def test_a_field_the_server_added_is_named_as_text_everywhere() -> None:
    # Fields the API added after this client was generated are kept, under the server's name.
    field = "=cmd|' /C calc'!A0 [bold]\x1b[2J"
    rows = [
        {
            "bucket_start": "2026-11-01T00:00:00Z",
            "bucket_end": "2026-11-02T00:00:00Z",
            "amount_value": 1.0,
            "amount_currency": "usd",
            field: "x",
        }
    ]
    start, end = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC)
    outputs = {}
    for fmt in ("table", "csv"):
        out = io.StringIO()
        render_rows(fmt, out, OPERATIONS["costs"], rows, start=start, end=end, demo=False)
        outputs[fmt] = out.getvalue()
    _assert_nothing_raw(outputs["table"])
    assert "[bold]\\x1b[2J" in outputs["table"]
    assert next(csv.reader(io.StringIO(outputs["csv"])))[-1] == "'" + field


@pytest.mark.usefixtures("orgs_on_fakes")
def test_sync_csv_quotes_a_formula_org_name(invoke: Invoke, tmp_path: Path) -> None:
    config = tmp_path / "orgs.toml"
    config.write_text(
        '[[organizations]]\nname = "=1+1"\norg_id = "org-1"\nkey_env = "K_1"\n', encoding="utf-8"
    )
    args = ("sync", "--db", str(tmp_path / "u.duckdb"), "--config", str(config))
    common = ("--since", "2026-11-24", "--operation", "costs", "--no-names", "--format", "csv")
    safe = _csv(_ok(invoke(*args, *common)).stdout)
    assert {row["org"] for row in safe} == {"'=1+1"}
    raw = _csv(_ok(invoke(*args, *common, "--csv-raw")).stdout)
    assert {row["org"] for row in raw} == {"=1+1"}


@pytest.mark.parametrize(
    "command",
    [("report",), ("costs",), ("usage", "completions"), ("attribute",), ("sync",)],
    ids=lambda c: " ".join(c),
)
def test_every_command_that_writes_csv_takes_csv_raw(
    invoke: Invoke, command: tuple[str, ...]
) -> None:
    assert "--csv-raw" in _ok(invoke(*command, "--help")).stdout


# -- JSON and NDJSON stay exact ----------------------------------------------------------------


def test_json_and_ndjson_keep_names_exactly(invoke: Invoke) -> None:
    args = ("usage", "completions", "--demo", *RANGE, "--group-by", "user_id", "--names")
    whole = json.loads(_ok(invoke(*args, "--format", "json")).stdout)
    lines = _ok(invoke(*args, "--format", "ndjson")).stdout.split("\n")
    assert lines.pop() == ""
    per_line = [json.loads(line) for line in lines]
    assert whole == per_line
    assert {row["user_id_name"] for row in whole} == set(USERS)
    costs = json.loads(
        _ok(
            invoke("costs", "--demo", *RANGE, "--group-by", "project_id", "--names",
                   "--format", "json")
        ).stdout
    )  # fmt: skip
    assert {row["project_id_name"] for row in costs} == set(PROJECTS)


def test_attribute_json_keeps_names_exactly(invoke: Invoke) -> None:
    args = ("attribute", "--demo", *RANGE, "--by", "api_key_id", "--names", "--format", "json")
    rows = json.loads(_ok(invoke(*args)).stdout)
    assert set(KEYS[:3]) <= {row["api_key_id_name"] for row in rows}


# -- HTML and charts ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    pytest.importorskip("plotly")
    target = tmp_path_factory.mktemp("html") / "report.html"
    with pytest.MonkeyPatch.context() as patch:
        _hostile_fakes(patch)  # module scope: the autouse fixture's patch is per test
        result = CliRunner().invoke(
            cli, ["report", "--demo", *RANGE, "--html", str(target)], catch_exceptions=False
        )
    assert result.exit_code == 0, result.output
    return target.read_text(encoding="utf-8")


def _without_plotly_js(page: str) -> str:
    # plotly.js itself, inline in <head>, is the library's code, not data.
    head, _, rest = page.partition("<script>")
    _, _, body = rest.partition("</script>")
    return head + body


def test_html_page_has_names_escaped_and_no_raw_control_characters(page: str) -> None:
    text = _without_plotly_js(page)
    raw = sorted({f"U+{ord(ch):04X}" for ch in text if ord(ch) in ESCAPED and ch != "\n"})
    assert not raw, raw
    _assert_one_line_each(text)
    for name in (*PROJECTS, *USERS):
        assert html.escape(shown(name), quote=True) in text, name


def test_html_page_never_turns_a_name_into_markup(page: str) -> None:
    text = _without_plotly_js(page)
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    # The charts' JSON: plotly reads names as HTML, so a name reaches it as entities
    # ("&lt;"), never as "<" (which plotly's encoder writes "\u003c").
    assert "\\u003cscript\\u003ealert" not in text
    assert "&lt;script&gt;alert(1)&lt;\\u002fscript&gt;" in text


def test_chart_labels_are_escaped() -> None:
    assert _label("a\x1b[2J\nb\u202e") == "a\\x1b[2J\\nb\\u202e"
