"""Exit codes and one-line messages for every failure the command expects.

2: the command line is wrong (click usage errors, values the facade refuses, no admin key), or
   an option needs an optional extra that is not installed (the message names it).
1: the API, the database file (``StoreError``: not a database, damaged, read-only, someone
   else's table, locked) or the output file failed. 130: interrupted (Ctrl-C), without a
   message. Anything else is a bug and keeps its traceback.

The admin key never reaches the terminal: every line printed here has the value of
``OPENAI_ADMIN_KEY`` replaced, whatever a server put into its error message (the facade
redacts too; this is the last line of defence). Nor does anything else a server or proxy
put there take effect: control characters (ESC sequences, newlines, bidi overrides) are
shown escaped (``_shown``), so a message is one line and reads as it was sent.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from typing import NoReturn

import click

from openai_org_usage import (
    OPERATIONS,
    APIError,
    InvalidParameterError,
    MissingAPIKeyError,
    MissingDependencyError,
    OpenAIUsageError,
    StoreError,
)

from ._options import filter_option, singular
from ._shown import shown

PREFIX = "openai-org-usage: error: "
API_KEY_ENV = "OPENAI_ADMIN_KEY"
_MIN_KEY_LENGTH = 8
USAGE = 2
FAILURE = 1
INTERRUPTED = 130

_NO_ARGS_IS_HELP: type[click.UsageError] | None = getattr(
    click.exceptions, "NoArgsIsHelpError", None
)
# Facade parameters that are not filters, as the command line spells them.
_FLAGS = {
    "start": "--start",
    "end": "--end",
    "tz": "--tz",
    "bucket_width": "--bucket-width",
    "group_by": "--group-by",
    "limit": "--limit",
}


def flag_for(param: str) -> str:
    """``project_ids`` -> ``--project-id``, ``batch`` -> ``--batch/--no-batch``.

    Filters are named by the same rule as their options (``_options``), so a filter added to
    the spec is named right here too.
    """
    if param in _FLAGS:
        return _FLAGS[param]
    for operation in OPERATIONS.values():
        spec = operation.filters.get(param)
        if spec is not None:
            return "/".join(filter_option(spec).opts)
    return "--" + singular(param).replace("_", "-")


def message_for(exc: InvalidParameterError) -> str:
    """The facade's complaint, in terms of the option the user typed."""
    if exc.param == "api_key":
        # The command has no --api-key: the key comes from the environment, and its value is
        # never shown (the facade's message does not hold it either).
        text = f"invalid {API_KEY_ENV}: expected {exc.allowed}"
        return f"{text}; {exc.hint}" if exc.hint else text
    text = f"invalid {flag_for(exc.param)} {exc.value!s:.80}: expected {exc.allowed}"
    return f"{text}; {exc.hint}" if exc.hint else text


def redact(text: str) -> str:
    """``text`` without the admin key (the value of ``OPENAI_ADMIN_KEY``), if it holds it."""
    key = os.environ.get(API_KEY_ENV, "").strip()
    # A short value would match ordinary words; real keys are long.
    if len(key) >= _MIN_KEY_LENGTH and key in text:
        text = text.replace(key, "[redacted admin key]")
    return text


def error_line(message: str) -> None:
    """Print ``openai-org-usage: error: <message>`` on stderr: one line, key redacted.

    One line even if a message spans several (scripts grep stderr line by line): its
    newlines and other control characters are shown escaped, not collapsed, so nothing a
    server sent is hidden and none of it acts on the terminal.
    """
    click.echo(PREFIX + shown(redact(message.strip())), err=True)


def fail(message: str, code: int) -> NoReturn:
    """Print one error line on stderr (:func:`error_line`) and exit with ``code``."""
    error_line(message)
    sys.exit(code)


def exit_for(exc: BaseException) -> NoReturn:
    """Exit as ``exc`` deserves (see the module docstring); re-raise what is not expected."""
    if isinstance(exc, KeyboardInterrupt | click.exceptions.Abort):
        sys.exit(INTERRUPTED)
    if isinstance(exc, SystemExit):
        raise exc
    if isinstance(exc, click.exceptions.Exit):
        sys.exit(exc.exit_code)
    if _NO_ARGS_IS_HELP is not None and isinstance(exc, _NO_ARGS_IS_HELP):
        # A bare `openai-org-usage` asks for help, it is not a mistake (click >= 8.2 raises).
        click.echo(exc.format_message())
        sys.exit(0)
    if isinstance(exc, click.UsageError):
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        fail(exc.format_message() + hint, USAGE)
    if isinstance(exc, click.ClickException):
        fail(exc.format_message(), exc.exit_code)
    if isinstance(exc, InvalidParameterError):
        fail(message_for(exc), USAGE)
    if isinstance(exc, MissingAPIKeyError):
        fail(
            "no admin key: set OPENAI_ADMIN_KEY to an organization admin key "
            "(https://platform.openai.com/settings/organization/admin-keys), "
            "or use --demo for synthetic data",
            USAGE,
        )
    if isinstance(exc, MissingDependencyError):
        # Like a usage error: nothing ran, and installing the named extra is the fix.
        fail(str(exc), USAGE)
    if isinstance(exc, StoreError):
        # Already one line naming the file and the problem; the file was left as it was.
        fail(str(exc), FAILURE)
    if isinstance(exc, APIError | OpenAIUsageError):
        # API messages never contain the key (the facade redacts it; fail() checks again).
        fail(str(exc), FAILURE)
    if isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and exc.errno == errno.EPIPE):
        # The reader (e.g. `head`) went away: not an error worth a message. Point stdout at
        # devnull so the interpreter's final flush does not complain either.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(FAILURE)
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        fail(f"{where}{exc.strerror or exc}", FAILURE)
    raise exc
