"""Every error this package raises.

::

    OpenAIUsageError
    ├── InvalidParameterError (also a ValueError)   bad input, raised before any request
    │   └── MixedCurrencyError                      one total asked of amounts in several
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

Messages never contain the admin key, and quote at most a short prefix of a response body:
the request's bearer token and anything key-shaped (``sk-...``) is redacted wherever a server
or proxy echoed it.
API errors carry ``attempts``: how many times the request was sent before giving up.
"""

from __future__ import annotations

from datetime import datetime

import httpx

from ._error_object import earliest_start, error_object, grouping_of, limit_kind, request_of
from ._redact import REDACT_WINDOW, bearer_token, excerpt, redact, text_or_none
from ._retry_after import retry_after_seconds


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


class MixedCurrencyError(InvalidParameterError):
    """One amount was asked of money in several currencies, which are never added.

    Raised by a result whose single-currency view (``totals``, ``currency``, ``by_group()``
    without ``currency=``) is read while it holds several currencies.

    Attributes:
        currencies: The currencies present (lowercase ISO codes).
    """

    def __init__(self, currencies: tuple[str, ...], *, hint: str | None = None) -> None:
        self.currencies = currencies
        listed = ", ".join(repr(c) for c in currencies)
        super().__init__(
            "currency",
            None,
            f"one of {listed}: the amounts are in {len(currencies)} currencies",
            hint=hint,
        )


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
            f"{feature} needs the optional '{module}' package: "
            f"pip install 'openai-org-usage[{extra}]'"
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
        # Redacted here so that ``args`` (and so repr() and pickles) are clean too.
        message = redact(message, bearer_token(request))
        self._message = message
        super().__init__(message)

    def __str__(self) -> str:
        # The key travels in a header, never in the URL; the query is the caller's own filters.
        # The URL is redacted all the same: a caller may have put a key where it does not belong.
        where = f" ({self.request.method} {self.request.url})" if self.request else ""
        tries = f" after {self.attempts} attempts" if self.attempts > 1 else ""
        return redact(f"{self._message}{where}{tries}", bearer_token(self.request))

    def with_attempts(self, attempts: int) -> APIError:
        """Record how many attempts were made before this error was final."""
        self.attempts = attempts
        return self


class APIStatusError(APIError):
    """The API answered with an error status.

    Attributes:
        status_code: The HTTP status.
        request_id: The ``x-request-id`` header, for support tickets.
        message: The API's own error message (or a short body excerpt), with secrets redacted.
        param: The request parameter the API blamed, if any.
        code: The API's error code, if any.
        error_type: The API's error type, if any.
        response: The response.
    """

    def __init__(self, response: httpx.Response, *, attempts: int = 1) -> None:
        request = request_of(response)
        token = bearer_token(request)
        self.response = response
        self.status_code = response.status_code
        self.request_id = response.headers.get("x-request-id")
        error = error_object(response)
        raw_message = error.get("message")
        self.message: str = redact(
            str(raw_message) if raw_message else excerpt(response, token) or "no message", token
        )
        self.param: str | None = text_or_none(error.get("param"), token)
        self.code: str | None = text_or_none(error.get("code"), token)
        self.error_type: str | None = text_or_none(error.get("type"), token)
        text = f"HTTP {self.status_code}: {self._summary()}"
        if self.param:
            text += f" (param: {self.param})"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        super().__init__(text, request=request, attempts=attempts)

    def _summary(self) -> str:
        # What follows "HTTP nnn: ". Subclasses that know more say what to do about it.
        return self.message


class BadRequestError(APIStatusError):
    """400: the API refused the parameters (``param`` names the one at fault)."""


class LookbackExceededError(BadRequestError):
    """400 ``reporting_lookback_exceeded``: ``start`` is older than the API serves.

    The API serves about one year of history, a window that rolls forward daily.

    Attributes:
        earliest_start: The earliest start the API said it serves (UTC), if it said.
    """

    earliest_start: datetime | None = None

    def __init__(self, response: httpx.Response, *, attempts: int = 1) -> None:
        error = error_object(response)
        self.earliest_start = earliest_start(
            str(error.get("message") or excerpt(response, None, limit=REDACT_WINDOW))
        )
        super().__init__(response, attempts=attempts)

    def _summary(self) -> str:
        if self.earliest_start is None:
            advice = "the API serves about one year of history; start within the past year"
        else:
            day = self.earliest_start.strftime("%Y-%m-%d")
            if self.earliest_start.time() != datetime.min.time():
                day = self.earliest_start.strftime("%Y-%m-%d %H:%M:%S")
            # The API's own sentence says the same date again: the advice replaces it.
            return f"the API serves no data before {day} (UTC); start at or after that date"
        return f"{advice}: {self.message}"


class GroupingRefusedError(BadRequestError):
    """400: the API refused this combination of ``group_by`` fields and filters.

    Which combinations are refused depends on the organization and the time range (costs by
    ``user_id`` with ``project_id`` is the usual one), so it cannot be checked before sending.

    Attributes:
        group_by: The ``group_by`` fields of the refused request.
        filters: The names of the filters the refused request carried.
        operation: The refused operation (the URL path's last segment, e.g. ``"costs"``).
    """

    group_by: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    operation: str | None = None

    def __init__(self, response: httpx.Response, *, attempts: int = 1) -> None:
        request = request_of(response)
        if request is not None:
            self.group_by, self.filters = grouping_of(request.url)
            self.operation = request.url.path.rstrip("/").rsplit("/", 1)[-1] or None
        super().__init__(response, attempts=attempts)

    def _summary(self) -> str:
        grouping = f"group_by={','.join(self.group_by)}" if self.group_by else "without group_by"
        with_filters = ""
        if self.filters:
            plural = "s" if len(self.filters) > 1 else ""
            with_filters = f" (with filter{plural} {', '.join(self.filters)})"
        operation = self.operation or "the request"
        return f"the API refused {operation} {grouping}{with_filters}: {self.message}"


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

    The API sends ``Retry-After`` only when retrying later may succeed; without it the 429 may
    be a quota, billing or spend limit that the API did not label as such.

    Attributes:
        retry_after: Seconds the API asked to wait, if it said (``None`` when it did not).
    """

    def __init__(self, response: httpx.Response, *, attempts: int = 1) -> None:
        self.retry_after: float | None = retry_after_seconds(response)
        super().__init__(response, attempts=attempts)

    def _summary(self) -> str:
        if self.retry_after is not None:
            return self.message
        return (
            f"{self.message} (no Retry-After: this may be a quota, billing or spend limit "
            "rather than a rate limit)"
        )


_LIMIT_ADVICE = {
    "quota": "the organization's quota is used up",
    "billing": "a billing limit was reached or billing is not active",
    "spend": "the organization's spend limit was reached",
}


class QuotaExceededError(RateLimitError):
    """429 that waiting will not fix: a quota, billing or spend limit.

    Attributes:
        limit_kind: What the limit probably is: ``"quota"``, ``"billing"`` or ``"spend"``.
    """

    limit_kind: str = "quota"

    def __init__(self, response: httpx.Response, *, attempts: int = 1) -> None:
        self.limit_kind = limit_kind(response, trust_message=True) or "quota"
        super().__init__(response, attempts=attempts)

    def _summary(self) -> str:
        advice = _LIMIT_ADVICE.get(self.limit_kind, "a usage limit was reached")
        return f"{advice}; retrying will not help: {self.message}"


class RedirectError(APIStatusError):
    """3xx: the API answered with a redirect (the client does not follow them).

    Attributes:
        location: Where the redirect pointed (resolved against the request URL), if it said.
    """

    location: str | None = None

    def __init__(self, response: httpx.Response, *, attempts: int = 1) -> None:
        raw = response.headers.get("location")
        if raw:
            request = request_of(response)
            try:
                self.location = str(request.url.join(raw)) if request is not None else raw
            except httpx.InvalidURL:
                self.location = raw
        super().__init__(response, attempts=attempts)

    def _summary(self) -> str:
        target = f"redirected to {self.location}" if self.location else "answered with a redirect"
        return f"the API {target} (check base_url; redirects are not followed)"


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
    """Pages that do not chain: a repeated cursor, ``has_more`` without a cursor, a gap, or a
    page with no buckets where past buckets were expected."""
