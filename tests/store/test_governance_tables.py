"""The governance tables of a sync: spend limits, spend alerts and rate limits (a snapshot per
run), the audit log (incremental, each event once), forecasts and anomalies (opt-in).

Rows are compared with what the library's own reads return (``OBJECTS``/``LISTS`` records,
``budget_status``, ``find_anomalies``), on a DuckDB file and a real PostgreSQL server (the
others: a Delta smoke test). The fake's clock is fixed at 2026-11-25T12:00Z; its audit log
lies within the 30 days before it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from _store_targets import Target, make_target, normalized

from openai_org_usage import OBJECTS, InternalServerError, UsageClient
from openai_org_usage.anomalies import find_anomalies
from openai_org_usage.budget import anomaly_scopes, budget_status
from openai_org_usage.fake import DEFAULT_NOW, FakeUsageAPI
from openai_org_usage.store import ANOMALY_DAYS, GOVERNANCE_TABLES, OBSERVED_AT, sync

NOW = DEFAULT_NOW  # 2026-11-25T12:00Z
ORG = "org-test"
SINCE = datetime(2026, 10, 20, tzinfo=UTC)  # before the fake's audit log begins
SNAPSHOTS = ("spend_limits", "spend_alerts", "rate_limits")
AUDIT = "/v1/organization/audit_logs"
POSTGRES_NAME_LIMIT = 63  # longer names are shortened by dlt on PostgreSQL


def fake(**options: Any) -> FakeUsageAPI:
    return FakeUsageAPI(refused_groupings={}, **options)


def client_for(transport: httpx.BaseTransport) -> UsageClient:
    return UsageClient("sk-admin-test", transport=transport, max_retries=0)


def run(target: Target, transport: httpx.BaseTransport, **options: Any) -> Any:
    args: dict[str, Any] = {
        "org_id": ORG,
        "operations": ["costs"],
        "directory": False,
        "governance": True,
        "now": NOW,
        **options,
    }
    with client_for(transport) as client:
        return sync(client, **target.sync_args(), **args)


@pytest.fixture(params=("duckdb", "postgres"))
def sql_target(request: pytest.FixtureRequest, tmp_path: Path) -> Target:
    """A fresh DuckDB file or PostgreSQL database."""
    return make_target(request.param, tmp_path, request)


@pytest.fixture
def duckdb_target(request: pytest.FixtureRequest, tmp_path: Path) -> Target:
    return make_target("duckdb", tmp_path, request)


def column(name: str) -> str:
    """A record key as a table's column (``api_key.created_id`` -> ``api_key_created_id``)."""
    return re.sub(r"[^0-9A-Za-z_]", "_", name)


def instant(value: Any, name: str) -> Any:
    """A record's integer ``*_at`` as the table stores it (a timestamp)."""
    if name.endswith("_at") and isinstance(value, int):
        return datetime.fromtimestamp(value, UTC)
    return value


# -- what the library reads -------------------------------------------------------------------


def expected_snapshots(api: FakeUsageAPI) -> dict[str, list[dict[str, Any]]]:
    """Each snapshot table's rows (without org_id and observed_at), from the library's reads."""
    client = client_for(api.transport())
    org = {"scope_kind": "organization", "scope_id": "organization"}
    limits = [org | OBJECTS["spend_limit"].record(client.spend_limit())]
    alerts = [org | r for r in client.spend_alerts().records()]
    rates: list[dict[str, Any]] = []
    for project in client.projects().records():
        pid = project["id"]
        scope = {"scope_kind": "project", "scope_id": pid}
        limits.append(
            scope | OBJECTS["project_spend_limit"].record(client.project_spend_limit(pid))
        )
        alerts += [scope | r for r in client.project_spend_alerts(pid).records()]
        rates += [scope | r for r in client.project_rate_limits(pid).records()]
        for key in client.project_api_keys(pid).records():
            if key["spend_limit_threshold_amount"] is not None:
                own = {k[12:]: v for k, v in key.items() if k.startswith("spend_limit_")}
                limits.append(
                    {"scope_kind": "api_key", "scope_id": key["id"], "project_id": pid} | own
                )
    return {"spend_limits": limits, "spend_alerts": alerts, "rate_limits": rates}


def expected_audit(api: FakeUsageAPI, since: datetime) -> list[dict[str, Any]]:
    client = client_for(api.transport())
    listed = client.audit_logs(effective_at={"gte": int(since.timestamp())}).records()
    return [{column(k): instant(v, k) for k, v in record.items()} for record in listed]


def stored(target: Target, table: str, names: list[str]) -> list[tuple[Any, ...]]:
    found = target.query(f"SELECT {', '.join(names)} FROM {table}")
    return sorted((normalized(row) for row in found), key=repr)


def as_rows(records: list[dict[str, Any]], names: list[str]) -> list[tuple[Any, ...]]:
    return sorted((tuple(r.get(n) for n in names) for r in records), key=repr)


def names_of(records: list[dict[str, Any]], target: Target) -> list[str]:
    names = list(dict.fromkeys(k for r in records for k in r))
    if target.kind == "postgres":
        names = [n for n in names if len(n) <= POSTGRES_NAME_LIMIT]
    return names


# -- the tables ---------------------------------------------------------------------------------


def test_tables_hold_the_librarys_records_with_org_id_and_observed_at(sql_target: Target) -> None:
    api = fake()
    report = run(sql_target, api.transport(), since=SINCE)
    assert report.ok
    assert report.governance_notes == {}
    assert report.total_rows > 0  # costs loaded as before

    for table, records in expected_snapshots(api).items():
        assert records, table
        names = names_of(records, sql_target)
        assert stored(sql_target, table, names) == as_rows(records, names), table
        assert report.governance[(ORG, table)] == len(records)
        found = sql_target.query(f"SELECT DISTINCT org_id, {OBSERVED_AT} FROM {table}")
        assert [normalized(row) for row in found] == [(ORG, NOW)], table
    limits = {r[0] for r in sql_target.query("SELECT scope_kind FROM spend_limits")}
    assert limits == {"organization", "project", "api_key"}

    events = expected_audit(api, SINCE)
    assert len(events) >= 5
    names = names_of(events, sql_target)
    assert stored(sql_target, "audit_logs", names) == as_rows(events, names)
    assert sql_target.query("SELECT DISTINCT org_id FROM audit_logs") == [(ORG,)]
    assert report.governance[(ORG, "audit_logs")] == len(events)
    # Forecasts and anomalies are opt-in.
    assert set(GOVERNANCE_TABLES) - {t for _, t in report.governance} == {
        "forecasts",
        "anomalies",
    }


def test_a_run_at_a_new_instant_adds_a_snapshot_and_no_audit_event_twice(
    duckdb_target: Target,
) -> None:
    first = run(duckdb_target, fake().transport(), since=SINCE)
    counts = {t: first.governance[(ORG, t)] for t in (*SNAPSHOTS, "audit_logs")}

    # The same instant again (the demo's fixed clock, or a load replayed): written once.
    again = run(duckdb_target, fake().transport())
    assert again.governance[(ORG, "audit_logs")] == 0  # nothing after the checkpoint
    for table in SNAPSHOTS:
        assert duckdb_target.query(f"SELECT count(*) FROM {table}") == [(counts[table],)]

    # A day later: a second snapshot beside the first; the audit log's events, which the
    # fake places relative to its clock, are merged by ID, never doubled.
    later = NOW + timedelta(days=1)
    run(duckdb_target, fake(now=later).transport(), now=later)
    for table in SNAPSHOTS:
        by_instant = duckdb_target.query(
            f"SELECT {OBSERVED_AT}, count(*) FROM {table} GROUP BY 1 ORDER BY 1"
        )
        assert [(t.astimezone(UTC), n) for t, n in by_instant] == [
            (NOW, counts[table]),
            (later, counts[table]),
        ], table
    ((rows, ids),) = duckdb_target.query("SELECT count(*), count(DISTINCT id) FROM audit_logs")
    assert rows == ids == counts["audit_logs"]


class AuditCutoff(httpx.BaseTransport):
    """The fake, with its audit log ending at ``cutoff`` (None: whole); records the audit
    log requests."""

    def __init__(self, api: FakeUsageAPI) -> None:
        self.inner = api.transport()
        self.cutoff: int | None = None
        self.audit: list[httpx.URL] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == AUDIT:
            self.audit.append(request.url)
            if self.cutoff is not None:
                url = request.url.copy_add_param("effective_at[lte]", str(self.cutoff))
                request = httpx.Request(request.method, url, headers=request.headers)
        return self.inner.handle_request(request)


def test_the_audit_log_resumes_from_its_checkpoint(duckdb_target: Target) -> None:
    api = fake()
    events = expected_audit(api, SINCE)
    times = sorted({int(e["effective_at"].timestamp()) for e in events})
    front = AuditCutoff(api)
    front.cutoff = times[len(times) // 2]
    first = run(duckdb_target, front, since=SINCE)
    assert front.audit[0].params["effective_at[gte]"] == str(int(SINCE.timestamp()))
    older = [e for e in events if e["effective_at"].timestamp() <= front.cutoff]
    assert 0 < first.governance[(ORG, "audit_logs")] == len(older) < len(events)

    front.cutoff, front.audit = None, []
    second = run(duckdb_target, front)
    # From the newest event stored, not from since again; only the rest is new.
    assert [u.params["effective_at[gte]"] for u in front.audit] == [str(times[len(times) // 2])]
    assert second.governance[(ORG, "audit_logs")] == len(events) - len(older)
    assert stored(duckdb_target, "audit_logs", ["id"]) == sorted((e["id"],) for e in events)

    third = run(duckdb_target, front)
    assert third.governance[(ORG, "audit_logs")] == 0
    assert duckdb_target.query("SELECT count(*) FROM audit_logs") == [(len(events),)]


GOVERNANCE_PATHS = re.compile(r"/(spend_limit|spend_alerts|rate_limits|audit_logs)$")


def refusing(api: FakeUsageAPI, status: int = 403) -> httpx.MockTransport:
    inner = api.transport()

    def handle(request: httpx.Request) -> httpx.Response:
        if GOVERNANCE_PATHS.search(request.url.path):
            body = {"error": {"message": "Insufficient permissions", "type": "server_error"}}
            return httpx.Response(status, json=body, request=request)
        return inner.handle_request(request)

    return httpx.MockTransport(handle)


def test_refused_governance_reads_are_notes_and_the_rest_loads(sql_target: Target) -> None:
    api = fake()
    report = run(sql_target, refusing(api), since=SINCE, directory=True)
    assert report.ok
    assert report.total_rows > 0
    assert report.directory[(ORG, "projects")] > 0
    notes = report.governance_notes[ORG]
    assert all("HTTP 403" in note for note in notes)
    for what in ("spend limit", "spend alerts", "rate limits", "audit log"):
        assert any(what in note for note in notes), what
    # The keys' own limits come with the key list, which the key may read.
    assert {r[0] for r in sql_target.query("SELECT scope_kind FROM spend_limits")} == {"api_key"}
    assert report.governance[(ORG, "spend_alerts")] == 0
    assert (ORG, "audit_logs") not in report.governance  # refused whole: not read


def test_another_error_on_a_governance_read_fails_after_the_usage_is_loaded(
    duckdb_target: Target,
) -> None:
    with pytest.raises(InternalServerError):
        run(duckdb_target, refusing(fake(), 500), since="2026-11-20")
    assert duckdb_target.query("SELECT count(*) > 0 FROM costs") == [(True,)]


# -- forecasts and anomalies --------------------------------------------------------------------


def exact(value: Any) -> Any:
    return value.quantize(Decimal("1e-9")) if isinstance(value, Decimal) else value


def test_forecasts_and_anomalies_equal_the_librarys(sql_target: Target) -> None:
    api = fake()
    options = {"governance": False, "forecasts": True, "anomalies": True, "since": "2026-11-20"}
    report = run(sql_target, api.transport(), **options)
    assert report.ok
    client = client_for(api.transport())

    status = budget_status(client, now=NOW)
    names = ["scope_kind", "scope_id", "currency", "spent", "limit", "forecast", "alerts_crossed"]
    quoted = [f'"{n}"' for n in names]
    expected = as_rows([{k: exact(v) for k, v in r.items()} for r in status.to_records()], names)
    assert stored(sql_target, "forecasts", quoted) == expected
    days = sql_target.query("SELECT DISTINCT month, limit_reached_on FROM forecasts")
    assert {m for m, _ in days} == {status.month}
    ((alerts,),) = sql_target.query(
        "SELECT alerts FROM forecasts WHERE scope_kind = 'organization'"
    )
    assert [a["id"] for a in json.loads(alerts)] == [a.id for a in status.scopes[0].alerts]

    today = NOW.date()
    found = find_anomalies(
        anomaly_scopes(client, now=NOW), start=today - timedelta(days=ANOMALY_DAYS), end=today
    )
    assert found
    rows = stored(sql_target, "anomalies", ["day", "scope_kind", "scope_id", "jump", "drivers"])
    assert [(d, k, i, j) for d, k, i, j, _ in rows] == sorted(
        ((a.day, a.scope_kind, a.scope_id, exact(a.jump)) for a in found), key=repr
    )
    by_key = {(a.day, a.scope_kind, a.scope_id): a for a in found}
    for day, kind, scope, _, drivers in rows:
        parsed = json.loads(drivers)
        assert [d["name"] for d in parsed] == [d.name for d in by_key[day, kind, scope].drivers]
        assert sum(Decimal(d["above_baseline"]) for d in parsed) == by_key[day, kind, scope].jump

    # A second run over the same days replaces its verdicts and its forecast snapshot.
    run(sql_target, api.transport(), **options)
    assert sql_target.query("SELECT count(*) FROM anomalies") == [(len(found),)]
    assert sql_target.query("SELECT count(*) FROM forecasts") == [(len(status.scopes),)]


# -- a lake -------------------------------------------------------------------------------------


def delta_ids(target: Target, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    arrow = target.delta_table(table).select(columns)
    return zip(*(c.to_pylist() for c in arrow.columns), strict=True)


def test_delta_tables_upsert_snapshots_and_events(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    target = make_target("delta", tmp_path, request)
    first = run(target, fake().transport(), since=SINCE)
    run(target, fake().transport())
    for table in SNAPSHOTS:
        assert len(list(delta_ids(target, table, ["scope_id"]))) == first.governance[(ORG, table)]
    ids = [i for (i,) in delta_ids(target, "audit_logs", ["id"])]
    assert len(ids) == len(set(ids)) == first.governance[(ORG, "audit_logs")]
