"""Fetch every bucket of some paginators, with a progress bar on an interactive stderr."""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from openai_org_usage import Bucket, Paginator
from openai_org_usage._pagination import plan_windows
from openai_org_usage._time import count_buckets

from ._source import MAX_CONCURRENCY


def expected_pages(paginator: Paginator[Any], max_concurrency: int = MAX_CONCURRENCY) -> int:
    """Pages the paginator should need, from the same window plan it uses itself.

    Each window asks for at most ``limit`` buckets; a server that pages sooner than that only
    makes the bar's total grow while fetching.
    """
    query = paginator.query
    return sum(
        max(1, math.ceil(count_buckets(start, end, query.bucket_width) / query.limit))
        for start, end in plan_windows(query, max_concurrency)
    )


def stderr_is_interactive() -> bool:
    """Whether a progress bar may be drawn (never into a pipe, file or CI log)."""
    return sys.stderr.isatty()


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
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("pages"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,  # the bar is feedback, not output: leave the terminal clean
    )
    with progress:
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
