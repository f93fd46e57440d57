"""The ``metrics`` group: spend and usage as Prometheus/OpenMetrics series.

Placeholder: filled in by the metrics work (issue 23).
"""

from __future__ import annotations

import click

from ._options import CONTEXT_SETTINGS


@click.group("metrics", context_settings=CONTEXT_SETTINGS)
def metrics_group() -> None:
    """Spend and usage as Prometheus metrics."""
