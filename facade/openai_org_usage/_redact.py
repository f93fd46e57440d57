"""Secrets out of text: the request's bearer token and anything key-shaped, redacted.

Error messages quote what a server or proxy answered, and a server may echo the key; every
quote goes through here first, and is cut only after it is redacted.
"""

from __future__ import annotations

import re

import httpx

__all__ = ["REDACT_WINDOW", "bearer_token", "bytes_around", "excerpt", "redact", "text_or_none"]

_BODY_EXCERPT = 200
REDACT_WINDOW = 4096
"""Bytes decoded (and redacted) before an excerpt is cut: more than the excerpt plus the
longest key, so a key straddling the cut is redacted whole instead of leaking its first half."""
# A bearer token shorter than this is not searched for: replacing two letters everywhere would
# mangle the message and protect nothing.
_MIN_SECRET = 8
_REDACTED = "sk-...[redacted]"
# sk-admin-..., sk-proj-..., sk-svcacct-..., sk-... : 20+ characters of key alphabet.
_KEY_SHAPED = re.compile(r"sk-[A-Za-z0-9_-]{17,}")


def bearer_token(request: httpx.Request | None) -> str | None:
    """The request's bearer token (or whole ``Authorization`` value), if long enough to hunt."""
    if request is None:
        return None
    credentials = request.headers.get("authorization", "").strip()
    scheme, _, token = credentials.partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else credentials
    return token if len(token) >= _MIN_SECRET else None


def redact(text: str, token: str | None) -> str:
    """``text`` without the bearer token and without anything key-shaped."""
    if token:
        text = text.replace(token, _REDACTED if token.startswith("sk-") else "[redacted]")
    return _KEY_SHAPED.sub(_REDACTED, text)


def text_or_none(value: object, token: str | None) -> str | None:
    """``value`` as redacted text, None kept."""
    return None if value is None else redact(str(value), token)


def excerpt(response: httpx.Response, token: str | None, *, limit: int = _BODY_EXCERPT) -> str:
    """At most ``limit`` characters of the body, redacted before it is cut."""
    content = response.content
    text = redact(content[:REDACT_WINDOW].decode("utf-8", errors="replace"), token).strip()
    if len(text) <= limit and len(content) <= REDACT_WINDOW:
        return text
    return text[:limit].rstrip() + "..."


def bytes_around(
    content: bytes, offset: int, request: httpx.Request | None, *, width: int = 32
) -> str:
    """At most ``width`` bytes either side of ``offset``, as a bytes literal, secrets redacted.

    For a body that cannot be decoded as text: every byte is shown as it is (anything but
    printable ASCII as a ``\\xNN`` escape, so nothing in it reaches a terminal raw). Redacted
    before it is cut, like :func:`excerpt`, so a key straddling the cut is not half shown.

    Example:
        >>> print(bytes_around(b'{"a": "x\\xff"}', 8, None))
        {"a": "x\\xff"}
    """
    token = bearer_token(request)
    half = REDACT_WINDOW // 2
    start = max(0, offset - half)
    # Latin-1 maps each byte to one character and back: redaction sees the bytes as they are.
    before = redact(content[start:offset].decode("latin-1"), token)
    after = redact(content[offset : offset + half].decode("latin-1"), token)
    shown = (before[-width:] + after[:width]).encode("latin-1")
    lead = "..." if start > 0 or len(before) > width else ""
    tail = "..." if offset + half < len(content) or len(after) > width else ""
    return f"{lead}{repr(shown)[2:-1]}{tail}"
