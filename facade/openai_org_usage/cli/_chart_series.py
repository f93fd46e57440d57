"""What the report's charts show, the same in both their forms.

``_figures`` draws the page's charts with plotly, ``_charts`` the ``--png`` images with
matplotlib: both chart daily spend split as ``DAILY_SPLITS`` and ``ATTRIBUTED_SPLITS`` say
(:func:`daily_spend`), name
the series :func:`top_count` picks, at most ``TOP_MODELS`` models, and count requests as
``REQUEST_COUNTS`` says.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ._report import DailySpend, Report

__all__ = [
    "ATTRIBUTED_SPLITS",
    "DAILY_SPLITS",
    "MAX_SERIES",
    "MIN_SERIES",
    "REQUEST_COUNTS",
    "TOP_MODELS",
    "daily_spend",
    "top_count",
]

MIN_SERIES = 6
"""Series a stacked chart names at least (when it has them); see :func:`top_count`."""
MAX_SERIES = 20
"""Series a chart names at most; the rest are summed into "other"."""
TOP_MODELS = 12
"""Models the tokens chart names; the rest are summed into "other"."""

# (label, endpoint, field) of the requests chart: what each endpoint counts as one request.
REQUEST_COUNTS: tuple[tuple[str, str, str], ...] = (
    ("completions", "completions", "num_model_requests"),
    ("embeddings", "embeddings", "num_model_requests"),
    ("moderations", "moderations", "num_model_requests"),
    ("images", "images", "num_model_requests"),
    ("audio speeches", "audio_speeches", "num_model_requests"),
    ("audio transcriptions", "audio_transcriptions", "num_model_requests"),
    ("file search calls", "file_search_calls", "num_requests"),
    ("web search calls", "web_search_calls", "num_requests"),
)

DAILY_SPLITS: tuple[tuple[str, str], ...] = (("project", "project"), ("line_item", "line item"))
"""(field, what a title calls it) of each daily spend chart, in the page's order."""
ATTRIBUTED_SPLITS: tuple[tuple[str, str], ...] = (("model", "model"), ("user", "user"))
"""The same for the daily charts of attributed spend (billed spend shared out by usage),
drawn when the report has it."""


def daily_spend(report: Report, field: str) -> tuple[Sequence[DailySpend], list[str | None]]:
    """The daily spend chart by ``field`` (of ``DAILY_SPLITS`` or ``ATTRIBUTED_SPLITS``): its
    entries, and its names ranked largest first (``report``: in one currency)."""
    if field == "project":
        return report.daily_spend_by_project, [s.name for s in report.spend_by_project]
    if field == "model":
        return report.daily_spend_by_model, [s.id for s in report.spend_by_model]
    if field == "user":
        return report.daily_spend_by_user, [s.id for s in report.spend_by_user]
    return report.daily_spend_by_line_item, [s.name for s in report.spend_by_line_item]


def top_count(series: Sequence[Sequence[float]]) -> int:
    """How many of the series (largest total first) a chart names; the rest are "other".

    Each series is its values per bar (per day; one value for a single bar). The fewest
    series, from ``MIN_SERIES`` up to ``MAX_SERIES``, that leave an "other" no larger than
    the largest named series in any bar: "other" is never the biggest slice of a day. Never
    an "other" of a single series.
    """

    def other_is_smaller(count: int) -> bool:
        return all(
            math.fsum(values[count:]) <= max(values[:count], default=0.0)
            for values in zip(*series, strict=True)
        )

    count = min(len(series), MIN_SERIES)
    while count < min(len(series), MAX_SERIES) and not other_is_smaller(count):
        count += 1
    return len(series) if len(series) - count <= 1 else count
