"""Every error this package raises.

::

    OpenAIUsageError
    ├── InvalidParameterError (also a ValueError)   bad input, raised before any request
    ├── MissingAPIKeyError                          no key passed and OPENAI_ADMIN_KEY unset
    ├── MissingDependencyError (also ImportError)   an optional extra is not installed
    ├── StoreError                                  a database file that cannot be used
    │   └── SyncLockedError                         another sync holds the database
    └── APIError                                    something went wrong talking to the API
        ├── APIStatusError                          the API answered with an error status
        │   ├── BadRequestError                     400
        │   │   ├── LookbackExceededError           start older than the API serves (~1 year)
        │   │   └── GroupingRefusedError            a group_by/filter combination refused
        │   ├── AuthenticationError                 401
        │   ├── PermissionDeniedError               403
        │   ├── NotFoundError                       404
        │   ├── ConflictError                       409
        │   ├── RateLimitError                      429, with ``retry_after``
        │   │   └── QuotaExceededError              429 that waiting won't fix (quota, spend)
        │   ├── RedirectError                       3xx: the base URL points elsewhere
        │   └── InternalServerError                 5xx
        ├── APIConnectionError                      no answer: DNS, refused, reset ...
        │   └── APITimeoutError                     no answer in time
        └── ResponseValidationError                 an answer that is not a valid page
            └── PaginationError                     pages that do not chain (cursor loops ...)

Messages never contain the admin key, and quote at most a short prefix of a response body.
API errors carry ``attempts``: how many times the request was sent before giving up.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import httpx

_BODY_EXCERPT = 200


class OpenAIUsageError(Exception):
    """Base class of every error this package raises."""


class InvalidParameterError(OpenAIUsageError, ValueError):
    """A parameter failed validation before any request was sent.

    Attributes:
        param: The parameter's name, as the caller spelled it.
        value: The rejected value.
        allowed: What would have been accepted.
    """

    def __init__(self, param: str, value: object, allowed: str, *, hint: str | None = None) -> None:
        self.param = param
        self.value = value
        self.allowed = allowed
        self.hint = hint
        message = f"{param}={value!r} is not allowed; expected {allowed}"
        if hint:
            message += f". {hint}"
        super().__init__(message)


class MissingAPIKeyError(OpenAIUsageError):
    """No admin key was passed and ``OPENAI_ADMIN_KEY`` is not set."""

    def __init__(self) -> None:
        super().__init__(
            "no admin API key: pass api_key=... or set the OPENAI_ADMIN_KEY environment variable "
            "to an organization admin key (https://platform.openai.com/settings/organization/admin-keys)"
        )


class MissingDependencyError(OpenAIUsageError, ImportError):
    """A feature needs an optional extra that is not installed."""

    def __init__(self, feature: str, extra: str, module: str) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs the optional '{module}' package: pip install 'openai-usage[{extra}]'"
        )


class APIError(OpenAIUsageError):
    """Talking to the API failed.

    Attributes:
        request: The request that failed (its headers hold the key: never log them).
        attempts: How many times the request was sent, retries included.
    """

    def __init__(self, message: str, *, request: httpx.Request | None, attempts: int = 1) -> None:
        self.request = request
        self.attempts = attempts
        self._message = message
        super().__init__(message)

    def __str__(self) -> str:
        # The key travels in a header, never in the URL; the query is the caller's own filters.
        where = f" ({self.request.method} {self.request.url})" if self.request else ""
        tries = f" after {self.attempts} attempts" if self.attempts > 1 else ""
        return f"{self._message}{where}{tries}"

    def with_attempts(self, attempts: int) -> APIError:
        """Record how many attempts were made before this error was final."""
        self.attempts = attempts
        return self


class APIStatusError(APIError):
    """The API answered with an error status.

    Attributes:
        status_code: The HTTP status.
        request_id: The ``x-request-id`` header, for support tickets.
        message: The API's own error message (or a short body excerpt).
        param: The request parameter the API blamed, if any.
        code: The API's error code, if any.
        response: The response.
    """

    def __init__(self, response: httpx.Response, *, attempts: int = 1) -> None:
        self.response = response
        self.status_code = response.status_code
        self.request_id = response.headers.get("x-request-id")
        error = _error_object(response)
        self.message: str = str(error.get("message") or _excerpt(response) or "no message")
        self.param: str | None = error.get("param")
        self.code: str | None = error.get("code")
        self.error_type: str | None = error.get("type")
        text = f"HTTP {self.status_code}: {self.message}"
        if self.param:
            text += f" (param: {self.param})"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        super().__init__(text, request=response.request, attempts=attempts)


class BadRequestError(APIStatusError):
    """400: the API refused the parameters (``param`` names the one at fault)."""


class LookbackExceededError(BadRequestError):
    """400 ``reporting_lookback_exceeded``: ``start`` is older than the API serves.

    Attributes:
        earliest_start: The earliest start the API said it serves (UTC), if it said.
    """

    earliest_start: datetime | None = None


class GroupingRefusedError(BadRequestError):
    """400: the API refused this combination of ``group_by`` fields and filters.

    Attributes:
        group_by: The ``group_by`` fields of the refused request.
        filters: The names of the filters the refused request carried.
    """

    group_by: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()


class AuthenticationError(APIStatusError):
    """401: the key is missing, wrong, or not an admin key."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not read this organization's usage."""


class NotFoundError(APIStatusError):
    """404: no such endpoint (check ``base_url``)."""


class ConflictError(APIStatusError):
    """409: the API asked to try again."""


class RateLimitError(APIStatusError):
    """429: too many requests.

    Attributes:
        retry_after: Seconds the API asked to wait, if it said.
    """

    def __init__(self, response: httpx.Response, *, attempts: int = 1) -> None:
        super().__init__(response, attempts=attempts)
        self.retry_after: float | None = retry_after_seconds(response)


class QuotaExceededError(RateLimitError):
    """429 that waiting will not fix: a quota, billing or spend limit. Never retried.

    Attributes:
        limit_kind: What the limit probably is: ``"quota"``, ``"billing"`` or ``"spend"``.
    """

    limit_kind: str = "quota"


class RedirectError(APIStatusError):
    """3xx: the API answered with a redirect (the client does not follow them).

    Attributes:
        location: Where the redirect pointed, if it said.
    """

    location: str | None = None


class InternalServerError(APIStatusError):
    """5xx: the API failed."""


class StoreError(OpenAIUsageError):
    """A database file that cannot be used: unreadable, read-only, not a database, foreign.

    Attributes:
        path: The file.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(message)


class SyncLockedError(StoreError):
    """Another sync (or another process) holds the database."""


class APIConnectionError(APIError):
    """The request got no answer (DNS failure, refused or dropped connection ...)."""


class APITimeoutError(APIConnectionError):
    """The request got no answer in time."""


class ResponseValidationError(APIError):
    """The API answered 2xx with something that is not a valid page.

    No partial result is returned when this is raised.
    """


class PaginationError(ResponseValidationError):
    """Pages that do not chain: a repeated cursor, or ``has_more`` without a cursor."""


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def status_error(response: httpx.Response, *, attempts: int = 1) -> APIStatusError:
    """The error class for an error response."""
    cls = _STATUS_ERRORS.get(response.status_code)
    if cls is None:
        cls = InternalServerError if response.status_code >= 500 else APIStatusError
    return cls(response, attempts=attempts)


def connection_error(
    exc: httpx.TransportError, request: httpx.Request | None
) -> APIConnectionError:
    """Wrap an httpx transport error (call as ``raise connection_error(exc, req) from exc``)."""
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    kind = "timed out" if cls is APITimeoutError else "failed"
    return cls(f"request {kind}: {type(exc).__name__}: {exc}", request=request)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The wait a response asks for: ``retry-after-ms`` first, then ``Retry-After`` seconds."""
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        raw = response.headers.get(name)
        if raw is None:
            continue
        try:
            seconds = float(raw) * scale
        except ValueError:
            continue  # an HTTP date: rare here, and the backoff still applies
        if seconds >= 0:
            return seconds
    return None


def _error_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = json.loads(response.content)
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _excerpt(response: httpx.Response) -> str:
    text = response.content[:_BODY_EXCERPT].decode("utf-8", errors="replace").strip()
    return text + ("..." if len(response.content) > _BODY_EXCERPT else "")
