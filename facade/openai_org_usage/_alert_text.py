r"""Text that goes into alerts: secrets out, controls escaped, Slack markup neutralised.

Names are typed by people in the organization and reach a chat channel, so each one is
cleaned the same way: anything key-shaped and the admin key (``OPENAI_ADMIN_KEY``) are
redacted (:func:`clean`); for people, controls, bidi overrides and line separators are
escaped visibly (:func:`shown`, the same rule as the command line's ``cli._shown``, which the
library may not import: ``tests/alerts/test_text.py`` keeps the two tables equal); for Slack,
``&``, ``<`` and ``>`` become entities (:func:`slack_text`), so ``<!channel>`` cannot ping and
``<https://evil|click>`` cannot link.
"""

from __future__ import annotations

import os
from typing import Final

from ._redact import redact

__all__ = ["ESCAPED", "clean", "clip", "shown", "slack_text"]

_NAMED: Final = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}
_CONTROLS: Final = (*range(0x00, 0x20), *range(0x7F, 0xA0))
_BIDI: Final = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_SEPARATORS: Final = (0x2028, 0x2029)
# An admin key shorter than this is not searched for: replacing two letters everywhere would
# mangle every name and protect nothing (the same floor as the client's own redaction).
_MIN_SECRET: Final = 8


def _escape(code: int) -> str:
    if code in _NAMED:
        return _NAMED[code]
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


ESCAPED: Final[dict[int, str]] = {
    code: _escape(code) for code in (*_CONTROLS, *_BIDI, *_SEPARATORS)
}
"""Code point -> what is shown instead (equal to ``cli._shown.ESCAPED``)."""

_SLACK: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def clean(text: str) -> str:
    """``text`` without the admin key (``OPENAI_ADMIN_KEY``) and without anything key-shaped.

    Example:
        >>> clean("team " + "sk-" + "admin-abcdefghijklmnopqrstuvwxyz")
        'team sk-...[redacted]'
    """
    token = os.environ.get("OPENAI_ADMIN_KEY", "").strip()
    return redact(text, token if len(token) >= _MIN_SECRET else None)


def shown(text: str) -> str:
    r"""``text`` on one line, every control, bidi and line-separator character escaped visibly.

    Example:
        >>> shown("ops\x1b[2J\n\u202eevil")
        'ops\\x1b[2J\\n\\u202eevil'
    """
    return text.translate(ESCAPED)


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters of ``text``, ``...`` marking a cut.

    Example:
        >>> clip("abcdef", 5)
        'ab...'
    """
    return text if len(text) <= limit else text[: max(limit - 3, 0)] + "..."


def slack_text(text: str, limit: int = 200) -> str:
    """``text`` made safe for Slack mrkdwn: escaped visibly, clipped, ``&<>`` as entities.

    Clipped before the entities are written, so a cut never splits ``&amp;``.

    Example:
        >>> slack_text("<!channel> & co")
        '&lt;!channel&gt; &amp; co'
    """
    return clip(shown(text), limit).translate(_SLACK)
