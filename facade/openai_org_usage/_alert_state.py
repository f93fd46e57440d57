"""What was sent: the alert state file, read and written whole, under a lock.

The file is JSON: ``{"format": "openai-org-usage/alert-state", "version": 1, "alerts":
{key: {"first_sent": ..., "last_seen": ..., "alert": {...}}}}``, one entry per alert sent
and not yet resolved, with the alert's last figures (so its resolution can say what it was).
It is replaced whole, atomically (a temporary file in the same directory, flushed, then
renamed over it), so a crash leaves the old state or the new one, never half of each.

A run holds an exclusive ``flock`` on ``<state>.lock`` from before it reads the state until
after its last write: a second run on the same state waits, then sees what the first sent.
``flock`` locks belong to an open file, so two threads of one process exclude each other too.
The lock file is never deleted (deleting it while another run waits on it would let a third
run lock a new file beside them). Locks on network file systems may not be honoured.

A state file that cannot be read, or is not such a file, raises ``StoreError`` naming it:
never an empty state, which would send every alert again.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Final

from ._alert_json import alert_from_json, alert_to_json, utc_text
from ._alert_model import Alert
from ._errors import StoreError, SyncLockedError

__all__ = ["Sent", "locked", "read_state", "write_state"]

_FORMAT: Final = "openai-org-usage/alert-state"
_VERSION: Final = 1
_LOCK_POLL: Final = 0.02

if sys.platform == "win32":  # pragma: no cover - the suite runs on Linux
    import msvcrt

    def _try_lock(file: IO[bytes]) -> None:
        file.seek(0)
        msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(file: IO[bytes]) -> None:
        file.seek(0)
        msvcrt.locking(file.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(file: IO[bytes]) -> None:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(file: IO[bytes]) -> None:
        fcntl.flock(file.fileno(), fcntl.LOCK_UN)


@dataclass(frozen=True)
class Sent:
    """One alert sent and not yet resolved.

    Attributes:
        first_sent: When it was first delivered.
        last_seen: The last run that still saw its condition.
        alert: Its last figures.
    """

    first_sent: datetime
    last_seen: datetime
    alert: Alert


@contextlib.contextmanager
def locked(
    state: Path,
    *,
    timeout: float,
    sleep: Callable[[float], None],
    monotonic: Callable[[], float],
) -> Iterator[None]:
    """Hold the state's lock file for the block, waiting up to ``timeout`` seconds for it.

    Raises:
        StoreError: The lock file cannot be created (a directory that is missing or not
            writable).
        SyncLockedError: Another run held it for all of ``timeout``.
    """
    path = state.with_name(state.name + ".lock")
    try:
        # "a+b": created when missing, never truncated (another run may hold it).
        file = open(path, "a+b")  # noqa: SIM115 - closed in the finally below
    except OSError as exc:
        raise StoreError(
            f"alert state {state}: cannot create its lock file {path}: {exc.strerror or exc}",
            path=str(state),
        ) from exc
    try:
        deadline = monotonic() + timeout
        while True:
            try:
                _try_lock(file)
                break
            except OSError as exc:
                if monotonic() >= deadline:
                    raise SyncLockedError(
                        f"alert state {state}: another alert run held {path} for "
                        f"{timeout:g} s; try again when it has finished",
                        path=str(state),
                    ) from exc
                sleep(_LOCK_POLL)
        try:
            yield
        finally:
            _unlock(file)
    finally:
        file.close()


def _corrupt(path: Path, why: str) -> StoreError:
    return StoreError(
        f"alert state {path} is not a readable alert state file ({why}); nothing was sent. "
        "Move it aside to start afresh (every alert that still holds is then sent again)",
        path=str(path),
    )


def read_state(path: Path) -> dict[str, Sent]:
    """The alerts sent and not yet resolved, by key; empty when the file does not exist.

    Raises:
        StoreError: The file cannot be read, is not JSON, or is not an alert state file.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise _corrupt(path, f"cannot read it: {exc.strerror or exc}") from exc
    try:
        data: Any = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _corrupt(path, f"not JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise _corrupt(path, f"no 'format': {_FORMAT!r}")
    if data.get("version") != _VERSION:
        raise _corrupt(path, f"version {data.get('version')!r}, expected {_VERSION}")
    entries = data.get("alerts")
    if not isinstance(entries, dict):
        raise _corrupt(path, "'alerts' is not an object")
    out: dict[str, Sent] = {}
    for key, entry in entries.items():
        try:
            if not isinstance(entry, dict):
                raise ValueError("not an object")
            sent = Sent(
                first_sent=_time(entry.get("first_sent")),
                last_seen=_time(entry.get("last_seen")),
                alert=alert_from_json(entry.get("alert") or {}),
            )
        except (TypeError, ValueError) as exc:
            raise _corrupt(path, f"entry {key[:80]!r}: {exc}") from exc
        if sent.alert.key != key:
            raise _corrupt(path, f"entry {key[:80]!r} holds the alert {sent.alert.key[:80]!r}")
        out[key] = sent
    return out


def _time(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("a time is missing")
    parsed = datetime.fromisoformat(value)
    if parsed.utcoffset() is None:
        raise ValueError(f"time {value[:40]!r} has no offset")
    return parsed


def write_state(path: Path, sent: dict[str, Sent]) -> None:
    """Replace the state file atomically with ``sent``.

    Raises:
        StoreError: The directory is not writable, or the disk is full.
    """
    data = {
        "format": _FORMAT,
        "version": _VERSION,
        "alerts": {
            key: {
                "first_sent": utc_text(s.first_sent),
                "last_seen": utc_text(s.last_seen),
                "alert": alert_to_json(s.alert),
            }
            for key, s in sorted(sent.items())
        },
    }
    text = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
        tmp = None
        _sync_directory(path.parent)
    except OSError as exc:
        raise StoreError(
            f"alert state {path}: cannot write it: {exc.strerror or exc}", path=str(path)
        ) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _sync_directory(directory: Path) -> None:
    # The rename is durable once the directory is synced (POSIX; Windows has no such call).
    if sys.platform == "win32":  # pragma: no cover
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
