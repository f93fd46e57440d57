"""Signed webhook bodies: HMAC-SHA256 over ``"<unix time>.<body>"``, Stripe-style.

The header ``X-OpenAI-Org-Usage-Signature: t=1764547200,v1=5f2c...`` carries the time the
body was signed and the hex HMAC-SHA256, keyed with the shared secret, of the timestamp, a
``.`` and the exact body bytes. Signing the time with the body lets a receiver refuse a
replayed request: :func:`verify_signature` accepts a signature only within ``tolerance``
seconds of its own clock. A receiver in another language does the same in five lines::

    t, v1 = (dict(p.split("=", 1) for p in header.split(","))[k] for k in ("t", "v1"))
    expected = hmac.new(secret, f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    ok = hmac.compare_digest(expected, v1) and abs(time.time() - int(t)) <= 300
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Final

__all__ = ["SIGNATURE_HEADER", "secret_bytes", "signature_header", "verify_signature"]

SIGNATURE_HEADER: Final = "X-OpenAI-Org-Usage-Signature"
"""The header that carries a signed body's signature."""

# A header longer than this is not parsed: nobody signs with a hundred secrets.
_MAX_HEADER: Final = 4096


def secret_bytes(secret: str | bytes) -> bytes:
    """The secret as the HMAC key: UTF-8 for text."""
    return secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)


def _digest(key: bytes, timestamp: int, body: bytes) -> str:
    return hmac.new(key, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(body: bytes, secret: str | bytes, timestamp: int) -> str:
    """The signature header's value for ``body`` signed at ``timestamp`` (Unix seconds).

    Example:
        >>> signature_header(b"{}", "s3cret", 1764547200)[:13]
        't=1764547200,'
    """
    return f"t={timestamp},v1={_digest(secret_bytes(secret), timestamp, body)}"


def verify_signature(
    body: bytes | str,
    header: str | None,
    secret: str | bytes,
    tolerance: float = 300,
    *,
    now: float | None = None,
) -> bool:
    """Whether ``header`` is a valid, fresh signature of ``body`` by ``secret``.

    For receivers: pass the raw request body (before any JSON parsing: re-encoding changes the
    bytes) and the ``X-OpenAI-Org-Usage-Signature`` header. A header may carry several ``v1=``
    signatures (while a secret is rotated); one match is enough. Receiver example::

        from openai_org_usage.alerts import SIGNATURE_HEADER, verify_signature

        def receive(request):  # any framework: the raw body and one header
            if not verify_signature(request.body, request.headers.get(SIGNATURE_HEADER), SECRET):
                return 401  # forged, tampered with, or replayed more than 5 minutes later
            alert = json.loads(request.body)  # dedupe on (alert["key"], alert["status"])

    Args:
        body: The request body as received (text is read as UTF-8).
        header: The signature header's value (``None`` or empty: not signed, so ``False``).
        secret: The shared secret given to ``send_alerts(secret=...)``.
        tolerance: Largest accepted age (and clock skew into the future), in seconds.
        now: The current Unix time (default: the clock).

    Returns:
        ``True`` when a ``v1`` signature matches and its time is within ``tolerance``;
        ``False`` for anything else (malformed, stale, tampered with, wrong secret).

    Example::

        verify_signature(b'{"key": "..."}', "t=1764547200,v1=...", "s3cret")
    """
    if not header or len(header) > _MAX_HEADER or not secret:
        return False
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isascii() and value.isdigit():
            timestamp = int(value)
        elif name == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        return False
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    expected = _digest(secret_bytes(secret), timestamp, data)
    # Every candidate is compared (no early exit) so timing says nothing about which matched.
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(expected, candidate.encode("ascii", "replace").decode())
    return matched
