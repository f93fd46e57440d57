"""The dlt source: one resource per operation (and per directory kind), every organization.

::

    import dlt
    from openai_org_usage import UsageClient
    from openai_org_usage.store import usage_source

    with UsageClient() as client:
        pipeline = dlt.pipeline("openai_usage", destination="bigquery", dataset_name="openai")
        pipeline.run(usage_source(client, org_id="org-abc123", since="2026-01-01"))

Resources (each a table, see ``_schema``): ``costs``, ``usage_completions`` ... with
``write_disposition="merge"`` and ``merge_key=("org_id", "bucket_start")``, and the directory's
``projects``, ``users``, ``api_keys``, ``service_accounts`` (merged on ``org_id`` and ``id``)
when ``directory=True``, and the governance tables (``_governance``) when asked. Rows reach dlt as
Arrow tables (pages of ``Paginator.arrow_batches()``, gathered into tables of up to
50,000 rows).

Per resource, every organization is fetched at once (a thread each; their clients share one
request budget when made by ``open_clients``), and pages are handed to dlt as they arrive.
Incremental state (``_fetch.OpState``) is kept per organization in each resource's dlt
state, committed by dlt with the load that holds the rows. An organization that fails is
recorded in ``tally`` and skipped for the rest of the run; the others go on. The pages it
fetched before failing are loaded, with the state that records them.
"""

from __future__ import annotations

import copy
import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from openai_org_usage import UsageClient
from openai_org_usage.directory import COLUMNS, Directory, Kind
from openai_org_usage.directory import TABLES as TABLES_BY_KIND

from ._delta import DELTA, delta_hints, keyed
from ._fetch import Fetched, OpState, Outcome, bucket_starts, empty_buckets, fetch_operation
from ._governance import governance_resources
from ._orgs import OrgClient
from ._requires import require_dlt
from ._run import OrgFailure, SourcePlan, SyncHooks, SyncProgress, Tally
from ._schema import MERGE_KEY, ORG_ID, TableSchema, tables_for

if TYPE_CHECKING:
    import pyarrow as pa
    from dlt.extract.source import DltSource

__all__ = [
    "ATTRIBUTED_BY",
    "ATTRIBUTED_TABLE",
    "DIRECTORY_TABLES",
    "SOURCE_NAME",
    "OrgFailure",
    "SourcePlan",
    "SyncHooks",
    "SyncProgress",
    "Tally",
    "planned_source",
    "usage_source",
]

SOURCE_NAME = "openai_org_usage"
DIRECTORY_TABLES: Mapping[Kind, str] = TABLES_BY_KIND
"""The directory's kinds of record, and the table each lands in (``directory.TABLES``)."""
ATTRIBUTED_TABLE = "attributed_costs"
ATTRIBUTED_BY = ("project_id", "user_id", "api_key_id")
"""What ``attributed_costs`` splits the bill by: joinable with the usage tables and names."""
# An attributed row's identity within its bucket (a Delta table's row key, ``_delta``).
_ATTRIBUTED_KEY = (*ATTRIBUTED_BY, "line_item", "billed_project_id", "unattributed_reason")
# Queue slots per organization: pages fetched ahead of dlt's extraction, bounded so that a
# slow destination never holds a year of pages in memory.
_AHEAD = 4
# Rows handed to dlt at once (Arrow tables of this size are a few MB).
_BATCH_ROWS = 50_000


def usage_source(
    clients: UsageClient | Sequence[OrgClient],
    *,
    org_id: str = "default",
    operations: Sequence[str] | None = None,
    since: datetime | None = None,
    trailing_days: int = 3,
    now: datetime | None = None,
    directory: bool = True,
    attribution: bool = False,
    write_disposition: str = "merge",
    table_format: str | None = None,
    progress: Callable[[SyncProgress], None] | None = None,
    hooks: SyncHooks | None = None,
    bucket_width: str = "1d",
    governance: bool = False,
    forecasts: bool = False,
    anomalies: bool = False,
) -> DltSource:
    """The dlt source of every operation's table (and the directory's), for one or more orgs.

    Args:
        clients: One client (its rows get ``org_id``), or organizations with clients
            (``open_clients``).
        org_id: The ``org_id`` of a single client's rows.
        operations: Operation names (default: every operation of ``OPERATIONS``).
        since: Where a first sync starts, or an earlier UTC midnight to backfill from.
        trailing_days: Days before the stored ``synced_until`` fetched again on each run.
        now: The run's end (aware); default: the time of the call.
        directory: Add the directory's tables (projects, users, API keys, service
            accounts; merged on ``org_id`` and ``id``).
        attribution: Add ``attributed_costs``: the costs range of this run (the trailing
            window on later runs) attributed to project, user and API key per day
            (``openai_org_usage.attribution``), merged on ``(org_id, bucket_start)``. It
            fetches costs and the priced usage endpoints again (one more request each).
        write_disposition: ``"merge"`` (replace each loaded bucket's rows), or ``"append"``
            for destinations that cannot merge (plain files: read them with the latest
            ``_dlt_load_id`` of each ``(org_id, bucket_start)``).
        table_format: ``"delta"``: Delta tables on the ``filesystem`` destination, merged
            by row key (``_row_key``; the directory's by ``org_id`` and ``id``). Only
            ``sync`` removes the groups a restatement dropped and the buckets it emptied
            (``_delta``); a pipeline of your own gets the upsert.
        progress: Called with each page, in dlt's extraction thread.
        hooks: How ``sync`` drives the source (its tally, fetching ahead, emptied buckets);
            default: none of it.
        bucket_width: ``"1h"``: the hourly tables (``usage_completions_1h`` ...) of the
            operations that serve hourly buckets (not costs), instead of the daily ones.
        governance: Add ``spend_limits``, ``spend_alerts`` and ``rate_limits`` (a snapshot
            per run) and ``audit_logs`` (incremental); a refused read is a note
            (``_governance``).
        forecasts: Add ``forecasts``: ``budget.budget_status`` per scope at ``now`` (reads a
            year of costs).
        anomalies: Add ``anomalies``: the last complete days' anomalies per scope.
    """
    names = tuple(operations) if operations is not None else tuple(tables_for(bucket_width))
    end = now if now is not None else datetime.now(UTC)
    plan = SourcePlan(
        org_id,
        names,
        since,
        trailing_days,
        end,
        directory=directory,
        attribution=attribution,
        bucket_width=bucket_width,
        governance=governance,
        forecasts=forecasts,
        anomalies=anomalies,
    )
    return planned_source(clients, plan, write_disposition, progress, hooks, table_format)


def planned_source(
    clients: UsageClient | Sequence[OrgClient],
    plan: SourcePlan,
    write_disposition: str = "merge",
    progress: Callable[[SyncProgress], None] | None = None,
    hooks: SyncHooks | None = None,
    table_format: str | None = None,
) -> DltSource:
    """``usage_source`` for a ``plan`` already made (``sync``'s): the same arguments."""
    dlt = require_dlt()
    if table_format not in (None, DELTA):
        raise ValueError(f"table_format: {table_format!r} is not None or {DELTA!r}")
    if plan.attribution and plan.bucket_width != "1d":
        raise ValueError("attribution: the attributed costs are daily (bucket_width '1d' only)")
    delta = table_format == DELTA
    orgs = (
        [OrgClient(plan.org_id, plan.org_id, clients)]
        if isinstance(clients, UsageClient)
        else list(clients)
    )
    hooks = hooks if hooks is not None else SyncHooks()
    tally = hooks.tally
    for org in orgs:
        if org.client is None:
            tally.fail(org.name, None, org.error or "no client")
    tables = plan.tables
    fetches = [_FetchThreads(tables, orgs, plan, hooks)] if hooks.fetch_ahead else []
    resources = []
    for table in tables:
        if not hooks.fetch_ahead:
            fetches.append(_FetchThreads([table], orgs, plan, hooks))
        items: Any = fetches[-1].resource(table, progress)
        hints: dict[str, Any] = {"columns": table.dlt_columns()}
        if delta:
            items = keyed(items, [c.name for c in table.columns if c.group])
            hints = delta_hints(hints["columns"])
        else:
            hints["write_disposition"] = write_disposition
            if write_disposition == "merge":
                hints["merge_key"] = MERGE_KEY
        resources.append(dlt.resource(items, name=table.name, **hints))
    tally.fetches.extend(fetches)
    if plan.directory:
        loaded: dict[str, Any] = {}  # one directory per organization, for every kind
        # Plain files cannot merge: the directory is small, so it is replaced.
        directory_disposition: Any = "merge" if write_disposition == "merge" else "replace"
        format_hints: dict[str, Any] = {}
        if delta:
            directory_disposition = {"disposition": "merge", "strategy": "upsert"}
            format_hints["table_format"] = DELTA
        for kind, table_name in DIRECTORY_TABLES.items():
            resources.append(
                dlt.resource(
                    _directory_rows(kind, orgs, loaded, tally),
                    name=table_name,
                    write_disposition=directory_disposition,
                    primary_key=(ORG_ID, "id"),
                    columns=_directory_hints(_directory_schema(kind)),
                    **format_hints,
                )
            )

    if plan.attribution:
        attributed: Any = _attributed_rows(orgs, plan, tally)
        hints = {"columns": _attribution_hints()}
        if delta:
            attributed = keyed(attributed, _ATTRIBUTED_KEY)
            hints = delta_hints(hints["columns"])
        else:
            hints["write_disposition"] = write_disposition
            if write_disposition == "merge":
                hints["merge_key"] = MERGE_KEY
        resources.append(dlt.resource(attributed, name=ATTRIBUTED_TABLE, **hints))
    resources += governance_resources(orgs, plan, tally, write_disposition, delta)

    def build() -> Any:
        return resources

    # Its configuration section is its name (dlt would take this module's, "_source"): one
    # level fewer for dlt to look through for every setting of every table's writers, and
    # `sources.openai_org_usage` for a team that configures them.
    source = dlt.source(build, name=SOURCE_NAME, section=SOURCE_NAME, max_table_nesting=0)
    return source()  # type: ignore[no-any-return]


_END = object()  # an organization's last item for one operation


class _FetchThreads:
    """Pages of one or more usage operations, fetched by one thread per organization, which
    runs through ``tables`` in order once dlt asks for the first one's first item (or, for
    ``sync``, from ``start_early``).

    A fetch of one operation starts when dlt asks for it and ends with it: a team's own
    pipeline extracts in whatever order dlt chooses. ``sync`` has dlt extract one resource
    after another, in order, and gives every operation to one fetch: the next operation is
    fetched while dlt writes the last one's rows. Either way an organization has one
    paginator running at a time, and at most ``_AHEAD`` pages per operation wait in memory.
    """

    def __init__(
        self,
        tables: Sequence[TableSchema],
        orgs: Sequence[OrgClient],
        plan: SourcePlan,
        hooks: SyncHooks,
    ) -> None:
        self.tables = list(tables)
        self.emptied = hooks.emptied
        self.held = hooks.held
        self.orgs = orgs
        self.plan = plan
        self.tally = hooks.tally
        self.inboxes: dict[str, queue.Queue[tuple[OrgClient, Fetched | BaseException | object]]]
        self.inboxes = {}
        self.producers: dict[str, list[OrgClient]] = {}  # who sends each operation's items
        self.stored: dict[str, dict[str, Any]] = {}  # each resource's state, by org_id
        self.planned: dict[str, dict[str, Any]] = {}  # the same, as the fetch started from it
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.started = False  # fetching
        self.bound = False  # writing dlt's state (from dlt's first ask)

    def close(self) -> None:
        """Stop every fetch (a page being handed over is dropped) and wait for the threads."""
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def resource(
        self, table: TableSchema, progress: Callable[[SyncProgress], None] | None
    ) -> Iterator[pa.Table]:
        """The resource of ``table``: its pages in batches, the state recorded as they pass."""
        if not self.bound:
            self._bind()
        try:
            yield from self._batches(table, progress)
        except BaseException:
            self.close()  # dlt gave up on the extraction (or our progress raised): stop it
            raise
        if table is self.tables[-1]:
            self.close()  # every organization's thread has sent its last item

    def start_early(self, stored: Mapping[str, Mapping[str, Any]]) -> None:
        """Start fetching now, before dlt's extraction, from ``stored``: each table's state by
        ``org_id`` as the pipeline holds it (``sync`` does this, so that fetching does not
        wait for dlt to get ready). When dlt's extraction asks for the first item, its state
        is compared: if dlt holds another (restored from the destination), this fetch is
        dropped and the run starts again from dlt's."""
        self._launch({t.name: copy.deepcopy(dict(stored.get(t.name, {}))) for t in self.tables})

    def _bind(self) -> None:
        dlt = require_dlt()
        self.bound = True
        for table in self.tables:
            self.stored[table.name] = dlt.current.resource_state(table.name).setdefault("orgs", {})
        if self.started:
            if self.planned == self.stored:
                return
            self.close()  # started from a state dlt replaced: start over from dlt's
            for org in self.orgs:
                for table in self.tables:
                    self.tally.outcomes.pop((org.name, table.operation), None)
            self.stop = threading.Event()
            self.threads = []
        self._launch(copy.deepcopy(self.stored))

    def _launch(self, planned: dict[str, dict[str, Any]]) -> None:
        self.started = True
        self.planned = planned
        active = [o for o in self.orgs if o.client is not None and o.name not in self.tally.failed]
        for table in self.tables:
            self.inboxes[table.name] = queue.Queue(maxsize=_AHEAD * max(1, len(active)))
            self.producers[table.name] = active
        for org in active:
            thread = threading.Thread(
                target=self._work, args=(org,), name=f"sync-{org.name}", daemon=True
            )
            thread.start()
            self.threads.append(thread)

    def _put(self, table: TableSchema, item: tuple[OrgClient, Any]) -> bool:
        """Hand ``item`` over; False when the consumer went away (dlt closed us)."""
        inbox = self.inboxes[table.name]
        while not self.stop.is_set():
            try:
                inbox.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _work(self, org: OrgClient) -> None:
        assert org.client is not None
        failed = False
        for table in self.tables:
            if not failed:
                outcome = self.tally.outcomes.setdefault((org.name, table.operation), Outcome())
                try:
                    fetch_operation(
                        org.client,
                        table,
                        org.org_id,
                        OpState.from_json(self.planned[table.name].get(org.org_id)),
                        self.plan.since,
                        self.plan.trailing_days,
                        self.plan.now,
                        lambda fetched: self._put(table, (org, fetched)),  # noqa: B023
                        outcome,
                    )
                except Exception as exc:
                    # Recorded by the consumer (in order); the rest of this run skips the org.
                    failed = True
                    if not self._put(table, (org, exc)):
                        return
            if not self._put(table, (org, _END)):
                return

    def _batches(
        self, table: TableSchema, progress: Callable[[SyncProgress], None] | None
    ) -> Iterator[pa.Table]:
        inbox = self.inboxes[table.name]
        stored = self.stored[table.name]
        producers = self.producers[table.name]
        running = len(producers)
        numbers = dict.fromkeys((o.name for o in producers), 0)
        # Pages are handed to dlt in batches: each item costs dlt a schema check and a write,
        # so a year of one-page-per-month items would cost more than the rows themselves.
        held: list[pa.Table] = []
        held_rows = 0
        # The bucket starts that came with rows, per organization (for ``emptied``): gathered
        # per page, taken apart per batch (one Arrow call, not one per page, each a handover
        # of the interpreter lock to the fetching thread: a tenth of the sync's time).
        filled: dict[str, set[int]] = {o.name: set() for o in producers}
        starts: dict[str, list[pa.ChunkedArray]] = {o.name: [] for o in producers}

        def settle(name: str) -> None:
            if starts[name]:
                filled[name].update(bucket_starts(starts[name]))
                starts[name].clear()

        while running:
            org, item = inbox.get()
            if item is _END:
                running -= 1
                if self.emptied is not None and org.name not in self.tally.failed:
                    settle(org.name)
                    outcome = self.tally.outcomes[(org.name, table.operation)]
                    empty = empty_buckets(outcome, filled[org.name], table.bucket_width)
                    if empty:
                        self.emptied(table.name, org.org_id, empty)
            elif isinstance(item, BaseException):
                self.tally.fail(org.name, table.operation, item)
            else:
                assert isinstance(item, Fetched)
                if item.state is not None:
                    stored[org.org_id] = item.state.to_json()
                if self.emptied is not None and item.table.num_rows:
                    starts[org.name].append(item.table.column("bucket_start"))
                numbers[org.name] += 1
                if progress is not None:
                    progress(
                        SyncProgress(
                            org.name,
                            table.operation,
                            numbers[org.name],
                            item.table.num_rows,
                            item.start,
                            item.end,
                        )
                    )
                if item.table.num_rows:
                    held.append(item.table)
                    held_rows += item.table.num_rows
                if self.held is not None:
                    self.held(table.name, len(held), held_rows)
                if held_rows >= _BATCH_ROWS:
                    for name in starts:
                        settle(name)
                    yield _concat(held)
                    held, held_rows = [], 0
        if held:
            yield _concat(held)


def _concat(tables: list[pa.Table]) -> pa.Table:
    import pyarrow as pa

    return tables[0] if len(tables) == 1 else pa.concat_tables(tables)


def _directory_schema(kind: Kind) -> pa.Schema:
    """The Arrow schema of a directory table: ``org_id``, then ``COLUMNS[kind]``."""
    import pyarrow as pa

    fields = [pa.field(ORG_ID, pa.string(), nullable=False)]
    for name in COLUMNS[kind]:
        if name.endswith("_at"):
            fields.append(pa.field(name, pa.timestamp("us", tz="UTC")))
        elif name == "archived":
            fields.append(pa.field(name, pa.bool_()))
        else:
            fields.append(pa.field(name, pa.string(), nullable=name != "id"))
    return pa.schema(fields)


def _directory_hints(schema: pa.Schema) -> dict[str, dict[str, Any]]:
    import pyarrow as pa

    hints: dict[str, dict[str, Any]] = {}
    for field in schema:
        if pa.types.is_timestamp(field.type):
            hint: dict[str, Any] = {"data_type": "timestamp", "timezone": True}
        elif pa.types.is_boolean(field.type):
            hint = {"data_type": "bool"}
        else:
            hint = {"data_type": "text"}
        hint["nullable"] = field.nullable
        hints[field.name] = hint
    return hints


def _directory_rows(
    kind: Kind,
    orgs: Sequence[OrgClient],
    loaded: dict[str, Any],
    tally: Tally,
) -> Iterator[pa.Table]:
    import pyarrow as pa

    schema = _directory_schema(kind)
    for org in orgs:
        if org.client is None or org.name in tally.failed:
            continue
        if org.name in tally.directory_skipped:
            continue
        try:
            found = loaded.get(org.name)
            if found is None:
                found = loaded[org.name] = Directory.load(org.client)
            items = found.records(kind)
        except Exception as exc:
            # Names are a convenience: an admin key without the right to list them still
            # syncs usage and costs; the summary says what was skipped.
            tally.directory_skipped[org.name] = (
                f"{type(exc).__name__}: {' '.join(str(exc).split())}"
            )
            continue
        if len(found) == 0 and found.problems:
            # Every list refused (the directory records refusals rather than raising):
            # skipped, as when it raised, for the first reason (without what a report
            # would show instead, after its "; ").
            reason = " ".join(found.problems[0].split())
            tally.directory_skipped[org.name] = reason.split("; ", 1)[0]
            continue
        tally.directory[(org.name, DIRECTORY_TABLES[kind])] = len(items)
        if items:
            columns = {
                field.name: pa.array(
                    [org.org_id] * len(items)
                    if field.name == ORG_ID
                    else [item.get(field.name) for item in items],
                    field.type,
                )
                for field in schema
            }
            yield pa.Table.from_pydict(columns, schema=schema)


_CENTS = (18, 2)  # precision and scale of an amount in whole cents
_ATTRIBUTION_COLUMNS: tuple[tuple[str, str], ...] = (
    (ORG_ID, "text"),
    ("bucket_start", "timestamp"),
    ("bucket_end", "timestamp"),
    *((field, "text") for field in ATTRIBUTED_BY),
    ("estimated_cost", "double"),
    # Whole cents, exact: the attributed rows and remainders add up to the bill.
    ("attributed_cost", "decimal"),
    ("currency", "text"),
    ("unattributed_reason", "text"),
    ("line_item", "text"),
    ("billed_project_id", "text"),
)


def _attribution_hints() -> dict[str, dict[str, Any]]:
    hints: dict[str, dict[str, Any]] = {}
    for name, kind in _ATTRIBUTION_COLUMNS:
        hint: dict[str, Any] = {"data_type": kind, "nullable": name not in MERGE_KEY}
        if kind == "timestamp":
            hint["timezone"] = True
        if kind == "decimal":
            hint.update(precision=_CENTS[0], scale=_CENTS[1])
        if name in MERGE_KEY:
            hint["merge_key"] = True
        hints[name] = hint
    return hints


def _attributed_rows(
    orgs: Sequence[OrgClient], plan: SourcePlan, tally: Tally
) -> Iterator[pa.Table]:
    """Each organization's attribution over the range its costs were fetched this run."""
    import pyarrow as pa

    from openai_org_usage.attribution import attribute

    types = {
        "text": pa.string(),
        "double": pa.float64(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "decimal": pa.decimal128(*_CENTS),
    }
    schema = pa.schema(
        [pa.field(n, types[k], nullable=n not in MERGE_KEY) for n, k in _ATTRIBUTION_COLUMNS]
    )
    for org in orgs:
        if org.client is None or org.name in tally.failed:
            continue
        costs = tally.outcomes.get((org.name, "costs"))
        start = costs.start if costs is not None else plan.since
        if start is None:
            continue  # costs were not due (or not synced): nothing restated to attribute
        try:
            result = attribute(org.client, start=start, end=plan.now, by=ATTRIBUTED_BY)
        except Exception as exc:
            tally.fail(org.name, ATTRIBUTED_TABLE, exc)
            continue
        records = result.to_records()
        columns: dict[str, Any] = {}
        for field in schema:
            if field.name == ORG_ID:
                values: list[Any] = [org.org_id] * len(records)
            else:
                values = [r.get(field.name) for r in records]
                if pa.types.is_floating(field.type):
                    values = [None if v is None else float(v) for v in values]
            columns[field.name] = pa.array(values, field.type)
        tally.directory[(org.name, ATTRIBUTED_TABLE)] = len(records)
        if records:
            yield pa.Table.from_pydict(columns, schema=schema)
