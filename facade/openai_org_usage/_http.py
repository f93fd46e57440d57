"""Sending one page request, with retries, through the generated client's httpx clients.

Each attempt has a whole-response deadline (the client's ``timeout``), not only httpx's
per-read timeout: a server that dribbles its body a byte at a time is cut off. The body is
read here, checked, and handed on as a fresh response that owns nothing but its bytes: the
response httpx returns sits in a reference cycle with its stream and would hold a page's
bytes until the cyclic collector runs (see bench/memory.py).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import attrs
import httpx
import tenacity

from ._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    QuotaExceededError,
    RateLimitError,
    ResponseValidationError,
)
from ._operations import Operation
from ._responses import connection_error, status_error
from ._retry_after import retry_after_seconds

logger = logging.getLogger("openai_org_usage")

# 408 and 409 are the API's "try again"; 429 is a rate limit; 5xx a server fault.
RETRYABLE_STATUSES = frozenset({408, 409, 429})


@attrs.frozen
class RetryPolicy:
    """When and how long to retry.

    Attributes:
        max_retries: Retries after the first attempt (0 disables retrying).
        initial_backoff: Upper bound of the first jittered wait, in seconds.
        max_backoff: Upper bound of any jittered wait.
        budget: Seconds from the first attempt after which no retry is started.
        max_retry_after: The longest ``Retry-After`` honoured; a longer ask fails fast.
    """

    max_retries: int = 3
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    budget: float = 120.0
    max_retry_after: float = 60.0


class PullStopped(Exception):
    """The pull this request belonged to has ended: nobody wants its answer any more.

    Raised instead of sleeping out a retry wait or reading the rest of a body; never reaches
    a caller (the paginator that set the stop flag has stopped listening).
    """


def is_retryable(exc: BaseException) -> bool:
    """Retry rate limits, server faults and lost connections; never 400/401/403/404.

    A quota, billing or spend limit (``QuotaExceededError``) is a 429 that waiting does not
    fix: it is not retried.
    """
    if isinstance(exc, QuotaExceededError):
        return False
    if isinstance(exc, APIStatusError):
        return exc.status_code in RETRYABLE_STATUSES or exc.status_code >= 500
    return isinstance(exc, APIConnectionError)


def _wait(policy: RetryPolicy) -> Callable[[tenacity.RetryCallState], float]:
    # Full jitter (uniform in [0, min(max, initial * 2**n)]) spreads out clients that failed
    # together; an explicit Retry-After from the server wins over it.
    jitter = tenacity.wait_random_exponential(
        multiplier=policy.initial_backoff, max=policy.max_backoff
    )

    def wait(state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, APIStatusError):
            asked = retry_after_seconds(exc.response)
            if asked is not None:
                return asked
        return float(jitter(state))

    return wait


class _StopOnLongRetryAfter(tenacity.stop.stop_base):
    """Stop when the server asks to wait longer than the policy allows.

    Waiting minutes inside a paginator helps nobody: fail now, with the server's ask on the
    error (``RateLimitError.retry_after``), and let the caller decide.
    """

    def __init__(self, limit: float) -> None:
        self.limit = limit

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, APIStatusError):
            asked = retry_after_seconds(exc.response)
            return asked is not None and asked > self.limit
        return False


class _StopOnUnexplained429(tenacity.stop.stop_base):
    """Retry a 429 that names no wait once, not until the budget is spent.

    The API sends ``Retry-After`` when waiting may help; a 429 without it is as likely a
    quota, billing or spend limit, which no number of retries fixes.
    """

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        return (
            isinstance(exc, RateLimitError)
            and exc.retry_after is None
            and retry_state.attempt_number >= _UNEXPLAINED_429_ATTEMPTS
        )


_UNEXPLAINED_429_ATTEMPTS = 2


def _stop(policy: RetryPolicy) -> tenacity.stop.stop_base:
    return tenacity.stop_any(
        tenacity.stop_after_attempt(policy.max_retries + 1),
        tenacity.stop_before_delay(policy.budget),
        _StopOnLongRetryAfter(policy.max_retry_after),
        _StopOnUnexplained429(),
    )


def _retrying_args(policy: RetryPolicy) -> dict[str, Any]:
    # What to retry, when to stop and how long to wait: shared by the sync and async senders.
    return {
        "retry": tenacity.retry_if_exception(is_retryable),
        "stop": _stop(policy),
        "wait": _wait(policy),
        "reraise": True,
    }


def _request(http: httpx.Client | httpx.AsyncClient, kwargs: dict[str, Any]) -> httpx.Request:
    return http.build_request(
        method=kwargs["method"], url=kwargs["url"], params=kwargs.get("params")
    )


def _check(response: httpx.Response) -> httpx.Response:
    logger.debug(
        "%s %s -> %s", response.request.method, response.request.url.path, response.status_code
    )
    # 3xx too: redirects are not followed (they would carry the key elsewhere), so a 3xx
    # here means the base URL points at the wrong place.
    if response.status_code >= 300:
        raise status_error(response)
    return response


# Headers that describe the wire encoding of the body, which the settled response no longer
# has: its content is already decoded and complete.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def _settled(response: httpx.Response, body: bytes, request: httpx.Request) -> httpx.Response:
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _WIRE_HEADERS]
    return httpx.Response(response.status_code, headers=headers, content=body, request=request)


def _deadline_error(request: httpx.Request, seconds: float) -> APITimeoutError:
    return APITimeoutError(
        f"request timed out: no complete response within {seconds:g} s", request=request
    )


# Everything httpx raises: its request errors, and the few outside that tree.
_HTTPX_ERRORS = (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, httpx.CookieConflict)


def _wrapped(exc: Exception, request: httpx.Request) -> APIError:
    """Every httpx failure as an error of this package."""
    if isinstance(exc, httpx.DecodingError):
        return ResponseValidationError(
            f"response body could not be decoded: {type(exc).__name__}: {exc}", request=request
        )
    if isinstance(exc, httpx.TransportError):
        return connection_error(exc, request)
    return APIConnectionError(f"request failed: {type(exc).__name__}: {exc}", request=request)


HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)
SleepT = TypeVar("SleepT", Callable[[float], None], Callable[[float], Awaitable[None]])


class _Sender(Generic[HttpT, SleepT]):
    """What both senders hold: the httpx client, the retry policy, the wait and the deadline."""

    def __init__(
        self,
        http: HttpT,
        policy: RetryPolicy,
        sleep: SleepT | None = None,
        *,
        deadline: float = 60.0,
    ) -> None:
        self._http: HttpT = http
        self._policy = policy
        self.sleep: SleepT | None = sleep
        self.deadline = deadline


class SyncSender(_Sender[httpx.Client, Callable[[float], None]]):
    """Sends page requests on a sync httpx client (thread-safe: windows share it).

    ``sleep``, when set, replaces the wait between retries (tests record the waits with it);
    by default a wait ends early when the pull it serves stops.
    """

    def send_page(
        self,
        operation: Operation[Any],
        kwargs: dict[str, Any],
        stop: threading.Event | None = None,
    ) -> tuple[httpx.Response, int]:
        """Send one page request, retrying; return the 2xx response and the attempts made.

        Raises:
            APIError: the request failed for good.
            PullStopped: ``stop`` was set (during a retry wait or while reading a body).
        """
        request = _request(self._http, operation.build_request(**kwargs))
        retrying = tenacity.Retrying(
            sleep=lambda seconds: self._pause(seconds, stop), **_retrying_args(self._policy)
        )
        attempts = 0
        try:
            for attempt in retrying:
                with attempt:
                    attempts += 1
                    response = self._send(request, stop)
        except APIError as exc:
            raise exc.with_attempts(attempts) from exc.__cause__
        return response, attempts

    def _pause(self, seconds: float, stop: threading.Event | None) -> None:
        if self.sleep is not None:
            self.sleep(seconds)
        elif stop is not None:
            stop.wait(seconds)
        else:
            time.sleep(seconds)
        if stop is not None and stop.is_set():
            raise PullStopped()

    def _send(self, request: httpx.Request, stop: threading.Event | None) -> httpx.Response:
        deadline = time.monotonic() + self.deadline
        try:
            response = self._http.send(request, stream=True)
            try:
                chunks: list[bytes] = []
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    if stop is not None and stop.is_set():
                        raise PullStopped()
                    if time.monotonic() > deadline:
                        raise _deadline_error(request, self.deadline)
            finally:
                response.close()
        except _HTTPX_ERRORS as exc:
            raise _wrapped(exc, request) from exc
        return _check(_settled(response, b"".join(chunks), request))


class AsyncSender(_Sender[httpx.AsyncClient, Callable[[float], Awaitable[None]]]):
    """Sends page requests on an async httpx client.

    ``sleep``, when set, replaces the wait between retries (tests record the waits with it);
    by default ``asyncio.sleep``.
    """

    async def send_page(
        self, operation: Operation[Any], kwargs: dict[str, Any]
    ) -> tuple[httpx.Response, int]:
        """Send one page request, retrying; return the 2xx response and the attempts made."""
        request = _request(self._http, operation.build_request(**kwargs))

        async def sleep(seconds: float) -> None:
            await (self.sleep or asyncio.sleep)(seconds)

        retrying = tenacity.AsyncRetrying(sleep=sleep, **_retrying_args(self._policy))
        attempts = 0
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    response = await self._send(request)
        except APIError as exc:
            raise exc.with_attempts(attempts) from exc.__cause__
        return response, attempts

    async def _send(self, request: httpx.Request) -> httpx.Response:
        try:
            async with asyncio.timeout(self.deadline):
                response = await self._http.send(request, stream=True)
                try:
                    body = b"".join([chunk async for chunk in response.aiter_bytes()])
                finally:
                    await response.aclose()
        except TimeoutError as exc:
            raise _deadline_error(request, self.deadline) from exc
        except _HTTPX_ERRORS as exc:
            raise _wrapped(exc, request) from exc
        return _check(_settled(response, body, request))
