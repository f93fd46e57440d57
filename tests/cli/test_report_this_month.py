"""``report``'s "This month" section: the billing month holding the report's end, first.

Its numbers are the library's, as the other commands show them: the scopes as ``budget``
(same month, same clock), last month's comparison as ``costs`` sums of those days, the
anomalies as ``find_anomalies`` over ``anomaly_scopes`` (what ``alert`` posts). A key that may
not read the spend limits still gets spend, forecast and last month, with one line saying so;
the technical notes sit at the end, below the numbers.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from openai_org_usage import Bucket, Paginator, UsageClient
from openai_org_usage.anomalies import find_anomalies
from openai_org_usage.budget import anomaly_scopes, budget_status
from openai_org_usage.cli._app import cli
from openai_org_usage.cli._report import fetch_report, report_jobs
from openai_org_usage.cli._report_build import build_report
from openai_org_usage.cli._report_tables import render_report
from openai_org_usage.cli._this_month import ANOMALY_DAYS, LAST_MONTH_LABEL, read_this_month
from openai_org_usage.fake import FakeUsageAPI
from openai_org_usage.timerange import TimeRange

Invoke = Callable[..., Result]  # the `invoke` fixture (conftest.py)
NOW = FakeUsageAPI(seed=0).now  # the demo's clock: 2026-11-25 12:00 UTC
TODAY = NOW.date()
FIELDS = ("spent", "limit", "forecast", "forecast_lower", "forecast_upper")


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return _json(CliRunner().invoke(cli, ["report", "--demo", "--format", "json"]))


@pytest.fixture(scope="module")
def month(report: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = report["this_month"]
    return data


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


# -- the same numbers as the library and the other commands ------------------------------------


def test_the_month_is_the_one_holding_the_reports_end(month: dict[str, Any]) -> None:
    assert month["month"] == "2026-11"
    assert month["start"] == "2026-11-01T00:00:00Z"
    assert month["as_of"] == "2026-11-25T12:00:00Z"
    assert (month["days_elapsed"], month["days_in_month"]) == (24, 30)
    assert month["limits"] == "set"


def test_the_scopes_are_budgets_numbers(invoke: Invoke, month: dict[str, Any]) -> None:
    budget = _json(invoke("budget", "--demo", "--format", "json"))
    assert budget["month"] == month["month"]
    assert budget["end"] == month["as_of"]
    ours, theirs = month["scopes"], budget["scopes"]
    assert [(s["scope_kind"], s["scope_id"]) for s in ours] == [
        (s["scope_kind"], s["scope_id"]) for s in theirs
    ]
    for mine, other in zip(ours, theirs, strict=True):
        for field in (*FIELDS, "percent_of_limit", "forecast_percent_of_limit"):
            exact = _decimal(mine[field])
            assert (None if exact is None else float(exact)) == other[field], field
            if exact is not None:
                assert isinstance(mine[field], str)  # exact decimal strings
        for field in ("currency", "limit_reached_on", "basis", "alerts_crossed"):
            assert mine[field] == other[field], field
    assert any(s["limit"] is not None for s in ours)


def _costs_sum(invoke: Invoke, start: date, end: date) -> Decimal:
    args = ["costs", "--demo", "--start", start.isoformat(), "--end", end.isoformat()]
    rows = _json(invoke(*args, "--group-by", "project_id", "--format", "json"))
    return sum(
        (Decimal(repr(r["amount_value"])) for r in rows if r["amount_value"] is not None),
        Decimal(0),
    )


def test_last_month_is_the_costs_of_the_same_days(invoke: Invoke, month: dict[str, Any]) -> None:
    (usd,) = month["last_month"]
    assert usd["currency"] == "usd"
    assert (usd["current_start"], usd["current_end"]) == ("2026-11-01", "2026-11-25")
    assert (usd["previous_start"], usd["previous_end"]) == ("2026-10-01", "2026-10-25")
    current = _costs_sum(invoke, date(2026, 11, 1), date(2026, 11, 25))
    previous = _costs_sum(invoke, date(2026, 10, 1), date(2026, 10, 25))
    assert Decimal(usd["current"]) == current
    assert Decimal(usd["previous"]) == previous
    assert Decimal(usd["change"]) == current - previous
    assert usd["change_ratio"] == pytest.approx(float((current - previous) / previous))
    # This month's complete days are what the organization's forecast counts as to date.
    fake = FakeUsageAPI(seed=0)
    with UsageClient("sk-admin-demo", transport=fake.transport()) as client:
        org = budget_status(client, now=NOW, keys=False).scopes[0]
    assert org.forecast.to_date == current


def test_the_anomalies_are_the_librarys(month: dict[str, Any]) -> None:
    fake = FakeUsageAPI(seed=0)
    with UsageClient("sk-admin-demo", transport=fake.transport()) as client:
        scopes = anomaly_scopes(client, now=NOW)
    start = TODAY - timedelta(days=ANOMALY_DAYS)
    found = find_anomalies(scopes, start=start, end=TODAY)
    assert found  # the demo has some: the test compares something
    assert (month["anomalies_start"], month["anomalies_end"]) == (str(start), str(TODAY))

    def key(a: Any) -> tuple[Any, ...]:
        return (a.day.isoformat(), a.scope_kind, a.scope_id, a.direction, str(a.jump))

    assert [
        (a["day"], a["scope_kind"], a["scope_id"], a["direction"], a["jump"])
        for a in month["anomalies"]
    ] == [key(a) for a in found]
    for mine, theirs in zip(month["anomalies"], found, strict=True):
        assert [(d["name"], Decimal(d["above_baseline"])) for d in mine["drivers"]] == [
            (d.name, d.above_baseline) for d in theirs.drivers
        ]
        assert sum(Decimal(d["above_baseline"]) for d in mine["drivers"]) == theirs.jump


def test_anomalies_and_scopes_are_named(report: dict[str, Any], month: dict[str, Any]) -> None:
    names = report["names"]
    for anomaly in month["anomalies"]:
        if anomaly["scope_kind"] in ("project", "api_key", "user"):
            assert names.get(anomaly["scope_id"]) == anomaly["scope_name"] != anomaly["scope_id"]
    for scope in month["scopes"]:
        if scope["scope_kind"] != "organization":
            assert names[scope["scope_id"]] == scope["scope_name"]


def test_existing_keys_keep_their_place(report: dict[str, Any]) -> None:
    keys = list(report)
    assert keys[:8] == [
        "start",
        "end",
        "tz",
        "bucket_width",
        "synthetic",
        "currency",
        "total_spend",
        "spend_by_project",
    ]
    assert keys.index("this_month") > keys.index("total_spend_by_currency")


# -- the terminal ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def text() -> str:
    result = CliRunner().invoke(cli, ["report", "--demo"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_section_comes_first_and_says_what_month_it_is(
    text: str, month: dict[str, Any]
) -> None:
    lines = text.splitlines()
    assert lines[0].startswith("This month: November 2026, to 2026-11-25 12:00 UTC")
    assert text.index("This month:") < text.index("Same days last month")
    assert text.index("Same days last month") < text.index("Anomalies, 2026-11-18 to 2026-11-24")
    assert text.index("Anomalies, ") < text.index("Usage report, ")
    assert "holding the report's end, whatever its --start and --end" in text
    # By name: the organization, each project with a limit, each key with its own.
    for scope in month["scopes"]:
        if scope["scope_kind"] == "organization" or scope["limit"] is not None:
            assert scope["scope_name"] in text


def test_notes_come_last(text: str, report: dict[str, Any]) -> None:
    notes = text.index("\nNotes\n")
    assert notes > text.index("Other endpoints")
    names_note = report["notes"][0]
    assert names_note.startswith("names: archived project")
    assert text.index(names_note) > notes
    assert text.count("names: archived project") == 1  # one line for the names


def test_the_month_does_not_follow_the_range(invoke: Invoke) -> None:
    data = _json(invoke("report", "--demo", "--last", "2d", "--format", "json"))
    month = data["this_month"]
    assert (month["month"], month["as_of"]) == ("2026-11", "2026-11-25T12:00:00Z")
    earlier = _json(
        invoke("report", "--demo", "--start", "2026-10-01", "--end", "2026-10-20", "--format",
               "json")
    )["this_month"]  # fmt: skip
    assert (earlier["month"], earlier["as_of"]) == ("2026-10", "2026-10-20T00:00:00Z")
    assert earlier["last_month"][0]["previous_start"] == "2026-09-01"


def test_with_ids_the_section_shows_ids(invoke: Invoke, month: dict[str, Any]) -> None:
    shown = invoke("report", "--demo", "--ids").stdout
    for scope in month["scopes"]:
        if scope["limit"] is not None and scope["scope_kind"] != "organization":
            assert scope["scope_id"] in shown
    assert "names: not looked up (--ids)" in shown


# -- what the month reads, and what it does not ask twice -------------------------------------


class _Spy:
    """A fetch function (as the report's) that records what it was asked for."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, Any]] = []

    def __call__(self, jobs: Sequence[tuple[str, Paginator[Any]]]) -> list[list[Bucket[Any]]]:
        self.asked += [(label, p.query) for label, p in jobs]
        return [list(p) for _, p in jobs]


def _month_with(start: datetime, end: datetime) -> tuple[_Spy, Any]:
    fake = FakeUsageAPI(seed=0)
    client = UsageClient("sk-admin-demo", transport=fake.transport())
    spy = _Spy()
    jobs = report_jobs(client, TimeRange(start, end), now=NOW)
    data = fetch_report(jobs, spy)
    return spy, data


def test_days_the_report_holds_whole_are_not_asked_again() -> None:
    spy, data = _month_with(datetime(2026, 10, 1, tzinfo=UTC), NOW)
    assert LAST_MONTH_LABEL not in [label for label, _ in spy.asked]
    assert data.this_month is not None
    assert data.this_month.comparisons[0].previous > 0


def test_only_the_missing_days_are_asked() -> None:
    spy, data = _month_with(datetime(2026, 10, 10, tzinfo=UTC), NOW)
    (query,) = [q for label, q in spy.asked if label == LAST_MONTH_LABEL]
    # October 1-9: the report's costs hold every later day whole.
    assert (query.start_time, query.end_time) == (
        int(datetime(2026, 10, 1, tzinfo=UTC).timestamp()),
        int(datetime(2026, 10, 10, tzinfo=UTC).timestamp()),
    )
    _, earlier = _month_with(datetime(2026, 9, 1, tzinfo=UTC), NOW)
    assert data.this_month is not None
    assert earlier.this_month is not None
    assert data.this_month.comparisons == earlier.this_month.comparisons


def test_read_this_month_alone_asks_for_what_it_needs() -> None:
    fake = FakeUsageAPI(seed=0)
    with UsageClient("sk-admin-demo", transport=fake.transport()) as client:
        month = read_this_month(client, NOW)
    assert month.status is not None
    assert month.comparisons[0].current == month.status.scopes[0].forecast.to_date


# -- limits the key may not read ---------------------------------------------------------------


class _Refusing(httpx.BaseTransport):
    """The fake, except that paths ``refuse`` picks answer ``status``."""

    def __init__(self, refuse: Callable[[str], bool], status: int = 403) -> None:
        self.inner = FakeUsageAPI(seed=0).transport()
        self.refuse = refuse
        self.status = status

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.refuse(request.url.path):
            body = {"error": {"message": "Forbidden.", "type": "invalid_request_error"}}
            return httpx.Response(self.status, json=body, request=request)
        return self.inner.handle_request(request)


def _governance(path: str) -> bool:
    return path.endswith(("/spend_limit", "/spend_alerts"))


def _report_text(transport: httpx.BaseTransport) -> tuple[str, dict[str, Any]]:
    start = NOW - timedelta(days=7)
    with UsageClient("sk-admin-demo", transport=transport) as client:
        time_range = TimeRange(start, NOW)
        data = fetch_report(report_jobs(client, time_range, now=NOW), lambda jobs: [
            list(p) for _, p in jobs
        ])  # fmt: skip
    report = build_report(data, time_range, demo=False)
    out = io.StringIO()
    render_report("table", out, report)
    return out.getvalue(), report.to_dict()


@pytest.mark.parametrize(
    ("refuse", "state", "line"),
    [
        (_governance, "partial", "Some spend limits could not be read with this key (HTTP 403)"),
        (
            lambda path: _governance(path) or path.endswith("/api_keys"),
            "unreadable",
            "Spend limits could not be read with this key (HTTP 403): spend and forecast only.",
        ),
    ],
    ids=["limits", "limits-and-keys"],
)
def test_refused_limits_are_one_line_and_the_rest_is_still_shown(
    refuse: Callable[[str], bool], state: str, line: str
) -> None:
    text, data = _report_text(_Refusing(refuse))
    month = data["this_month"]
    assert month["limits"] == state
    assert line in text
    org = month["scopes"][0]
    assert org["scope_kind"] == "organization"
    assert org["limit"] is None
    assert Decimal(org["spent"]) > 0
    assert Decimal(org["forecast_upper"]) >= Decimal(org["forecast"]) > Decimal(org["spent"])
    assert Decimal(month["last_month"][0]["previous"]) > 0
    assert "Same days last month" in text
    # The details are notes, at the end.
    assert any("HTTP 403" in note for note in month["notes"])
    assert text.index("not readable with this key (HTTP 403)") > text.index("\nNotes\n")


def test_no_limits_set_is_one_line() -> None:
    text, data = _report_text(
        _Refusing(lambda p: _governance(p) or p.endswith("/api_keys"), status=404)
    )
    assert data["this_month"]["limits"] == "none"
    assert "No spend limit is set: spend and forecast only." in text
    assert data["this_month"]["notes"] == []
