r"""Text from people and servers, made safe to show: control characters escaped visibly.

Project, user and key names are typed by people in the organization; error messages come
from servers and proxies. A terminal obeys what they may hold: ESC sequences (colours, a
cleared screen, a window title, hyperlinks), other C0 and C1 controls (a carriage return
that overwrites, a newline that forges a table row) and bidi overrides that reverse what
follows. :func:`shown` writes each of those as its escape (``\x1b``, ``\n``, ``\u202e``)
so a person sees that it is there, and the text stays one line. Everything else, backslashes
included, is left as typed. Output for programs (CSV, JSON, NDJSON, the store) keeps the
data exact and never passes through here.
"""

from __future__ import annotations

from typing import Final

__all__ = ["ESCAPED", "shown"]

_NAMED: Final = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}
# C0, DEL and C1: every control a terminal may act on.
_CONTROLS: Final = (*range(0x00, 0x20), *range(0x7F, 0xA0))
# Marks, embeddings, overrides and isolates that reorder the text around them.
_BIDI: Final = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
# Line and paragraph separators: str.splitlines, editors and some terminals break lines there.
_SEPARATORS: Final = (0x2028, 0x2029)


def _escape(code: int) -> str:
    if code in _NAMED:
        return _NAMED[code]
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


ESCAPED: Final[dict[int, str]] = {
    code: _escape(code) for code in (*_CONTROLS, *_BIDI, *_SEPARATORS)
}
"""Code point -> what is shown instead (the ``str.translate`` table, built once)."""


def shown(text: str) -> str:
    r"""``text`` with every control, bidi and line-separator character escaped visibly.

    Args:
        text: A name, a message: anything a person reads that a person or server wrote.

    Returns:
        The same text on one line: ESC reads ``\x1b``, a newline ``\n``, U+202E ``\u202e``.

    Example:
        >>> print(shown("ops\x1b[2J\n\u202eevil"))
        ops\x1b[2J\n\u202eevil
    """
    return text.translate(ESCAPED)
