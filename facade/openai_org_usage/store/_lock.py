"""One sync per target at a time: an exclusive, non-blocking lock file.

The lock is taken before the pipeline's working directory or the target is touched, and
refused with ``SyncLockedError`` (one line). ``flock`` locks belong to an open file, not to
a process, so a second sync in another thread of the same process is refused too. The
holder deletes the lock file while it still holds the lock, just before releasing it; a sync
that opened the old file a moment earlier and then gets its lock sees that the name no longer
points at the file it locked, and starts over with the new one (so two syncs never both hold
"the" lock). Locks on network file systems may not be honoured: keep the working directory
local. A killed holder's lock dies with it (the kernel releases ``flock`` locks).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO

from openai_org_usage import StoreError, SyncLockedError

__all__ = ["FileLock"]

# A lock file that a finishing holder deleted under us is retried this often; more would
# mean syncs starting and ending back to back, so the next attempt is refused instead.
_LOCK_ATTEMPTS = 3

if sys.platform == "win32":
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


def _names_this_file(file: IO[bytes], path: Path) -> bool:
    """Whether ``path`` still is the open ``file`` (not deleted, not replaced)."""
    try:
        named = os.stat(path)
    except OSError:
        return False
    held = os.fstat(file.fileno())
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


class FileLock:
    """An exclusive, non-blocking lock on ``path``, guarding ``target`` (named in errors)."""

    def __init__(self, path: Path, target: str) -> None:
        self.path = path
        self.target = target
        self._file: IO[bytes] | None = None

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock, or raise ``SyncLockedError`` at once."""
        for _ in range(_LOCK_ATTEMPTS):
            try:
                # "a+b": created when missing, never truncated (another holder may have it).
                file = open(self.path, "a+b")  # noqa: SIM115 - held open until release()
            except OSError as exc:
                raise StoreError(
                    f"{self.target}: cannot create its lock file {self.path}: "
                    f"{exc.strerror or exc}; sync needs write access to that directory",
                    path=self.target,
                ) from exc
            try:
                _try_lock(file)
            except OSError as exc:
                file.close()
                raise SyncLockedError(
                    f"another sync is running on {self.target} (it holds {self.path}); "
                    "wait for it to finish",
                    path=self.target,
                ) from exc
            if _names_this_file(file, self.path):
                self._file = file
                return
            # The holder we raced with deleted this file on release: lock the new one.
            _unlock(file)
            file.close()
        raise SyncLockedError(
            f"another sync keeps taking {self.target} (its lock file {self.path} was replaced "
            f"{_LOCK_ATTEMPTS} times); wait for it to finish",
            path=self.target,
        )

    def release(self) -> None:
        """Delete the lock file and give up the lock."""
        if self._file is None:
            return
        try:
            # Deleted while still held: nobody can lock this file any more, and a sync that
            # opened it just now notices the name is gone (see acquire). Windows refuses to
            # delete an open file; the lock file then stays, which is harmless.
            with contextlib.suppress(OSError):
                if _names_this_file(self._file, self.path):
                    self.path.unlink()
            _unlock(self._file)
        finally:
            self._file.close()
            self._file = None
