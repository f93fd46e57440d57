"""Sending one page request, with retries, through the generated client's httpx clients."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
import httpx
import tenacity

from ._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    connection_error,
    retry_after_seconds,
    status_error,
)
from ._models import Page
from ._operations import Operation
from ._parse import parse_page

logger = logging.getLogger("openai_usage")

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


def is_retryable(exc: BaseException) -> bool:
    """Retry rate limits, server faults and lost connections; never 400/401/403/404."""
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


def _stop(policy: RetryPolicy) -> tenacity.stop.stop_base:
    return tenacity.stop_any(
        tenacity.stop_after_attempt(policy.max_retries + 1),
        tenacity.stop_before_delay(policy.budget),
        _StopOnLongRetryAfter(policy.max_retry_after),
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
    if response.status_code >= 400:
        raise status_error(response)
    return response


class SyncSender:
    """Sends page requests on a sync httpx client (thread-safe: windows share it)."""

    def __init__(
        self,
        http: httpx.Client,
        policy: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = http
        self._policy = policy
        self.sleep = sleep

    def fetch(self, operation: Operation[Any], kwargs: dict[str, Any]) -> Page[Any]:
        """Send one page request (retrying as the policy says) and parse the page."""
        response, attempts = self.send_page(operation, kwargs)
        return parse_page(operation, response, attempts=attempts)

    def send_page(
        self, operation: Operation[Any], kwargs: dict[str, Any]
    ) -> tuple[httpx.Response, int]:
        """Send one page request, retrying; return the 2xx response and the attempts made."""
        request = _request(self._http, operation.build_request(**kwargs))
        retrying = tenacity.Retrying(
            sleep=lambda seconds: self.sleep(seconds), **_retrying_args(self._policy)
        )
        attempts = 0
        try:
            for attempt in retrying:
                with attempt:
                    attempts += 1
                    response = self._send(request)
        except APIError as exc:
            raise exc.with_attempts(attempts) from exc.__cause__
        return response, attempts

    def _send(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self._http.send(request)
            response.read()
        except httpx.TransportError as exc:
            raise connection_error(exc, request) from exc
        return _check(response)


class AsyncSender:
    """Sends page requests on an async httpx client."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        policy: RetryPolicy,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._http = http
        self._policy = policy
        self.sleep = sleep

    async def fetch(self, operation: Operation[Any], kwargs: dict[str, Any]) -> Page[Any]:
        """Send one page request (retrying as the policy says) and parse the page."""
        response, attempts = await self.send_page(operation, kwargs)
        return await self.parse(operation, response, attempts)

    async def parse(
        self, operation: Operation[Any], response: httpx.Response, attempts: int
    ) -> Page[Any]:
        """Parse a page off the event loop.

        Parsing a large page takes milliseconds of CPU; in a worker thread, other windows'
        responses keep arriving meanwhile.
        """
        return await asyncio.to_thread(parse_page, operation, response, attempts=attempts)

    async def send_page(
        self, operation: Operation[Any], kwargs: dict[str, Any]
    ) -> tuple[httpx.Response, int]:
        """Send one page request, retrying; return the 2xx response and the attempts made."""
        request = _request(self._http, operation.build_request(**kwargs))

        async def sleep(seconds: float) -> None:
            await self.sleep(seconds)

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
            response = await self._http.send(request)
            await response.aread()
        except httpx.TransportError as exc:
            raise connection_error(exc, request) from exc
        return _check(response)
