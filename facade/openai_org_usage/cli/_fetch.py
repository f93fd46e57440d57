"""Fetch every bucket of some paginators, with a progress bar on an interactive stderr."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from openai_org_usage import Bucket, Page, Paginator, count_buckets

from ._shown import shown

__all__ = [
    "STREAM_BYTE_BUDGET",
    "DescriptionColumn",
    "expected_pages",
    "fetch_all",
    "stderr_is_interactive",
    "stream_pages",
]


class DescriptionColumn(ProgressColumn):
    """A task's description as plain text: no markup read, control characters escaped.

    Descriptions name organizations and operations; rich's ``TextColumn`` would read
    ``[...]`` in them as markup and pass an ESC to the terminal.
    """

    def render(self, task: Task) -> Text:
        """The description, shown (``_shown.shown``)."""
        return Text(shown(task.description))


def expected_pages(paginator: Paginator[Any]) -> int:
    """Pages the paginator should need: one per ``limit`` buckets of its range.

    The paginator cuts a long range into windows of ``limit`` buckets (the partial first
    bucket counts as one, as the API counts it), one page each; fetched as one window
    (``max_concurrency=1``), the server pages at the same ``limit``. So the count is the same
    at any concurrency, and is computed rather than walked: a year at ``1m`` plans thousands
    of windows. A server that pages sooner only makes the bar's total grow while fetching.

    Args:
        paginator: Not iterated; only its query is read.
    """
    query = paginator.query
    buckets = count_buckets(query.start_time, query.end_time, query.bucket_width)
    # At least one request is sent, even for a range the API answers with no bucket.
    return max(1, math.ceil(buckets / query.limit))


def stderr_is_interactive() -> bool:
    """Whether a progress bar may be drawn (never into a pipe, file or CI log)."""
    return sys.stderr.isatty()


def _progress(unit: str = "pages") -> Progress:
    return Progress(
        DescriptionColumn(),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,  # the bar is feedback, not output: leave the terminal clean
        # Rows may be written while the bar runs: standard output is not the bar's.
        redirect_stdout=False,
        redirect_stderr=False,
    )


# Response bodies a streamed export holds at once (fetched ahead, waiting their turn, being
# read): the paginator sizes its windows to a share of it (``Paginator.pages(byte_budget=)``;
# 2 MiB a page at 4 windows at once), so memory stays flat however large the organization
# and however long the range. A small organization's week of hourly buckets (about 2 MB) is
# one page or little more; a large one sends more, smaller requests (measured in
# bench/stream_memory.py: at 32 MiB the large preset still grew from 7 to 30 days).
STREAM_BYTE_BUDGET = 16 * 1024 * 1024


def stream_pages(
    description: str,
    paginator: Paginator[Any],
    *,
    bar: bool = True,
    byte_budget: int = STREAM_BYTE_BUDGET,
) -> Iterator[Page[Any]]:
    """The paginator's pages, one at a time, with a progress bar on an interactive stderr.

    Nothing is kept: a caller writing each page out holds one page at a time, and the pages
    fetched ahead of it stay within ``byte_budget`` bytes of response bodies. The bar counts
    buckets (the pages' sizes follow the organization's, so their number is not known
    beforehand); it is drawn while the caller consumes the pages, and removed when they are
    all read (or the caller stops).

    Args:
        description: Labels the progress bar.
        paginator: Iterated once.
        bar: False: never draw it (e.g. rows are written to the same terminal).
        byte_budget: Response bytes held at once (see ``STREAM_BYTE_BUDGET``).
    """
    pages = paginator.pages(byte_budget=byte_budget)
    if not bar or expected_pages(paginator) <= 1 or not stderr_is_interactive():
        yield from pages
        return
    query = paginator.query
    total = count_buckets(query.start_time, query.end_time, query.bucket_width)
    with _progress("buckets") as progress:
        task = progress.add_task(description, total=total)
        done = 0
        for page in pages:
            done = min(total, done + len(page.buckets))
            progress.update(task, completed=done)
            yield page


def fetch_all(
    jobs: Sequence[tuple[str, Paginator[Any]]],
) -> list[list[Bucket[Any]]]:
    """Every bucket of each paginator, in order; one list per job.

    Args:
        jobs: ``(description, paginator)`` pairs; the description labels the progress bar.
    """
    total = sum(expected_pages(paginator) for _, paginator in jobs)
    if total <= 1 or not stderr_is_interactive():
        return [list(paginator) for _, paginator in jobs]
    out: list[list[Bucket[Any]]] = []
    with _progress() as progress:
        task = progress.add_task("fetching", total=total)
        done = 0
        for description, paginator in jobs:
            progress.update(task, description=description)
            buckets: list[Bucket[Any]] = []
            for page in paginator.pages():
                buckets.extend(page.buckets)
                done += 1
                if done > total:
                    total = done  # the server paged more finely than planned
                progress.update(task, completed=done, total=total)
            out.append(buckets)
    return out
