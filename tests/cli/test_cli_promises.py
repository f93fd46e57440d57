"""What ``--help`` promises, and what the live API makes the command line do.

Times without an offset read in ``--tz`` (UTC by default) and errors in the command line's
words; a bad ``--base-url`` refused while parsing; ``--html -`` on standard output (``--png -``
refused); the admin key never printed, whatever a server echoes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import Result

from openai_org_usage import OPERATIONS, UsageClient
from openai_org_usage.cli import _source
from openai_org_usage.fake import FakeUsageAPI, running_server
from openai_org_usage.store import table_name

Invoke = Callable[..., Result]  # the `invoke` fixture (conftest.py)
ERROR_PREFIX = "openai-org-usage: error: "
# Assembled, so no key-shaped literal sits in the repository; the value is a placeholder.
KEY = "sk-" + "admin-cli-test-0123456789abcdefSECRET"
# Words of the library's own messages that mean nothing on a command line.
PYTHON_WORDS = ("timedelta", "tzinfo", "naive", "aware datetime", "float", "tz=")


NOTE_PREFIX = "openai-org-usage: note: "


def _one_error_line(stderr: str) -> str:
    # Notes (names that could not be read) may precede the error; one error line follows.
    lines = [line for line in stderr.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith(NOTE_PREFIX)]
    assert len(lines) == 1, stderr
    assert lines[0].startswith(ERROR_PREFIX), stderr
    assert "Traceback" not in stderr
    return lines[0]


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- times --------------------------------------------------------------------------------------


def test_offsetless_times_are_read_in_utc_by_default(invoke: Invoke) -> None:
    rows = _json(
        invoke(
            "costs",
            "--demo",
            "--start",
            "2026-11-01T09:00",
            "--end",
            "2026-11-03T09:00",
            "--format",
            "json",
        )
    )
    assert rows[0]["bucket_start"] == "2026-11-01T09:00:00Z"  # partial first bucket: from 09:00 UTC
    assert rows[1]["bucket_start"] == "2026-11-02T00:00:00Z"


def test_offsetless_times_are_read_in_tz(invoke: Invoke) -> None:
    args = ("--start", "2026-11-01T09:00", "--end", "2026-11-03T09:00", "--format", "json")
    rows = _json(invoke("costs", "--demo", *args, "--tz", "Europe/Paris"))
    assert rows[0]["bucket_start"] == "2026-11-01T08:00:00Z"  # 09:00 in Paris (UTC+1)


def test_help_says_offsetless_times_are_read_in_tz(invoke: Invoke) -> None:
    text = " ".join(invoke("costs", "--help").stdout.split())
    assert "Dates and offset-less times are read in --tz (default UTC)." in text


@pytest.mark.parametrize(
    ("args", "flag", "says"),
    [
        (("--start", "yesterday"), "--start", "2026-11-01T09:00Z"),
        (("--start", "2026-11-01T25:00"), "--start", "--last 7d"),
        (("--start", "20261101"), "--start", "2026-11-01"),
        (("--end", "2026-13-01"), "--end", "2026-11-08T09:00Z"),
        (("--start", "2026-11-01", "--end", "soon"), "--end", "default: now"),
        (("--last", "7y"), "--last", "30d, 12h or 2w"),
        (("--start", "99999999999999"), "--start", "out of range"),
        (("--tz", "Mars/Olympus"), "--tz", "Europe/Paris"),
        (("--start", "2026-11-09", "--end", "2026-11-08"), "--start", "not before --end"),
    ],
)
def test_time_errors_speak_command_line(
    invoke: Invoke, args: tuple[str, ...], flag: str, says: str
) -> None:
    result = invoke("costs", "--demo", *args)
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert flag in line
    assert says in line
    assert not any(word in line for word in PYTHON_WORDS), line


# -- --base-url ---------------------------------------------------------------------------------


@pytest.fixture
def no_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the command gets as far as making a client."""

    def refuse(*args: object, **kwargs: object) -> UsageClient:
        raise AssertionError("a client was made: the option was not refused while parsing")

    monkeypatch.setattr(_source, "UsageClient", refuse)


@pytest.mark.parametrize(
    "url", ["not-a-url", "ftp://x", "http://", "https://", "http://example.com/v1", "//x/v1"]
)
@pytest.mark.usefixtures("no_client")
def test_bad_base_url_is_a_usage_error_before_anything(invoke: Invoke, url: str) -> None:
    result = invoke("costs", "--last", "7d", "--base-url", url, env={"OPENAI_ADMIN_KEY": KEY})
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert "--base-url" in line
    assert "https://api.openai.com/v1" in line  # an example of what works


@pytest.mark.usefixtures("no_client")
def test_bad_base_url_from_the_environment_names_the_variable(invoke: Invoke) -> None:
    env = {"OPENAI_ADMIN_KEY": KEY, "OPENAI_BASE_URL": "api.openai.com"}
    result = invoke("report", "--last", "7d", env=env)
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert "--base-url" in line
    assert "OPENAI_BASE_URL" in line


def test_loopback_http_base_url_is_accepted(invoke: Invoke, fake_url: str) -> None:
    assert fake_url.startswith("http://127.0.0.1:")
    rows = _json(
        invoke(
            "costs",
            "--start",
            "2026-11-01",
            "--end",
            "2026-11-02",
            "--base-url",
            fake_url,
            "--format",
            "json",
            env={"OPENAI_ADMIN_KEY": KEY},
        )
    )
    assert len(rows) == 1


# -- --html - and --png - -----------------------------------------------------------------------

WEEK = ("--start", "2026-11-01", "--end", "2026-11-08")


def test_html_dash_writes_the_page_to_stdout(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    result = invoke("report", "--demo", *WEEK, "--html", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert result.stdout.rstrip().endswith("</html>")  # the page alone, no table after it
    assert list(tmp_path.iterdir()) == []  # no file named "-"

    result = invoke("report", "--demo", *WEEK, "--html", "-", "-o", "r.json", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["total_spend"] > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_html_and_output_both_on_stdout_is_refused(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("report", "--demo", *WEEK, "--html", "-", "--output", "-")
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert "--html -" in line
    assert "--output -" in line
    assert list(tmp_path.iterdir()) == []


def test_png_dash_is_refused(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("report", "--demo", *WEEK, "--png", "-")
    assert result.exit_code == 2
    assert "--png" in _one_error_line(result.stderr)
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no directory named "-"


# -- the admin key ------------------------------------------------------------------------------


def _echoing(request: httpx.Request) -> httpx.Response:
    """A server quoting the credential back, in JSON and in plain text."""
    auth = request.headers.get("authorization", "")
    if request.url.path.endswith("/costs"):
        body = {"error": {"message": f"Bad credentials: {auth}", "type": "invalid_request_error"}}
        return httpx.Response(400, json=body, request=request)
    return httpx.Response(404, text=f"no route for {auth} at {request.url.path}", request=request)


@pytest.fixture
def echoing_api(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's client talks to ``_echoing`` (the only change: its transport)."""

    def make(*args: Any, **kwargs: Any) -> UsageClient:
        return UsageClient(*args, transport=httpx.MockTransport(_echoing), **kwargs)

    monkeypatch.setattr(_source, "UsageClient", make)


@pytest.mark.usefixtures("echoing_api")
@pytest.mark.parametrize("command", [("costs",), ("usage", "completions"), ("report",)])
def test_key_echoed_by_the_server_is_never_printed(
    invoke: Invoke, command: tuple[str, ...]
) -> None:
    result = invoke(*command, *WEEK, "--format", "json", env={"OPENAI_ADMIN_KEY": KEY})
    assert result.exit_code == 1
    _one_error_line(result.stderr)
    assert KEY not in result.output
    assert KEY[-12:] not in result.output


def test_key_echoed_in_a_401_over_loopback_is_never_printed(invoke: Invoke) -> None:
    with running_server(FakeUsageAPI(faults=["echo_auth"])) as url:
        result = invoke("costs", *WEEK, "--base-url", url, env={"OPENAI_ADMIN_KEY": KEY})
    assert result.exit_code == 1
    assert "401" in _one_error_line(result.stderr)
    assert KEY not in result.output
    assert KEY[-12:] not in result.output


def test_key_echoed_during_a_sync_reaches_neither_output_nor_database(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    duckdb = pytest.importorskip("duckdb")
    # The sync runs in the operation table's order: the first is served and stored, the last
    # answers with the key in its error.
    first, last = [name for name in OPERATIONS if name in ("images", "costs")]
    fake = FakeUsageAPI(refused_groupings={}).transport()

    def handler(request: httpx.Request) -> httpx.Response:
        echo = request.url.path.endswith(OPERATIONS[last].path)
        return _echoing(request) if echo else fake.handle_request(request)

    def make(*args: Any, **kwargs: Any) -> UsageClient:
        return UsageClient(*args, transport=httpx.MockTransport(handler), **kwargs)

    monkeypatch.setattr(_source, "UsageClient", make)
    db = tmp_path / "usage.duckdb"
    result = invoke(
        "sync",
        "--db",
        str(db),
        "--since",
        "2026-11-20",
        "--operation",
        "images",
        "--operation",
        "costs",
        env={"OPENAI_ADMIN_KEY": KEY},
    )
    assert result.exit_code == 1
    _one_error_line(result.stderr)
    assert KEY not in result.output
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute(f"SELECT count(*) FROM {table_name(first)}").fetchone()
    assert stored is not None
    assert stored[0] > 0  # the first operation was stored before the echo
    files = b"".join(path.read_bytes() for path in tmp_path.rglob("*") if path.is_file())
    assert KEY.encode() not in files
    assert KEY[-12:].encode() not in files
