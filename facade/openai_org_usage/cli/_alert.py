"""The ``alert`` command: limit crossings, forecast crossings and anomalies to a webhook.

Placeholder: filled in by the governance work (issue 22).
"""

from __future__ import annotations

import click

from ._options import CONTEXT_SETTINGS


@click.command("alert", context_settings=CONTEXT_SETTINGS)
def alert_command() -> None:
    """Post limit crossings, forecast crossings and anomalies to a webhook, once each."""
    raise click.UsageError("not available yet")
