"""What a newcomer tripped on: demo errors that named the real API, a current bucket shown as a
whole day, and ``--last`` refused in several wordings.

The demo's clock is fixed at 2026-11-25T12:00Z and, like the live API, it serves a year back
from there: starts from 2025-11-25 on. (The sync's and ``fake-server``'s share of the list is in
``test_sync_cli.py`` and ``test_cli_server.py``.)
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import Result

from openai_org_usage.fake import FakeUsageAPI, running_server

Invoke = Callable[..., Result]
ERROR_PREFIX = "openai-org-usage: error: "
DEMO_NOTICE = (
    "Demo mode: synthetic data from the embedded fake API; no request leaves this machine."
)
DUMMY_KEY = "sk-admin-test-dummy-key-0000"


def _error_line(result: Result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith(ERROR_PREFIX)]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


# -- errors in demo mode ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [("costs",), ("usage", "completions"), ("report",)],
    ids=lambda words: " ".join(words),
)
def test_a_start_older_than_the_demo_serves_names_no_url_and_its_first_day_once(
    invoke: Invoke, command: tuple[str, ...]
) -> None:
    result = invoke(*command, "--demo", "--start", "2024-01-01", "--end", "2024-02-01")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == DEMO_NOTICE
    line = _error_line(result)
    assert "://" not in line  # no URL after "no request leaves this machine"
    assert "api.openai.com" not in result.stderr
    assert "request id" not in line
    assert line.count("2025-11-25") == 1
    assert "demo" in line


def test_a_grouping_the_demo_refuses_names_no_url(invoke: Invoke) -> None:
    args = ("--group-by", "user_id", "--group-by", "project_id")
    result = invoke("costs", "--demo", "--last", "2d", *args)
    assert result.exit_code == 1
    line = _error_line(result)
    assert "://" not in line
    assert "req_" not in line
    assert "user_id, project_id" in line
    assert "not supported" in line  # the API's own words stay


def test_errors_of_a_real_server_keep_the_request_that_failed(invoke: Invoke) -> None:
    """Outside the demo the URL says which server refused what: it stays."""
    with running_server(FakeUsageAPI()) as url:
        result = invoke(
            "costs", "--start", "2024-01-01", "--end", "2024-02-01", "--base-url", url,
            env={"OPENAI_ADMIN_KEY": DUMMY_KEY},
        )  # fmt: skip
    assert result.exit_code == 1
    assert url in _error_line(result)


# -- the current bucket in tables --------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [("costs",), ("usage", "completions")], ids=lambda words: " ".join(words)
)
def test_the_current_bucket_ends_now_in_a_table_like_a_partial_first_bucket_starts_mid_day(
    invoke: Invoke, command: tuple[str, ...]
) -> None:
    table = invoke(*command, "--demo", "--last", "2d").stdout.splitlines()
    rows = [line.split() for line in table if line[:4] == "2026"]
    assert rows[0][:3] == ["2026-11-23", "12:00", "2026-11-24"]  # the first, from the API
    assert rows[-1][:3] == ["2026-11-25", "2026-11-25", "12:00"]  # the last, to now
    assert not any("2026-11-26" in line for line in table)
    # Exports keep the API's bounds, whole day included.
    data = json.loads(invoke(*command, "--demo", "--last", "2d", "--format", "json").stdout)
    assert data[-1]["bucket_end"] == "2026-11-26T00:00:00Z"


def test_a_past_bucket_stays_whole_past_an_end_inside_it(invoke: Invoke) -> None:
    """The API counts the last bucket's whole day, even past an --end within it: a table
    shows the day it counted, not the part that was asked for."""
    args = ("--start", "2026-11-20", "--end", "2026-11-22T06:00")
    table = invoke("costs", "--demo", *args).stdout.splitlines()
    rows = [line.split() for line in table if line[:4] == "2026"]
    assert [row[0] for row in rows] == ["2026-11-20", "2026-11-21", "2026-11-22"]
    assert "start" not in table[1]  # every row one whole day: one "day" column


# -- --last ------------------------------------------------------------------------------------

_ALLOWED = (
    "use a span back from --end such as 30d, 12h or 2w: a whole number above 0, then a unit "
    "(s, m, h, d or w), reaching back no further than 1970-01-01"
)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("-5d", "-5d"),  # not a span's shape
        ("2026-11-01", "2026-11-01"),  # a date is not a span
        ("", "''"),
        ("0d", "0d"),  # zero
        ("5x", "5x"),  # unknown unit
        ("30000d", "30000d"),  # before 1970
        ("99999999999999999d", "99999999999999999d"),  # past any datetime
    ],
)
@pytest.mark.parametrize("command", [("costs",), ("report",), ("attribute",)], ids=" ".join)
def test_every_invalid_last_has_one_wording(
    invoke: Invoke, command: tuple[str, ...], value: str, shown: str
) -> None:
    result = invoke(*command, "--demo", "--last", value)
    assert result.exit_code == 2
    assert result.stdout == ""
    line = _error_line(result)
    assert line.startswith(f"{ERROR_PREFIX}invalid --last {shown}: {_ALLOWED} (see '")
    assert line.endswith(f" {' '.join(command)} --help')")
