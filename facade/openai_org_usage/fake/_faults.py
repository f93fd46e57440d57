"""Deterministic fault injection for the fake Usage API.

A :class:`FaultSchedule` decides, from its seed and the zero-based sequence number of a request
(the order in which the fake received it), whether that request fails and how. A scripted prefix
(``script=[None, "429", None, "500"]``) fixes the fate of the first requests exactly; after it,
the configured rates apply. The same seed and rates always give the same faults for the same
request numbers, so a flaky-network run can be replayed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal, get_args

from ._hashing import mix64, unit_interval

FaultKind = Literal[
    "429",
    "quota",
    "500",
    "502",
    "503",
    "malformed",
    "timeout",
    "disconnect",
    "echo_auth",
    "301",
    "307",
]
"""What an injected fault does.

``"429"``/``"500"``/``"502"``/``"503"``: that status with an OpenAI-style error body (429 also
carries ``Retry-After``, in seconds or, with ``retry_after_http_date``, as an HTTP date).
``"quota"``: a 429 that is not a rate limit: ``insufficient_quota`` and no ``Retry-After``, as
the live API answers when waiting will not help. ``"malformed"``: status 200 with a truncated
JSON body. ``"timeout"``: no response (the in-process transport raises
:class:`httpx.ReadTimeout`; the loopback server holds the connection for ``hang_seconds`` then
closes it). ``"disconnect"``: the connection is dropped without a response
(:class:`httpx.RemoteProtocolError` in process).

Hostile-server kinds, for testing a client's defences: ``"echo_auth"``: a 401 whose error
message quotes the request's ``Authorization`` header verbatim (``Bearer <key>``), so redaction
can be tested. ``"301"``/``"307"``: a redirect whose ``Location`` is ``redirect_to`` plus the
request's path and query.
"""

FAULT_KINDS: Final[tuple[FaultKind, ...]] = get_args(FaultKind)

DEFAULT_REDIRECT_TO: Final = "https://usage-redirect.example.invalid"
"""Where ``"301"``/``"307"`` faults point by default: another origin, which never resolves."""

# A distinct stream constant, so fault draws never correlate with the usage data of the same seed.
_FAULT_STREAM: Final = 0xFA017


class InjectedFault(Exception):
    """Raised by :meth:`FakeUsageAPI.handle` for faults that have no HTTP response at all.

    The httpx transport turns it into the matching httpx exception; the loopback server hangs
    and/or drops the connection.
    """

    def __init__(self, kind: Literal["timeout", "disconnect"], hang_seconds: float) -> None:
        super().__init__(f"injected {kind}")
        self.kind: Literal["timeout", "disconnect"] = kind
        self.hang_seconds = hang_seconds


class FaultSchedule:
    """Which requests fail, decided from ``seed`` and each request's sequence number.

    Rates are probabilities per request (their sum must not exceed 1); the hostile-server kinds
    (``"echo_auth"``, ``"301"``, ``"307"``) are scripted only. ``retry_after`` is the
    ``Retry-After`` value (seconds) sent with ``"429"`` faults, or ``None`` to omit the header;
    with ``retry_after_http_date=True`` it is sent as an HTTP date instead, the fake's ``now``
    plus ``retry_after`` seconds (so deterministic, and in the past by the wall clock).
    ``"quota"`` faults never carry it. ``hang_seconds`` is how long the loopback server holds a
    ``"timeout"`` request before closing the connection. ``redirect_to`` is the origin the
    ``"301"``/``"307"`` faults send clients to (``.invalid`` never resolves). ``script`` fixes
    the faults of the first ``len(script)`` requests (``None`` = no fault), after which the
    rates apply.
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        rate_429: float = 0.0,
        rate_500: float = 0.0,
        rate_502: float = 0.0,
        rate_503: float = 0.0,
        rate_malformed: float = 0.0,
        rate_timeout: float = 0.0,
        rate_disconnect: float = 0.0,
        rate_quota: float = 0.0,
        retry_after: int | None = 1,
        retry_after_http_date: bool = False,
        hang_seconds: float = 30.0,
        redirect_to: str = DEFAULT_REDIRECT_TO,
        script: Sequence[str | None] = (),
    ) -> None:
        rates: tuple[tuple[FaultKind, float], ...] = (
            ("429", rate_429),
            ("500", rate_500),
            ("502", rate_502),
            ("503", rate_503),
            ("malformed", rate_malformed),
            ("timeout", rate_timeout),
            ("disconnect", rate_disconnect),
            # Last, so schedules without quota faults draw exactly as before it existed.
            ("quota", rate_quota),
        )
        for kind, rate in rates:
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"rate for {kind!r} must be within [0, 1], got {rate!r}")
        if sum(rate for _, rate in rates) > 1.0 + 1e-12:
            raise ValueError("fault rates must sum to at most 1")
        if retry_after is not None and retry_after < 0:
            raise ValueError("retry_after must be >= 0 or None")
        if hang_seconds < 0:
            raise ValueError("hang_seconds must be >= 0")
        if not redirect_to.startswith(("http://", "https://")):
            raise ValueError(f"redirect_to must be an http(s) origin, got {redirect_to!r}")
        self.seed = seed
        self.retry_after = retry_after
        self.retry_after_http_date = retry_after_http_date
        self.hang_seconds = hang_seconds
        self.redirect_to = redirect_to.rstrip("/")
        self.script: tuple[FaultKind | None, ...] = tuple(_check_kind(k) for k in script)
        self._thresholds: list[tuple[float, FaultKind]] = []
        cumulative = 0.0
        for kind, rate in rates:
            if rate > 0.0:
                cumulative += rate
                self._thresholds.append((cumulative, kind))

    @classmethod
    def scripted(
        cls,
        script: Sequence[str | None],
        *,
        retry_after: int | None = 1,
        retry_after_http_date: bool = False,
    ) -> FaultSchedule:
        """A schedule that injects exactly ``script`` (by request index) and nothing after it."""
        return cls(
            script=script, retry_after=retry_after, retry_after_http_date=retry_after_http_date
        )

    def fault_for(self, index: int) -> FaultKind | None:
        """The fault for the request with zero-based sequence number ``index`` (None: none)."""
        if index < len(self.script):
            return self.script[index]
        if not self._thresholds:
            return None
        draw = unit_interval(mix64(_FAULT_STREAM, self.seed, index))
        for threshold, kind in self._thresholds:
            if draw < threshold:
                return kind
        return None

    def __repr__(self) -> str:
        rates = ", ".join(f"{kind}={threshold:.3g}" for threshold, kind in self._thresholds)
        return f"FaultSchedule(seed={self.seed}, cumulative=[{rates}], script={list(self.script)})"


def _check_kind(kind: str | None) -> FaultKind | None:
    if kind is None:
        return None
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS} or None")
    return kind


def coerce_faults(faults: FaultSchedule | Sequence[str | None] | None) -> FaultSchedule | None:
    """Accept a schedule, a plain script list, or None."""
    if faults is None or isinstance(faults, FaultSchedule):
        return faults
    if isinstance(faults, str):
        raise TypeError("faults must be a FaultSchedule or a sequence of fault kinds, not a str")
    return FaultSchedule.scripted(faults)
