"""What a sync run is asked to do and what it did so far: its plan (``SourcePlan``), the hooks
``sync`` drives a source with (``SyncHooks``), its tally of outcomes and failures (``Tally``),
and the progress it reports (``SyncProgress``).

Apart from the source that fills them (``_source``) so that the other table builders
(``_governance``) can read and fill them too without importing the source.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

import attrs

from ._fetch import Outcome
from ._schema import TableSchema, tables_for

__all__ = ["OrgFailure", "SourcePlan", "SyncHooks", "SyncProgress", "Tally"]


class _Fetch(Protocol):
    """A fetch of the source (``_source``'s fetch threads): ``start_early`` starts it from the
    stored state before dlt's extraction asks; ``close`` stops it and waits."""

    def start_early(self, stored: Mapping[str, Mapping[str, Any]]) -> None: ...

    def close(self) -> None: ...


@attrs.frozen
class SyncProgress:
    """One page handed to dlt, as passed to ``progress``.

    Attributes:
        org: The organization's name.
        operation: The operation's name.
        page: The page's number within this organization's operation, from 1.
        rows: Rows in the page.
        start: Start of the page's first bucket with rows (None: a page without rows).
        end: End of the page's last bucket with rows.
    """

    org: str
    operation: str
    page: int
    rows: int
    start: datetime | None
    end: datetime | None


@attrs.frozen
class OrgFailure:
    """Why an organization's sync stopped.

    Attributes:
        operation: The operation (or directory kind) it failed on; None: before any.
        message: What went wrong, one line (the error's class and message; never a key).
        error: The exception, when there was one.
    """

    operation: str | None
    message: str
    error: BaseException | None = None


@attrs.define
class Tally:
    """What a run did so far: outcomes by (organization name, operation), failures, tables."""

    outcomes: dict[tuple[str, str], Outcome] = attrs.field(factory=dict)
    failed: dict[str, OrgFailure] = attrs.field(factory=dict)
    directory: dict[tuple[str, str], int] = attrs.field(factory=dict)
    directory_skipped: dict[str, str] = attrs.field(factory=dict)
    governance_notes: dict[str, list[str]] = attrs.field(factory=dict)
    lock: threading.Lock = attrs.field(factory=threading.Lock)
    fetches: list[_Fetch] = attrs.field(factory=list)

    def stop(self) -> None:
        """Stop the fetches still running (an extraction that ended early) and wait for them."""
        for fetch in self.fetches:
            fetch.close()

    def fail(self, org: str, operation: str | None, error: BaseException | str) -> None:
        with self.lock:
            if org in self.failed:
                return
            if isinstance(error, str):
                self.failed[org] = OrgFailure(operation, error)
            else:
                text = " ".join(str(error).split()) or "(no message)"
                self.failed[org] = OrgFailure(operation, f"{type(error).__name__}: {text}", error)


@attrs.frozen
class SyncHooks:
    """How ``sync`` drives a source: a pipeline of your own needs none of it.

    Attributes:
        tally: Filled in with what the run did (``sync`` reads its report from it);
            ``tally.stop()`` stops any fetch still running.
        fetch_ahead: Fetch every operation, one after another, from the moment dlt asks for
            the first, while dlt writes the rows already fetched (``sync`` does). Only for a
            pipeline that extracts resources in order (``extract.next_item_mode = "fifo"``):
            extracting them round robin would wait for operations not yet fetched.
        emptied: Called, in dlt's extraction thread, with a table's name, an ``org_id`` and
            bucket starts, when that organization's operation was fetched over its whole
            range and those buckets of the range have no rows: any rows stored for them are
            stale (a restatement emptied them; a merge, which replaces only the buckets that
            come with rows, leaves them). ``sync`` deletes them.
        held: Called, in dlt's extraction thread, with a table's name and the pages and
            rows the source holds for it (received, not yet handed to dlt) each time a page
            arrives: what the source keeps in memory at once, for tests and benchmarks.
    """

    tally: Tally = attrs.field(factory=Tally)
    fetch_ahead: bool = False
    emptied: Callable[[str, str, list[datetime]], None] | None = None
    held: Callable[[str, int, int], None] | None = None


@attrs.frozen
class SourcePlan:
    """What a source loads: which operations, over which range, and which other tables.

    ``usage_source`` makes one from its arguments; ``sync`` makes one from its own, once
    they are checked, and reports from it too.

    Attributes:
        org_id: The ``org_id`` of a single client's rows.
        operations: Operation names, in the order fetched.
        since: Where a first sync starts, or an earlier UTC midnight to backfill from.
        trailing_days: Days before the stored ``synced_until`` fetched again on each run.
        now: The run's end (aware).
        directory: Add the directory's tables.
        attribution: Add ``attributed_costs``.
        bucket_width: ``"1d"``: the daily tables; ``"1h"``: the hourly ones
            (``usage_completions_1h`` ...).
        governance: Add the spend limits, spend alerts, rate limits and audit log
            (``_governance``).
        forecasts: Add ``forecasts``.
        anomalies: Add ``anomalies``.
    """

    org_id: str
    operations: tuple[str, ...]
    since: datetime | None
    trailing_days: int
    now: datetime
    directory: bool = attrs.field(default=True, kw_only=True)
    attribution: bool = attrs.field(default=False, kw_only=True)
    bucket_width: str = attrs.field(default="1d", kw_only=True)
    governance: bool = attrs.field(default=False, kw_only=True)
    forecasts: bool = attrs.field(default=False, kw_only=True)
    anomalies: bool = attrs.field(default=False, kw_only=True)

    @property
    def tables(self) -> list[TableSchema]:
        """The tables of ``operations`` at ``bucket_width``, in order."""
        by_name = tables_for(self.bucket_width)
        return [by_name[name] for name in self.operations]
