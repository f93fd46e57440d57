"""A read-only MCP server: an organization's spend and usage as tools for an AI assistant.

::

    from openai_org_usage import UsageClient
    from openai_org_usage.mcp_server import build_server, run_stdio

    with UsageClient() as client:  # reads OPENAI_ADMIN_KEY
        run_stdio(build_server(client))

``openai-org-usage mcp`` does exactly that (``--demo`` for the embedded fake). The tools
(``TOOLS``; each a :class:`ToolSpec`):

- ``spend``: billed spend over a range (the costs endpoint), in total or by project, line
  item, API key, user, API source; IDs with their names.
- ``usage``: one usage endpoint's counts (tokens, requests, images ...) by its group-by fields.
- ``attributed_spend``: the bill shared out by user, API key, model ..., reconciled to the
  cent, with what no group can be given and why.
- ``lookup``: who a project, user, API key or service account is, by ID, name or email.
- ``budget``: this month against the spend limits and alert thresholds (organization,
  projects, keys with their own limit), with the month-end forecast and the day a limit is
  reached.
- ``anomalies``: unusual days of spend in the last complete days, per project, key, user or
  model, with the line items, models or keys that drove each.

Arguments are checked as the command line checks its options, and refused in its words
(the parameter, the value, what is allowed); a refusal or a failed request comes back as a
tool error (``isError``) with that message, never a traceback, never the key. Results are
JSON objects (structured content, and the same as text): money as exact decimal strings per
currency (never added across currencies), at most ``top`` groups per currency with what the
rest adds up to in ``left_out``. Text from the organization (names, emails, line items) is
returned as JSON strings, with characters that could hide text escaped: data, not
instructions.

The ``mcp`` package (the ``mcp`` extra, SDK 2.x) is imported only by :func:`build_server`
and :func:`run_stdio`; without it they raise ``MissingDependencyError`` naming the extra.
:func:`call_tool` needs no MCP package at all.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import attrs

from ._errors import InvalidParameterError, MissingDependencyError, OpenAIUsageError
from ._mcp_args import DEFAULT_TOP, MAX_TOP, Arguments, plain_words
from ._mcp_names import DirectoryNames, LoadedDirectory
from ._mcp_shape import dumps
from ._mcp_tools import DATA_NOTE, TOOLS, ToolContext, ToolSpec
from ._redact import redact
from ._version import __version__
from .timerange import RangeError

if TYPE_CHECKING:
    from mcp.server.lowlevel import Server

    from ._client import UsageClient

__all__ = [
    "DEFAULT_TOP",
    "MAX_TOP",
    "SERVER_NAME",
    "TOOLS",
    "LoadedDirectory",
    "ToolContext",
    "ToolOutcome",
    "ToolSpec",
    "build_server",
    "call_tool",
    "require_mcp",
    "run_stdio",
    "serve_stdio",
]

SERVER_NAME = "openai-org-usage"
"""The name the server gives MCP clients."""

_MAX_ERROR = 1000
_INSTRUCTIONS = (
    "Read-only tools over an OpenAI organization's Usage and Costs API: spend (billed, by "
    "project, line item, key, user), usage (tokens and requests per endpoint), "
    "attributed_spend (the bill per user, key or model, reconciled to the cent), lookup "
    "(who an ID is), budget (this month against the spend limits and alerts, with the "
    "month-end forecast) and anomalies (unusual days of spend and what drove them). "
    "Amounts are exact decimal strings in the currency next to them; never add amounts of "
    "different currencies. " + DATA_NOTE
)
_log = logging.getLogger(__name__)


@attrs.frozen
class ToolOutcome:
    """What one tool call gives back.

    Attributes:
        data: The result (a JSON-ready object), or None on an error.
        error: What went wrong, for the caller to read (a refused argument, a failed
            request); None on success.
    """

    data: dict[str, Any] | None
    error: str | None = None

    @property
    def is_error(self) -> bool:
        """Whether the call failed."""
        return self.error is not None

    @property
    def text(self) -> str:
        """The result as JSON text (hidden characters escaped), or the error message."""
        return self.error if self.error is not None else dumps(self.data)


def call_tool(
    context: ToolContext,
    name: str,
    arguments: Mapping[str, Any] | None,
    *,
    tools: Sequence[ToolSpec] = TOOLS,
) -> ToolOutcome:
    """Run one tool: its result, or the message of whatever refused or failed.

    Blocking (the client is synchronous): an async server runs it in a worker thread.

    Args:
        context: The client and clock the tools use.
        name: The tool's name.
        arguments: Its arguments as the MCP client sent them (checked here, whatever they are).
        tools: The tools to choose from.

    Returns:
        A :class:`ToolOutcome`; never raises for a bad argument or a failed request.

    Example::

        outcome = call_tool(context, "spend", {"last": "7d", "group_by": ["project_id"]})
        print(outcome.text)
    """
    by_name = {tool.name: tool for tool in tools}
    tool = by_name.get(name)
    if tool is None:
        return _error(f"unknown tool {name!r}: one of {', '.join(by_name)}")
    try:
        data = tool.run(context, Arguments(tool.name, arguments, tool.properties))
    except RangeError as exc:
        return _error(plain_words(str(exc)))
    except InvalidParameterError as exc:
        return _error(str(exc))
    except OpenAIUsageError as exc:
        return _error(f"{tool.name} failed: {exc}")
    except Exception as exc:  # a defect: the caller gets a line, the log the traceback
        _log.exception("tool %s failed", tool.name)
        return _error(f"{tool.name} failed: internal error ({type(exc).__name__})")
    return ToolOutcome(data)


def _error(message: str) -> ToolOutcome:
    # Redacted whatever raised it (the clients' own messages already are), then cut.
    text = redact(message, None)
    if len(text) > _MAX_ERROR:
        text = text[:_MAX_ERROR] + "..."
    return ToolOutcome(None, text)


def require_mcp() -> Any:
    """The ``mcp`` package, or ``MissingDependencyError`` naming the ``mcp`` extra."""
    try:
        import mcp
        from mcp.server.lowlevel import Server  # noqa: F401  (2.x: the 1.x API differs)
    except ImportError as exc:
        raise MissingDependencyError("The MCP server", "mcp", "mcp>=2") from exc
    return mcp


def build_server(
    client: UsageClient,
    *,
    clock: Callable[[], datetime] | None = None,
    names: Callable[[], LoadedDirectory] | None = None,
    demo: bool = False,
    tools: Sequence[ToolSpec] = TOOLS,
) -> Server[Any]:
    """An MCP server (the SDK's low-level ``Server``) serving ``tools`` over ``client``.

    Calls are served one at a time, each in a worker thread, so the event loop stays free
    and the client and the directory are never used from two calls at once.

    Args:
        client: A :class:`~openai_org_usage.UsageClient`; the caller closes it.
        clock: What relative ranges (``last: 7d``) count back from. Default: the wall
            clock at each call (demo: pass the fake's fixed clock).
        names: The directory to name IDs with. Default: listed through ``client`` on first
            use and every 15 minutes after.
        demo: Results say their data is synthetic.
        tools: The tools to serve (default: ``TOOLS``).

    Raises:
        MissingDependencyError: the ``mcp`` package (2.x) is not installed.

    Example::

        server = build_server(client)
        run_stdio(server)
    """
    require_mcp()
    import anyio.to_thread
    import mcp.types as types
    from mcp.server.lowlevel import Server

    context = ToolContext(
        client,
        clock or (lambda: datetime.now(UTC)),
        names or DirectoryNames(client).get,
        demo,
    )
    listed = [
        types.Tool(
            name=tool.name,
            title=tool.title,
            description=tool.description,
            input_schema=tool.input_schema,
            annotations=types.ToolAnnotations(
                title=tool.title, read_only_hint=True, destructive_hint=False
            ),
        )
        for tool in tools
    ]
    one_at_a_time = threading.Lock()

    def run(name: str, arguments: Mapping[str, Any] | None) -> ToolOutcome:
        with one_at_a_time:
            return call_tool(context, name, arguments, tools=tools)

    async def on_list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(tools=listed)

    async def on_call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        outcome = await anyio.to_thread.run_sync(run, params.name, params.arguments)
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=outcome.text)],
            structured_content=outcome.data,
            is_error=outcome.is_error,
        )

    server: Server[Any] = Server(
        SERVER_NAME,
        version=__version__,
        instructions=_INSTRUCTIONS,
        on_list_tools=on_list_tools,
        on_call_tool=on_call_tool,
    )
    return server


async def serve_stdio(server: Server[Any]) -> None:
    """Serve ``server`` over this process's standard input and output until input ends.

    Raises:
        MissingDependencyError: the ``mcp`` package (2.x) is not installed.
    """
    require_mcp()
    from mcp.server.stdio import stdio_server

    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def run_stdio(server: Server[Any]) -> None:
    """:func:`serve_stdio` in a new event loop (blocks until the client disconnects).

    Raises:
        MissingDependencyError: the ``mcp`` package (2.x) is not installed.
    """
    require_mcp()
    import anyio

    anyio.run(serve_stdio, server)
