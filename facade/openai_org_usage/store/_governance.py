"""The governance tables: what each organization allows and what changed, beside what it spent.

Snapshots, one set per run, each row with ``org_id`` and ``observed_at`` (the run's ``now``):

- ``spend_limits``: the organization's spend limit (``scope_kind`` and ``scope_id``
  ``"organization"``, as :func:`~openai_org_usage.budget.budget_status` names it), each active
  project's (``"project"``, its ID) and each project API key's own limit (``"api_key"``, the
  key's ID, ``project_id`` its project; keys without one have no row). Columns: those of
  ``OBJECTS["spend_limit"]`` and ``OBJECTS["project_spend_limit"]`` records, and a key's
  ``spend_limit_*`` columns of ``LISTS["project_api_keys"]`` without the prefix. Amounts in
  cents, as the API gives them.
- ``spend_alerts``: the organization's and each active project's alerts (the records of
  ``LISTS["spend_alerts"]`` and ``LISTS["project_spend_alerts"]``).
- ``rate_limits``: each active project's rate limit per model (``LISTS["project_rate_limits"]``).

They are merged on ``(org_id, observed_at)``, as a usage table is on its bucket: each run adds
its own snapshot, so a table is the history of the settings (``max(observed_at)`` per
organization is the current one), and a snapshot is written once however often its load is
replayed (a run killed after loading) or its instant repeated (the demo's clock is fixed). A
row's identity: ``(org_id, observed_at, scope_kind, scope_id)``, and ``id`` for alerts and
rate limits.

``audit_logs``: the audit log's events (``LISTS["audit_logs"]`` records), merged on
``(org_id, id)``, read incrementally: the first run from ``since`` (default: 30 days before
today; never more than the API's year), later runs from the checkpoint of the last
(:class:`~openai_org_usage.AuditLogCheckpoint`: the newest ``effective_at`` read and the
events read at that second), kept per organization in the resource's dlt state and committed
with the rows. An earlier ``since`` than the first run's reads back to it (a backfill; events
already stored are replaced, never doubled).

Opt-in, since they read up to a year of costs and the attribution:

- ``forecasts``: :func:`~openai_org_usage.budget.budget_status` at the run's ``now``, one row
  per scope and currency (its ``to_record`` fields, ``alerts`` as JSON text, and ``month``),
  merged on ``(org_id, observed_at)`` like the snapshots.
- ``anomalies``: the anomalies of the :data:`ANOMALY_DAYS` complete UTC days before ``now``
  per scope kind (projects, keys, users, models; what the ``alert`` command reads), merged
  on ``(org_id, day, scope_kind, scope_id, currency)``: a later run's verdict on a day
  replaces an earlier one's. ``drivers`` is JSON text (a list of ``Driver`` fields).

In JSON text (``alerts``, ``drivers``) money is an exact decimal string (``"-14.99"``), as the
MCP tools give it.

Column names are the records' keys, with every character other than a letter, digit or ``_``
turned into ``_`` (``api_key.created_id`` is ``api_key_created_id``); an integer ``*_at``
column (Unix seconds) is stored as a timestamp, like the directory's. So a field added to the
fragment reaches its table with no edit here. Money of forecasts and anomalies is decimal
(38, 9).

A read the key may not make (HTTP 403) is a note (``Tally.governance_notes``), not a failure,
and the other tables load; an object that is not there (404: a project without a limit) is no
row. Any other error fails the organization, as a usage operation's would.
"""

from __future__ import annotations

import dataclasses
import json
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

import attrs

from openai_org_usage import (
    LISTS,
    OBJECTS,
    APIStatusError,
    AuditLogCheckpoint,
    UsageClient,
)
from openai_org_usage.anomalies import Anomaly, find_anomalies
from openai_org_usage.budget import ORGANIZATION, RECORD_FIELDS, anomaly_scopes, budget_status

from ._delta import DELTA
from ._fetch import DEFAULT_SINCE_DAYS, LOOKBACK_DAYS, floor_day
from ._orgs import OrgClient
from ._requires import require_dlt
from ._schema import ORG_ID

if TYPE_CHECKING:
    import pyarrow as pa

    from ._run import SourcePlan, Tally

__all__ = [
    "ANOMALY_DAYS",
    "AUDIT_TABLE",
    "GOVERNANCE_TABLES",
    "OBSERVED_AT",
    "governance_resources",
]

OBSERVED_AT = "observed_at"
"""The column of a snapshot's instant: the run's ``now``."""
ANOMALY_DAYS: Final = 7
"""Complete days whose anomalies each run stores (the ``alert`` command's window)."""
AUDIT_TABLE = "audit_logs"

_T = TypeVar("_T")
_Kind = Literal["string", "integer", "number", "boolean", "timestamp", "date", "decimal", "json"]
_DECIMAL = (38, 9)  # dlt's default decimal: exact to a billionth of the currency's unit
_QUANTUM = Decimal(1).scaleb(-_DECIMAL[1])
_NOT_NAME = re.compile(r"[^0-9A-Za-z_]")
_KEY_LIMIT = "spend_limit_"  # a project API key's own limit, in its record
_ITEM_KINDS: Mapping[str, _Kind] = {k: k for k in ("string", "integer", "number", "boolean")}


@attrs.frozen
class _Column:
    """One column: its name in the table, its key in the rows handed in, its kind."""

    name: str
    source: str
    kind: _Kind


def _own(name: str, kind: _Kind) -> _Column:
    return _Column(name, name, kind)


def _from_item(source: str, kind: str, strip: str = "") -> _Column:
    """A column of an operation table's record (``ItemColumn`` name and kind)."""
    key = source[len(strip) :]
    name = _NOT_NAME.sub("_", key)
    if kind == "integer" and name.endswith("_at"):
        return _Column(name, key, "timestamp")
    return _Column(name, key, _ITEM_KINDS.get(kind, "json"))


def _item_columns(columns: Iterable[Any], strip: str = "") -> list[_Column]:
    return [_from_item(c.name, c.kind, strip) for c in columns if c.name.startswith(strip)]


@attrs.frozen
class _Table:
    """One table: its columns, a row's identity, and what a load replaces.

    ``merge_key``: a snapshot table's ``(org_id, observed_at)`` (a load replaces every row of
    the snapshots it carries); None: rows are merged by ``key`` alone.
    """

    name: str
    columns: tuple[_Column, ...]
    key: tuple[str, ...]
    merge_key: tuple[str, ...] | None = None

    def __attrs_post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ImportError(f"{self.name}: columns collide: {names}")

    def arrow_schema(self) -> pa.Schema:
        import pyarrow as pa

        types: Mapping[str, Any] = {
            "string": pa.string(),
            "json": pa.string(),
            "integer": pa.int64(),
            "number": pa.float64(),
            "boolean": pa.bool_(),
            "timestamp": pa.timestamp("us", tz="UTC"),
            "date": pa.date32(),
            "decimal": pa.decimal128(*_DECIMAL),
        }
        return pa.schema(
            [pa.field(c.name, types[c.kind], nullable=c.name not in self.key) for c in self.columns]
        )

    def arrow(self, rows: Sequence[Mapping[str, Any]]) -> pa.Table:
        """``rows`` (by each column's ``source``) as an Arrow table of this table's schema."""
        import pyarrow as pa

        schema = self.arrow_schema()
        arrays = [
            pa.array([_value(c.kind, row.get(c.source)) for row in rows], field.type)
            for c, field in zip(self.columns, schema, strict=True)
        ]
        return pa.Table.from_arrays(arrays, schema=schema)

    def hints(self, write_disposition: str, delta: bool) -> dict[str, Any]:
        """dlt's resource hints: merged (by ``merge_key`` or ``key``), upserted by ``key`` in
        Delta tables, or appended to plain files."""
        columns: dict[str, Any] = {name: {"nullable": False} for name in self.key}
        if delta:
            return {
                "table_format": DELTA,
                "write_disposition": {"disposition": "merge", "strategy": "upsert"},
                "primary_key": self.key,
                "columns": columns,
            }
        if write_disposition != "merge":
            return {"write_disposition": write_disposition, "columns": columns}
        hints: dict[str, Any] = {
            "write_disposition": "merge",
            "primary_key": self.key,
            "columns": columns,
        }
        if self.merge_key is not None:
            hints["merge_key"] = self.merge_key
        return hints


def _value(kind: _Kind, value: Any) -> Any:
    if value is None:
        return None
    if kind == "timestamp" and isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    if kind == "decimal":
        return Decimal(value).quantize(_QUANTUM)
    if kind == "json":
        return json.dumps(value, default=_json_default, separators=(",", ":"))
    return value


def _json_default(value: object) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")  # exact, as the MCP tools give money: a float would round
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def _union(*groups: Iterable[_Column]) -> tuple[_Column, ...]:
    """Every column of ``groups`` once, by name, in the order first seen."""
    seen: dict[str, _Column] = {}
    for group in groups:
        for column in group:
            seen.setdefault(column.name, column)
    return tuple(seen.values())


_LEAD = (_own(ORG_ID, "string"), _own(OBSERVED_AT, "timestamp"))
_SCOPE = (_own("scope_kind", "string"), _own("scope_id", "string"))
_SNAPSHOT_KEY = (ORG_ID, OBSERVED_AT, "scope_kind", "scope_id")

SPEND_LIMITS = _Table(
    "spend_limits",
    (
        *_LEAD,
        *_SCOPE,
        _own("project_id", "string"),
        *_union(
            _item_columns(OBJECTS["spend_limit"].columns),
            _item_columns(OBJECTS["project_spend_limit"].columns),
            _item_columns(LISTS["project_api_keys"].columns, _KEY_LIMIT),
        ),
    ),
    _SNAPSHOT_KEY,
    (ORG_ID, OBSERVED_AT),
)
SPEND_ALERTS = _Table(
    "spend_alerts",
    (
        *_LEAD,
        *_SCOPE,
        *_union(
            _item_columns(LISTS["spend_alerts"].columns),
            _item_columns(LISTS["project_spend_alerts"].columns),
        ),
    ),
    (*_SNAPSHOT_KEY, "id"),
    (ORG_ID, OBSERVED_AT),
)
RATE_LIMITS = _Table(
    "rate_limits",
    (*_LEAD, *_SCOPE, *_item_columns(LISTS["project_rate_limits"].columns)),
    (*_SNAPSHOT_KEY, "id"),
    (ORG_ID, OBSERVED_AT),
)
AUDIT_LOGS = _Table(
    AUDIT_TABLE,
    (_own(ORG_ID, "string"), *_item_columns(LISTS["audit_logs"].columns)),
    (ORG_ID, "id"),
)

# budget's record fields by kind; a field it adds is stored as JSON text until named here.
_FORECAST_KINDS: Mapping[str, _Kind] = {
    **dict.fromkeys(
        (
            "spent",
            "limit",
            "percent_of_limit",
            "forecast",
            "forecast_lower",
            "forecast_upper",
            "forecast_percent_of_limit",
        ),
        "decimal",
    ),
    "forecast_coverage": "number",
    "limit_reached_on": "date",
    "alerts_crossed": "integer",
    "alerts": "json",
    **dict.fromkeys(
        (
            "scope_kind",
            "scope_id",
            "scope_name",
            "project_id",
            "project_name",
            "basis",
            "currency",
            "limit_enforcement",
            "forecast_interval_basis",
        ),
        "string",
    ),
}
FORECASTS = _Table(
    "forecasts",
    (
        *_LEAD,
        _own("month", "date"),
        *(_own(name, _FORECAST_KINDS.get(name, "json")) for name in RECORD_FIELDS),
    ),
    (ORG_ID, OBSERVED_AT, "scope_kind", "scope_id", "currency"),
    (ORG_ID, OBSERVED_AT),
)


def _anomaly_kind(hint: Any) -> _Kind:
    if hint is str or typing.get_origin(hint) is Literal:
        return "string"
    kinds: Mapping[Any, _Kind] = {
        date: "date",
        Decimal: "decimal",
        float: "number",
        int: "integer",
        bool: "boolean",
    }
    return kinds.get(hint, "json")


ANOMALIES = _Table(
    "anomalies",
    (
        *_LEAD,
        *(
            _own(name, _anomaly_kind(hint))
            for name, hint in typing.get_type_hints(Anomaly).items()
            if name in {f.name for f in dataclasses.fields(Anomaly)}
        ),
    ),
    (ORG_ID, "day", "scope_kind", "scope_id", "currency"),
)

GOVERNANCE_TABLES: Mapping[str, tuple[str, ...]] = {
    t.name: t.key
    for t in (SPEND_LIMITS, SPEND_ALERTS, RATE_LIMITS, AUDIT_LOGS, FORECASTS, ANOMALIES)
}
"""Each governance table by name, with a row's identity (module docstring)."""


def governance_resources(
    orgs: Sequence[OrgClient],
    plan: SourcePlan,
    tally: Tally,
    write_disposition: str,
    delta: bool,
) -> list[Any]:
    """The dlt resources of the governance tables ``plan`` asks for (``governance``:
    limits, alerts, rate limits, the audit log; ``forecasts``; ``anomalies``)."""
    dlt = require_dlt()
    read: dict[str, _Snapshot] = {}  # one read per organization, for the three snapshots
    jobs: list[tuple[_Table, Iterator[pa.Table]]] = []
    if plan.governance:
        for table in (SPEND_LIMITS, SPEND_ALERTS, RATE_LIMITS):
            jobs.append((table, _snapshot_rows(table, orgs, plan, tally, read)))
        jobs.append((AUDIT_LOGS, _audit_rows(orgs, plan, tally)))
    if plan.forecasts:
        jobs.append((FORECASTS, _per_org(FORECASTS, orgs, plan, tally, _forecasts)))
    if plan.anomalies:
        jobs.append((ANOMALIES, _per_org(ANOMALIES, orgs, plan, tally, _anomalies)))
    return [
        dlt.resource(items, name=table.name, **table.hints(write_disposition, delta))
        for table, items in jobs
    ]


# -- reading ----------------------------------------------------------------------------------


def _note(tally: Tally, org: str, notes: Iterable[str]) -> None:
    found = list(notes)
    if found:
        with tally.lock:
            tally.governance_notes.setdefault(org, []).extend(found)


def _refusal(what: str) -> str:
    return f"{what}: not readable with this key (HTTP 403)"


@attrs.define
class _Reads:
    """Reads where a refusal (403) is counted, not raised, and a missing object (404) is
    nothing."""

    refused: dict[str, int] = attrs.field(factory=dict)
    tried: dict[str, int] = attrs.field(factory=dict)

    def get(self, what: str, read: Callable[[], _T]) -> _T | None:
        self.tried[what] = self.tried.get(what, 0) + 1
        try:
            return read()
        except APIStatusError as exc:
            if exc.status_code == 404:
                return None
            if exc.status_code != 403:
                raise
            self.refused[what] = self.refused.get(what, 0) + 1
            return None

    def notes(self) -> list[str]:
        out = []
        for what, count in self.refused.items():
            tried = self.tried[what]
            out.append(_refusal(what if tried == 1 else f"{what} ({count} of {tried} projects)"))
        return out


@attrs.frozen
class _Snapshot:
    rows: Mapping[str, list[dict[str, Any]]]
    notes: list[str]


def _read_snapshot(client: UsageClient) -> _Snapshot:
    """The organization's limits, alerts and rate limits now (records by table name)."""
    reads = _Reads()
    limits: list[dict[str, Any]] = []
    alerts: list[dict[str, Any]] = []
    rates: list[dict[str, Any]] = []
    org_scope = {"scope_kind": "organization", "scope_id": ORGANIZATION}
    limit = reads.get(
        "the organization's spend limit",
        lambda: OBJECTS["spend_limit"].record(client.spend_limit()),
    )
    if limit is not None:
        limits.append(org_scope | limit)
    for record in (
        reads.get("the organization's spend alerts", lambda: list(client.spend_alerts().records()))
        or []
    ):
        alerts.append(org_scope | record)
    projects = reads.get(
        "the project list", lambda: [r["id"] for r in client.projects().records() if r.get("id")]
    )
    for pid in projects or []:
        scope = {"scope_kind": "project", "scope_id": pid}
        limit = reads.get(
            "project spend limits",
            lambda: OBJECTS["project_spend_limit"].record(client.project_spend_limit(pid)),  # noqa: B023
        )
        if limit is not None:
            limits.append(scope | limit)
        for name, into, read in (
            ("project spend alerts", alerts, client.project_spend_alerts),
            ("project rate limits", rates, client.project_rate_limits),
        ):
            for record in reads.get(name, lambda: list(read(pid).records())) or []:  # noqa: B023
                into.append(scope | record)
        keys = reads.get(
            "project API keys",
            lambda: list(client.project_api_keys(pid).records()),  # noqa: B023
        )
        for key in keys or []:
            if key.get(f"{_KEY_LIMIT}threshold_amount") is None or not key.get("id"):
                continue
            own = {k[len(_KEY_LIMIT) :]: v for k, v in key.items() if k.startswith(_KEY_LIMIT)}
            limits.append({"scope_kind": "api_key", "scope_id": key["id"], "project_id": pid} | own)
    rows = {SPEND_LIMITS.name: limits, SPEND_ALERTS.name: alerts, RATE_LIMITS.name: rates}
    return _Snapshot(rows, reads.notes())


def _active(orgs: Sequence[OrgClient], tally: Tally) -> Iterator[tuple[OrgClient, UsageClient]]:
    for org in orgs:
        if org.client is not None and org.name not in tally.failed:
            yield org, org.client


def _stamped(rows: Iterable[Mapping[str, Any]], org_id: str, now: datetime) -> list[dict[str, Any]]:
    return [{**row, ORG_ID: org_id, OBSERVED_AT: now} for row in rows]


def _snapshot_rows(
    table: _Table,
    orgs: Sequence[OrgClient],
    plan: SourcePlan,
    tally: Tally,
    read: dict[str, _Snapshot],
) -> Iterator[pa.Table]:
    for org, client in _active(orgs, tally):
        found = read.get(org.name)
        if found is None:
            try:
                found = read[org.name] = _read_snapshot(client)
            except Exception as exc:
                tally.fail(org.name, table.name, exc)
                continue
            _note(tally, org.name, found.notes)
        rows = _stamped(found.rows[table.name], org.org_id, plan.now)
        tally.directory[(org.name, table.name)] = len(rows)
        if rows:
            yield table.arrow(rows)


def _audit_rows(orgs: Sequence[OrgClient], plan: SourcePlan, tally: Tally) -> Iterator[pa.Table]:
    """Each organization's audit log events since its checkpoint; the next checkpoint is kept
    in the resource's state, which dlt commits with the rows."""
    dlt = require_dlt()
    state: dict[str, Any] = dlt.current.resource_state(AUDIT_TABLE).setdefault("orgs", {})
    record = LISTS["audit_logs"].record
    for org, client in _active(orgs, tally):
        start, synced_from = _audit_start(state.get(org.org_id), plan.since, plan.now)
        try:
            batch = client.audit_logs_since(start)
        except APIStatusError as exc:
            if exc.status_code not in (403, 404):
                tally.fail(org.name, AUDIT_TABLE, exc)
                continue
            if exc.status_code == 403:
                _note(tally, org.name, [_refusal("the audit log")])
            continue
        except Exception as exc:
            tally.fail(org.name, AUDIT_TABLE, exc)
            continue
        rows = [{**record(event), ORG_ID: org.org_id} for event in batch.events]
        tally.directory[(org.name, AUDIT_TABLE)] = len(rows)
        if rows:
            yield AUDIT_LOGS.arrow(rows)
        state[org.org_id] = {
            "synced_from": synced_from,
            "effective_at": batch.checkpoint.effective_at,
            "ids": list(batch.checkpoint.ids),
        }


def _audit_start(
    stored: Any, since: datetime | None, now: datetime
) -> tuple[AuditLogCheckpoint, int]:
    """Where an organization's audit log read starts, and where its stored events begin.

    A first read starts at ``since`` (default ``DEFAULT_SINCE_DAYS`` before today), not
    before the year the API serves; a later one at the stored checkpoint, unless ``since``
    reaches back before the stored events (a backfill: from ``since``).
    """
    earliest = floor_day(now) - timedelta(days=LOOKBACK_DAYS - 1)
    wanted = since if since is not None else floor_day(now) - timedelta(days=DEFAULT_SINCE_DAYS)
    first = int(max(wanted, earliest).timestamp())
    if isinstance(stored, dict):
        try:
            synced_from = int(stored["synced_from"])
            checkpoint = AuditLogCheckpoint(
                int(stored["effective_at"]), tuple(str(i) for i in stored.get("ids", ()))
            )
        except (KeyError, TypeError, ValueError):
            pass  # not a state this module wrote: read as a first run
        else:
            if since is None or first >= synced_from:
                return checkpoint, synced_from
    return AuditLogCheckpoint(first), first


def _per_org(
    table: _Table,
    orgs: Sequence[OrgClient],
    plan: SourcePlan,
    tally: Tally,
    read: Callable[[UsageClient, datetime, list[str]], list[dict[str, Any]]],
) -> Iterator[pa.Table]:
    for org, client in _active(orgs, tally):
        notes: list[str] = []
        try:
            rows = read(client, plan.now, notes)
        except APIStatusError as exc:
            if exc.status_code != 403:
                tally.fail(org.name, table.name, exc)
                continue
            rows, notes = [], [_refusal(table.name)]
        except Exception as exc:
            tally.fail(org.name, table.name, exc)
            continue
        _note(tally, org.name, notes)
        stamped = _stamped(rows, org.org_id, plan.now)
        tally.directory[(org.name, table.name)] = len(stamped)
        if stamped:
            yield table.arrow(stamped)


def _forecasts(client: UsageClient, now: datetime, notes: list[str]) -> list[dict[str, Any]]:
    """``budget_status`` at ``now``: one record per scope and currency."""
    status = budget_status(client, now=now)
    notes.extend(f"forecasts: {note}" for note in status.notes)
    return [{"month": status.month, **record} for record in status.to_records()]


def _anomalies(client: UsageClient, now: datetime, notes: list[str]) -> list[dict[str, Any]]:
    """The anomalies of the ``ANOMALY_DAYS`` complete days before ``now``'s day."""
    today = now.astimezone(UTC).date()
    scopes = anomaly_scopes(client, now=now)
    found = find_anomalies(scopes, start=today - timedelta(days=ANOMALY_DAYS), end=today)
    return [{f.name: getattr(a, f.name) for f in dataclasses.fields(a)} for a in found]
