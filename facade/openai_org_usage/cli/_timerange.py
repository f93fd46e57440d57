"""The command line's time ranges live in the library (``openai_org_usage.timerange``), where
the MCP server reads them too; this name is kept for the command modules not yet moved."""

from openai_org_usage.timerange import (
    DEFAULT_LAST,
    RangeError,
    TimeRange,
    check_last,
    parse_since,
    resolve,
)

__all__ = ["DEFAULT_LAST", "RangeError", "TimeRange", "check_last", "parse_since", "resolve"]
