"""The directory's cache file: JSON checked whole when read, written whole when written.

``Directory.cached`` and ``Directory.from_json`` use this. A file is trusted only when every
key is there and no other, and every field of every entry has its type (``parse``); one that
is not exactly such a file is logged as a warning and ``read`` says None, never an error, so
the caller lists afresh and writes over it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import tempfile
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

import attrs

from ._directory_entry import KINDS, Entry, kinds_text, seconds
from ._errors import InvalidParameterError

__all__ = ["ENTRY_CHECKS", "FORMAT", "Snapshot", "check_args", "parse", "read", "write"]

logger = logging.getLogger("openai_org_usage")

FORMAT: Final = 1
"""Version of the cache file's layout; a file of another version is listed afresh."""

_TOP_KEYS: Final = frozenset({"format", "fetched_at", "problems", "entries"})


@attrs.frozen
class Snapshot:
    """What a cache file (or ``to_json`` data) holds, checked."""

    entries: list[Entry]
    problems: list[str]
    fetched_at: datetime


def _optional_text(value: object) -> bool:
    return value is None or isinstance(value, str)


def _optional_time(value: object) -> bool:
    return value is None or seconds(value) is not None


# Each field of an Entry and what its JSON value must be (a test pins this to attrs.fields).
ENTRY_CHECKS: Final[Mapping[str, tuple[Callable[[object], bool], str]]] = {
    "kind": (lambda v: isinstance(v, str) and v in KINDS, kinds_text()),
    "id": (lambda v: isinstance(v, str) and bool(v), "a non-empty string"),
    "name": (_optional_text, "a string or null"),
    "email": (_optional_text, "a string or null"),
    "role": (_optional_text, "a string or null"),
    "project_id": (_optional_text, "a string or null"),
    "owner_type": (_optional_text, "a string or null"),
    "owner_id": (_optional_text, "a string or null"),
    "status": (_optional_text, "a string or null"),
    "archived": (lambda v: isinstance(v, bool), "true or false"),
    "key_type": (_optional_text, "a string or null"),
    "created_at": (_optional_time, "Unix seconds or null"),
    "archived_at": (_optional_time, "Unix seconds or null"),
    "last_used_at": (_optional_time, "Unix seconds or null"),
}


def _exact_keys(what: str, data: Mapping[Any, Any], keys: frozenset[str]) -> None:
    missing = sorted(keys - set(data))
    if missing:
        raise ValueError(f"{what} has no {missing[0]}")
    extra = [k for k in data if k not in keys]
    if extra:
        # The name of an unknown key is the file's text: say how many, not what.
        raise ValueError(f"{what} has {len(extra)} unknown key(s)")


def _entry(index: int, raw: object) -> Entry:
    where = f"entries[{index}]"
    if not isinstance(raw, dict):
        raise ValueError(f"{where} is not an object")
    _exact_keys(where, raw, frozenset(ENTRY_CHECKS))
    for name, (valid, expected) in ENTRY_CHECKS.items():
        if not valid(raw[name]):
            raise ValueError(f"{where}.{name} is not {expected}")
    return Entry(**raw)


def parse(data: Mapping[str, Any]) -> Snapshot:
    """``Directory.to_json`` data, checked whole (see ``Directory.from_json``).

    Raises:
        ValueError: the data is not such a directory (of this layout version); the message
            names the first field at fault, never quoting its value.
    """
    if not isinstance(data, Mapping):
        raise ValueError("a directory is a JSON object")
    form = data.get("format")
    if type(form) is not int or form != FORMAT:
        raise ValueError(f"not a directory of format {FORMAT}")
    _exact_keys("the directory", data, _TOP_KEYS)
    fetched_at = data["fetched_at"]
    if not isinstance(fetched_at, str):
        raise ValueError("fetched_at is not an ISO 8601 string")
    try:
        when = datetime.fromisoformat(fetched_at)
    except ValueError:
        raise ValueError("fetched_at is not an ISO 8601 time") from None
    if when.tzinfo is None:
        raise ValueError("fetched_at has no timezone")
    problems = data["problems"]
    if not isinstance(problems, list) or not all(isinstance(p, str) for p in problems):
        raise ValueError("problems is not a list of strings")
    raw_entries = data["entries"]
    if not isinstance(raw_entries, list):
        raise ValueError("entries is not a list")
    entries = [_entry(index, raw) for index, raw in enumerate(raw_entries)]
    return Snapshot(entries, problems, when)


def check_args(path: object, max_age: object) -> Path:
    """``cached``'s ``path`` as a ``Path``, once it and ``max_age`` are checked.

    Raises:
        InvalidParameterError: ``path`` is not a file path, or ``max_age`` not a positive
            ``timedelta``.
    """
    if not isinstance(path, str | os.PathLike) or not str(path):
        raise InvalidParameterError("path", path, "a file path (str or os.PathLike)")
    if not isinstance(max_age, timedelta) or max_age <= timedelta(0):
        raise InvalidParameterError("max_age", max_age, "a positive datetime.timedelta")
    return Path(path)


def _ignored(path: Path, why: str) -> None:
    logger.warning("directory cache %s %s; listing afresh", path, why)


def read(path: Path, base_url: str) -> Snapshot | None:
    """What ``path`` holds, or None: no file, another base URL, or not valid.

    Nothing in the file is trusted until all of it is checked (``parse``); a file that fails
    is a warning, never an error. How old it may be is the caller's to judge.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        _ignored(path, f"cannot be read ({exc.strerror or type(exc).__name__})")
        return None
    if not stat.S_ISREG(mode):
        # A directory, or a FIFO or device that reading would block on or never finish.
        _ignored(path, "is not a regular file")
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except OSError as exc:
        _ignored(path, f"cannot be read ({exc.strerror or type(exc).__name__})")
        return None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError: not JSON (also a number too long to convert); RecursionError: nested
        # deeper than the parser goes.
        _ignored(path, f"is not valid JSON ({type(exc).__name__})")
        return None
    if not isinstance(data, dict):
        _ignored(path, "is not a directory cache (not a JSON object)")
        return None
    cached_url = data.pop("base_url", None)
    if not isinstance(cached_url, str):
        _ignored(path, "is not a directory cache (no base_url)")
        return None
    try:
        found = parse(data)
    except ValueError as exc:
        _ignored(path, f"is not usable ({exc})")
        return None
    if cached_url != base_url:
        return None  # another API's: not damaged, just not ours
    return found


def write(path: Path, data: Mapping[str, Any], base_url: str) -> None:
    """``data`` (``Directory.to_json``) and ``base_url`` into ``path``, whole or not at all.

    A file that cannot be written is a warning, never an error.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed over the old file: a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({**data, "base_url": base_url}, out, indent=1, sort_keys=True)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        logger.warning("directory cache %s cannot be written (%s); not cached", path, exc)
