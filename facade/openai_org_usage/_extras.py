"""Optional dependencies, imported on first use: pyarrow, for the ``arrow`` extra.

Without it, ``MissingDependencyError`` names the extra to install. Nothing else imports
pyarrow to check that it is there.
"""

from __future__ import annotations

from typing import Any

from ._errors import MissingDependencyError

__all__ = ["require_pyarrow"]


def require_pyarrow(feature: str = "Arrow tables") -> Any:
    """The pyarrow module, or ``MissingDependencyError`` naming the ``arrow`` extra."""
    try:
        import pyarrow
    except ImportError as exc:
        raise MissingDependencyError(feature, "arrow", "pyarrow") from exc
    return pyarrow
