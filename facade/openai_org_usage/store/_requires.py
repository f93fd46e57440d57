"""The sync's optional packages (the ``duckdb`` extra: dlt and duckdb; the ``delta`` extra:
deltalake), imported on first use.

Without one, ``MissingDependencyError`` names the extra to install. The store's one door to
them, as ``openai_org_usage._extras`` is the package's (a private module, which the store, a
client of the public API, does not import).
"""

from __future__ import annotations

import os
from typing import Any

from openai_org_usage import MissingDependencyError

__all__ = ["require_deltalake", "require_dlt", "require_duckdb"]

# The sync is the extra's whole feature: its packages all name it.
_FEATURE = "sync"
_EXTRA = "duckdb"


def require_dlt() -> Any:
    """dlt, with its anonymous telemetry off unless the user configured it.

    This machine's syncs talk to the API and the destination only; dlt reads the setting
    when it starts, so it is set before the first import.
    """
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    try:
        import dlt
    except ImportError as exc:
        raise _missing("dlt") from exc
    return dlt


def require_duckdb() -> Any:
    """The duckdb module, or ``MissingDependencyError`` naming the ``duckdb`` extra."""
    try:
        import duckdb
    except ImportError as exc:
        raise _missing("duckdb") from exc
    return duckdb


def require_deltalake() -> Any:
    """The deltalake module (Delta tables on a filesystem destination), or
    ``MissingDependencyError`` naming the ``delta`` extra."""
    try:
        import deltalake
    except ImportError as exc:
        raise MissingDependencyError("sync --table-format delta", "delta", "deltalake") from exc
    return deltalake


def _missing(module: str) -> MissingDependencyError:
    return MissingDependencyError(_FEATURE, _EXTRA, module)
