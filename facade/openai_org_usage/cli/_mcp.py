"""The ``mcp`` command: a read-only MCP server over stdio.

Placeholder: filled in by the MCP work (issue 23).
"""

from __future__ import annotations

import click

from ._options import CONTEXT_SETTINGS


@click.command("mcp", context_settings=CONTEXT_SETTINGS)
def mcp_command() -> None:
    """Serve spend and usage tools to an MCP client over stdio."""
    raise click.UsageError("not available yet")
