"""Run several ``openai-org-usage`` command lines in one process, one after the other.

``python tests/cli/_run_commands.py ARGS.json`` runs each argument list of the JSON file as
``openai-org-usage`` would (``openai_org_usage.cli.main``), on this process's real standard
output, a pipe or a terminal, and writes ``SEPARATOR`` after each. The width test starts one
such process per terminal width instead of one per command: Python and the package are
imported once, not 16 times, and every command still writes to a real terminal or pipe.

A command that exits non-zero ends the run: its exit status is this process's, and what it
wrote to stderr says why.
"""

from __future__ import annotations

import json
import sys

SEPARATOR = "\n@@ end of command @@\n"


def run_all(command_lines: list[list[str]]) -> int:
    from openai_org_usage.cli import main

    for args in command_lines:
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if code != 0:
                print(f"exit {code}: {' '.join(args)}", file=sys.stderr)
                return code
        sys.stdout.write(SEPARATOR)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as listed:
        sys.exit(run_all(json.load(listed)))
