"""The ``openai-org-usage`` command: reports and raw rows from the Usage and Costs API.

The command needs the optional ``[cli]`` extra (click and rich). Nothing here imports them at
module level, so ``main()`` can explain what to install instead of failing with a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

MISSING_EXTRA = (
    "the openai-org-usage command needs the [cli] extra: pip install 'openai-org-usage[cli]'"
)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line (the ``openai-org-usage`` console script); always exits.

    Args:
        argv: Arguments without the program name; default ``sys.argv[1:]``.
    """
    try:
        import click  # noqa: F401
        import rich  # noqa: F401
    except ImportError:
        print(MISSING_EXTRA, file=sys.stderr)
        raise SystemExit(2) from None
    from ._app import cli

    cli.main(args=list(argv) if argv is not None else None, prog_name="openai-org-usage")


__all__ = ["MISSING_EXTRA", "main"]
