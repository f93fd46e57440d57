"""Optional dependencies, imported on first use: pyarrow (``arrow`` extra), pandas (``pandas``).

Without one, ``MissingDependencyError`` names the extra to install. Nothing else imports
pyarrow or pandas to check that it is there.
"""

from __future__ import annotations

from typing import Any

from ._errors import MissingDependencyError

__all__ = ["require_pandas", "require_pyarrow"]


def require_pyarrow(feature: str = "Arrow tables") -> Any:
    """The pyarrow module, or ``MissingDependencyError`` naming the ``arrow`` extra."""
    try:
        import pyarrow
    except ImportError as exc:
        raise MissingDependencyError(feature, "arrow", "pyarrow") from exc
    return pyarrow


def require_pandas(feature: str = "DataFrames") -> Any:
    """The pandas module, or ``MissingDependencyError`` naming the ``pandas`` extra."""
    try:
        import pandas
    except ImportError as exc:
        raise MissingDependencyError(feature, "pandas", "pandas") from exc
    return pandas
