"""The ``mcp`` command: a read-only MCP server over stdio (``openai_org_usage.mcp_server``)."""

from __future__ import annotations

import logging
import sys

import click

from ._options import CONTEXT_SETTINGS, source_options, stderr_line
from ._source import DEMO_NOTICE, SourceSettings, open_source

EPILOG = """\b
Examples:
  openai-org-usage mcp --demo
  OPENAI_ADMIN_KEY=sk-admin-... openai-org-usage mcp

\b
An MCP client starts this command and talks to it on standard input and output. Claude
Desktop (claude_desktop_config.json):
  {"mcpServers": {"openai-usage": {"command": "openai-org-usage", "args": ["mcp"],
   "env": {"OPENAI_ADMIN_KEY": "sk-admin-..."}}}}

\b
Tools (read-only): spend, usage, attributed_spend, lookup, budget, anomalies. The range
tools take start, end, last and tz like the commands (default: the last 30 days); budget is
this month so far, anomalies the last `days` complete days (default 7, at most 60). Each
takes top (default 20, at most 200 groups per currency; the rest is counted and summed in
left_out)."""


@click.command("mcp", context_settings=CONTEXT_SETTINGS, epilog=EPILOG)
@source_options
def mcp_command(api: SourceSettings) -> None:
    """Serve spend and usage tools to an MCP client over stdio.

    Spend by project, line item, key or user; usage of any endpoint; the bill attributed to
    users, keys and models to the cent; who an ID is; this month against the spend limits
    and alerts, with a forecast; anomalies and their drivers. Nothing is written or changed. The
    admin key is read from OPENAI_ADMIN_KEY and never appears in a result or an error.
    """
    # Before the client opens: without the SDK, one line naming the extra to install.
    from openai_org_usage.mcp_server import build_server, require_mcp, run_stdio

    require_mcp()
    # Standard output is the protocol: the server's own warnings go to stderr.
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    source = open_source(api)
    with source.client:
        if source.demo:
            stderr_line(DEMO_NOTICE)
        if sys.stdin.isatty():
            stderr_line(
                "openai-org-usage: note: waiting for an MCP client on standard input; this "
                "command is meant to be started by one (see 'openai-org-usage mcp --help')"
            )
        demo_now = source.now
        server = build_server(
            source.client,
            # The demo's data stops at the fake's fixed clock; a live server reads the time
            # at each call (it may run for days).
            clock=(lambda: demo_now) if source.demo else None,
            demo=source.demo,
        )
        run_stdio(server)
