"""The former home of :mod:`openai_org_usage.export`, which is public now; import from there.

Kept so that ``from openai_org_usage._export import to_pandas`` (the paginators' lazy import,
and code written against earlier releases) goes on working: it is the same objects.
"""

from .export import (
    PANDAS_DTYPES,
    Column,
    ColumnKind,
    Rows,
    columns,
    row_key,
    row_values,
    to_pandas,
    to_records,
)

__all__ = [
    "PANDAS_DTYPES",
    "Column",
    "ColumnKind",
    "Rows",
    "columns",
    "row_key",
    "row_values",
    "to_pandas",
    "to_records",
]
