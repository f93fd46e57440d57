"""The ``budget`` command: this month's spend against limits, alert thresholds and forecasts.

Placeholder: filled in by the governance work (issue 22).
"""

from __future__ import annotations

import click

from ._options import CONTEXT_SETTINGS


@click.command("budget", context_settings=CONTEXT_SETTINGS)
def budget_command() -> None:
    """This month's spend against its limits and alert thresholds, with a forecast."""
    raise click.UsageError("not available yet")
