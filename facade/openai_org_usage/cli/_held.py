"""Rows held back until the shape of the output is known, on disk past a few thousand.

``--names`` adds a ``<field>_name`` column only for ID fields holding a value in some row, so
rows are held until every candidate field has shown one, or the fetch ends. Most exports
decide at the first row; one that never does (an ID field nobody grouped by) would hold every
row: past :data:`IN_MEMORY` rows they go to a temporary file, so memory stays flat.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import IO

from ._rows import Record

__all__ = ["IN_MEMORY", "HeldRows"]

IN_MEMORY = 5_000
"""Rows held in memory before the rest go to a temporary file."""


class HeldRows:
    """Chunks of rows, replayed in order once; a context manager that removes its file."""

    def __init__(self, in_memory: int | None = None) -> None:
        self._in_memory = IN_MEMORY if in_memory is None else in_memory
        self._chunks: list[list[Record]] = []
        self._rows = 0
        self._file: IO[bytes] | None = None
        self._spilled = 0

    def __enter__(self) -> HeldRows:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the temporary file, if there is one."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def add(self, chunk: list[Record]) -> None:
        """Hold ``chunk`` (rows of one page)."""
        if self._file is None and self._rows + len(chunk) <= self._in_memory:
            self._chunks.append(chunk)
            self._rows += len(chunk)
            return
        if self._file is None:
            # Our own rows, read back by this process only: pickle keeps every type exact.
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        pickle.dump(chunk, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._spilled += 1

    def drain(self) -> Iterator[list[Record]]:
        """Every chunk held, in the order added; the holder is empty afterwards."""
        chunks, self._chunks, self._rows = self._chunks, [], 0
        yield from chunks
        del chunks
        if self._file is not None:
            self._file.seek(0)
            for _ in range(self._spilled):
                loaded: list[Record] = pickle.load(self._file)
                yield loaded
            self.close()
            self._spilled = 0
