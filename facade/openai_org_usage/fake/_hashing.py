"""Cheap, stable integer hashing for the fake's deterministic data.

Python's ``hash()`` is salted per process and ``random`` seeding of tuples is not guaranteed
stable, so everything the fake derives from its seed goes through this SplitMix64 mixer instead.
"""

from __future__ import annotations

from typing import Final

_MASK: Final = (1 << 64) - 1


def _mix(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def mix64(*parts: int) -> int:
    """A 64-bit hash of a sequence of integers (order-sensitive)."""
    h = 0
    for part in parts:
        h = _mix(h ^ (part & _MASK))
    return h


def unit_interval(h: int) -> float:
    """Map a 64-bit hash to a float in [0, 1)."""
    return (h >> 11) * (1.0 / (1 << 53))


def lanes(h: int) -> tuple[float, float, float, float]:
    """Four independent-enough floats in [0, 1) from the 16-bit lanes of one hash."""
    return (
        (h & 0xFFFF) / 65536.0,
        ((h >> 16) & 0xFFFF) / 65536.0,
        ((h >> 32) & 0xFFFF) / 65536.0,
        ((h >> 48) & 0xFFFF) / 65536.0,
    )


def token(seed: int, kind: int, index: int, length: int) -> str:
    """A deterministic base62 identifier body, like the random suffixes of OpenAI IDs."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    out: list[str] = []
    h = mix64(seed, kind, index)
    counter = 0
    while len(out) < length:
        if h < 62:
            counter += 1
            h = mix64(seed, kind, index, counter)
        h, digit = divmod(h, 62)
        out.append(alphabet[digit])
    return "".join(out)
