"""The ``export`` group: ``export focus`` writes the reconciled bill as FOCUS rows.

Placeholder: filled in by the FOCUS work (issue 23).
"""

from __future__ import annotations

import click

from ._options import CONTEXT_SETTINGS


@click.group("export", context_settings=CONTEXT_SETTINGS)
def export_group() -> None:
    """Export the bill into other tools' formats."""
