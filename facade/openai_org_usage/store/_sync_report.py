"""What a sync did: :class:`SyncReport` and its :class:`OperationReport` per organization and
operation, read from the run's tally (``sync_report``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from openai_org_usage import UsageClient

from ._fetch import LookbackClamp
from ._governance import GOVERNANCE_TABLES
from ._orgs import OrgClient
from ._schema import tables_for
from ._source import OrgFailure, SourcePlan, Tally

__all__ = ["OperationReport", "SyncReport", "sync_report"]


@attrs.frozen
class OperationReport:
    """What a sync did for one organization's operation.

    Attributes:
        org: The organization's name.
        org_id: Its ``org_id`` in the rows.
        operation: The operation's name.
        table: Its table.
        rows: Rows loaded.
        pages: Pages fetched (successful requests).
        start: Start of the range fetched (None: nothing was due, or the organization failed
            first).
        end: End of the range fetched.
        synced_until: Where the stored range of complete days ends after the run.
        group_by: The group-by fields the rows were fetched by.
        refused: Group-by fields the API refused, in this run or an earlier one (stored in
            the pipeline's state; later runs do not ask for them).
        refused_now: Those of ``refused`` the API refused in this run (empty when every
            refusal was remembered from an earlier run, which did not ask for them again).
        clamp: The start the API refused as too old and where the run loaded from instead.
    """

    org: str
    org_id: str
    operation: str
    table: str
    rows: int
    pages: int
    start: datetime | None
    end: datetime | None
    synced_until: datetime | None
    group_by: tuple[str, ...]
    refused: tuple[str, ...]
    clamp: LookbackClamp | None
    refused_now: tuple[str, ...] = ()


@attrs.frozen
class SyncReport:
    """What a sync did.

    Attributes:
        target: The DuckDB file, or ``<destination> <dataset>``.
        destination: dlt's name of the destination (``duckdb``, ``postgres`` ...).
        dataset: The dataset (schema) of the tables.
        end: The end of the run (``now``).
        operations: One report per organization and operation, in the order synced.
        failed: Organizations that failed, by name, with the reason; the rows they fetched
            before failing were loaded.
        directory: Rows loaded per (organization, table) into the directory's tables and
            ``attributed_costs``.
        directory_skipped: Organizations whose directory was not loaded, with the reason
            (``"*"``: for all of them).
        governance: Rows loaded per (organization, table) into the governance tables
            (``spend_limits`` ... ``anomalies``).
        governance_notes: Per organization, the governance reads the key may not make
            (HTTP 403) and what ``budget_status`` could not read, one line each: those
            rows are missing, the rest loaded.
        load_ids: dlt's load ids of this run's loads.
        table_format: ``"delta"`` for Delta tables on a filesystem; None otherwise.
    """

    target: str
    destination: str
    dataset: str
    end: datetime
    operations: tuple[OperationReport, ...]
    failed: Mapping[str, OrgFailure] = attrs.field(factory=dict)
    directory: Mapping[tuple[str, str], int] = attrs.field(factory=dict)
    directory_skipped: Mapping[str, str] = attrs.field(factory=dict)
    load_ids: tuple[str, ...] = ()
    table_format: str | None = None
    governance: Mapping[tuple[str, str], int] = attrs.field(factory=dict)
    governance_notes: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)

    @property
    def requests(self) -> int:
        """Pages fetched over every organization and operation."""
        return sum(op.pages for op in self.operations)

    @property
    def total_rows(self) -> int:
        """Rows loaded over every organization and operation."""
        return sum(op.rows for op in self.operations)

    @property
    def rows(self) -> Mapping[str, int]:
        """Rows loaded by operation, over every organization."""
        return self._by_operation(lambda op: op.rows)

    @property
    def pages(self) -> Mapping[str, int]:
        """Pages fetched by operation, over every organization."""
        return self._by_operation(lambda op: op.pages)

    @property
    def start(self) -> datetime | None:
        """The earliest start fetched (None when nothing was fetched)."""
        return min((op.start for op in self.operations if op.start is not None), default=None)

    @property
    def ok(self) -> bool:
        """Whether every organization synced."""
        return not self.failed

    def _by_operation(self, count: Callable[[OperationReport], int]) -> dict[str, int]:
        """``count`` of each operation's reports, summed over every organization."""
        out: dict[str, int] = {}
        for op in self.operations:
            out[op.operation] = out.get(op.operation, 0) + count(op)
        return out


def sync_report(
    tally: Tally,
    source: UsageClient | Sequence[OrgClient],
    plan: SourcePlan,
    target: str,
    kind: str,
    dataset: str,
    info: Any,
    table_format: str | None = None,
) -> SyncReport:
    """What a run did, from its tally: one :class:`OperationReport` per organization and
    operation it reached, in the order synced; the directory's and the governance tables'
    rows apart."""
    orgs = (
        [(plan.org_id, plan.org_id)]
        if isinstance(source, UsageClient)
        else [(o.name, o.org_id) for o in source]
    )
    operations = []
    tables = tables_for(plan.bucket_width)
    for org, oid in orgs:
        for name in plan.operations:
            outcome = tally.outcomes.get((org, name))
            if outcome is None:
                continue
            operations.append(
                OperationReport(
                    org=org,
                    org_id=oid,
                    operation=name,
                    table=tables[name].name,
                    rows=outcome.rows,
                    pages=outcome.pages,
                    start=outcome.start,
                    end=outcome.end,
                    synced_until=outcome.state.synced_until if outcome.state else None,
                    group_by=outcome.group_by,
                    refused=outcome.refused,
                    clamp=outcome.clamp,
                    refused_now=outcome.refused_now,
                )
            )
    return SyncReport(
        target=target,
        destination=kind,
        dataset=dataset,
        end=plan.now,
        operations=tuple(operations),
        failed=dict(tally.failed),
        directory={k: n for k, n in tally.directory.items() if k[1] not in GOVERNANCE_TABLES},
        directory_skipped=dict(tally.directory_skipped),
        load_ids=tuple(getattr(info, "loads_ids", ()) or ()),
        table_format=table_format,
        governance={k: n for k, n in tally.directory.items() if k[1] in GOVERNANCE_TABLES},
        governance_notes={org: tuple(notes) for org, notes in tally.governance_notes.items()},
    )
