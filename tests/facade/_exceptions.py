"""Walking an exception's whole chain, for tests that check no link of it shows the key."""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["exception_chain"]


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception it was raised from or during, each once."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend([current.__cause__, current.__context__])
