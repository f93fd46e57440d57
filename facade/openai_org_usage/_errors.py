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

import json
import math
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

_BODY_EXCERPT = 200
# Bytes decoded (and redacted) before an excerpt is cut: more than the excerpt plus the longest
# key, so a key straddling the cut is redacted whole instead of leaking its first half.
_REDACT_WINDOW = 4096
# A bearer token shorter than this is not searched for: replacing two letters everywhere would
# mangle the message and protect nothing.
_MIN_SECRET = 8
_REDACTED = "sk-...[redacted]"
# sk-admin-..., sk-proj-..., sk-svcacct-..., sk-... : 20+ characters of key alphabet.
_KEY_SHAPED = re.compile(r"sk-[A-Za-z0-9_-]{17,}")


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
        message = _redact(message, _bearer_token(request))
        self._message = message
        super().__init__(message)

    def __str__(self) -> str:
        # The key travels in a header, never in the URL; the query is the caller's own filters.
        # The URL is redacted all the same: a caller may have put a key where it does not belong.
        where = f" ({self.request.method} {self.request.url})" if self.request else ""
        tries = f" after {self.attempts} attempts" if self.attempts > 1 else ""
        return _redact(f"{self._message}{where}{tries}", _bearer_token(self.request))

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
        request = _request_of(response)
        token = _bearer_token(request)
        self.response = response
        self.status_code = response.status_code
        self.request_id = response.headers.get("x-request-id")
        error = _error_object(response)
        raw_message = error.get("message")
        self.message: str = _redact(
            str(raw_message) if raw_message else _excerpt(response, token) or "no message", token
        )
        self.param: str | None = _text_or_none(error.get("param"), token)
        self.code: str | None = _text_or_none(error.get("code"), token)
        self.error_type: str | None = _text_or_none(error.get("type"), token)
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
        error = _error_object(response)
        self.earliest_start = _earliest_start(
            str(error.get("message") or _excerpt(response, None, limit=_REDACT_WINDOW))
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
        request = _request_of(response)
        if request is not None:
            self.group_by, self.filters = _grouping_of(request.url)
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
        self.limit_kind = _limit_kind(response, trust_message=True) or "quota"
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
            request = _request_of(response)
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


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def status_error(response: httpx.Response, *, attempts: int = 1) -> APIStatusError:
    """The most specific error for an error (non-2xx) response.

    3xx is a :class:`RedirectError`; a 400 about the lookback window or a refused grouping is a
    :class:`LookbackExceededError` or :class:`GroupingRefusedError`; a 429 that names a quota,
    billing or spend limit is a :class:`QuotaExceededError`.

    Args:
        response: The response (with its request attached, for the URL and for redaction).
        attempts: How many times the request was sent.

    Returns:
        The error to raise; it is not raised here.

    Example:
        >>> status_error(httpx.Response(404, request=httpx.Request("GET", "https://x")))
        NotFoundError('HTTP 404: no message')
    """
    code = response.status_code
    cls: type[APIStatusError]
    if 300 <= code < 400:
        cls = RedirectError
    elif code == 400:
        error = _error_object(response)
        if _is_lookback(error):
            cls = LookbackExceededError
        elif _is_grouping_refusal(error):
            cls = GroupingRefusedError
        else:
            cls = BadRequestError
    elif code == 429:
        cls = QuotaExceededError if _limit_kind(response) else RateLimitError
    else:
        cls = _STATUS_ERRORS.get(code) or (InternalServerError if code >= 500 else APIStatusError)
    return cls(response, attempts=attempts)


def connection_error(
    exc: httpx.TransportError, request: httpx.Request | None
) -> APIConnectionError:
    """Wrap an httpx transport error (call as ``raise connection_error(exc, req) from exc``)."""
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    kind = "timed out" if cls is APITimeoutError else "failed"
    return cls(f"request {kind}: {type(exc).__name__}: {exc}", request=request)


def retry_after_seconds(response: httpx.Response, *, now: datetime | None = None) -> float | None:
    """The wait a response asks for, in seconds, or ``None`` if it asks for none.

    ``retry-after-ms`` wins; then ``Retry-After`` as seconds or as an HTTP date (RFC 7231),
    which counts from ``now`` and gives 0 when it is already past. Unreadable values are ignored.

    Args:
        response: The response.
        now: The current time (aware), for HTTP dates; the clock's UTC time if omitted.

    Example:
        >>> retry_after_seconds(httpx.Response(429, headers={"Retry-After": "7"}))
        7.0
    """
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        raw = response.headers.get(name)
        if raw is None:
            continue
        try:
            seconds = float(raw) * scale
        except ValueError:
            if name == "retry-after":
                return _seconds_until(raw, now)
            continue
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
    return None


def _seconds_until(http_date: str, now: datetime | None) -> float | None:
    try:
        when = parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": RFC 5322's "UTC, origin unknown"
        when = when.replace(tzinfo=UTC)
    current = now if now is not None else datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


# --- reading the response -------------------------------------------------------------------


def _request_of(response: httpx.Response) -> httpx.Request | None:
    try:
        return response.request
    except RuntimeError:  # a Response built by hand, without a request
        return None


def _error_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = json.loads(response.content)
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, str) and error:
        return {"message": error}  # {"error": "..."}, as some proxies answer
    return error if isinstance(error, dict) else {}


def _excerpt(response: httpx.Response, token: str | None, *, limit: int = _BODY_EXCERPT) -> str:
    content = response.content
    text = _redact(content[:_REDACT_WINDOW].decode("utf-8", errors="replace"), token).strip()
    if len(text) <= limit and len(content) <= _REDACT_WINDOW:
        return text
    return text[:limit].rstrip() + "..."


def bytes_around(
    content: bytes, offset: int, request: httpx.Request | None, *, width: int = 32
) -> str:
    """At most ``width`` bytes either side of ``offset``, as a bytes literal, secrets redacted.

    For a body that cannot be decoded as text: every byte is shown as it is (anything but
    printable ASCII as a ``\\xNN`` escape, so nothing in it reaches a terminal raw). Redacted
    before it is cut, like ``_excerpt``, so a key straddling the cut is not half shown.

    Example:
        >>> print(bytes_around(b'{"a": "x\\xff"}', 8, None))
        {"a": "x\\xff"}
    """
    token = _bearer_token(request)
    half = _REDACT_WINDOW // 2
    start = max(0, offset - half)
    # Latin-1 maps each byte to one character and back: redaction sees the bytes as they are.
    before = _redact(content[start:offset].decode("latin-1"), token)
    after = _redact(content[offset : offset + half].decode("latin-1"), token)
    shown = (before[-width:] + after[:width]).encode("latin-1")
    lead = "..." if start > 0 or len(before) > width else ""
    tail = "..." if offset + half < len(content) or len(after) > width else ""
    return f"{lead}{repr(shown)[2:-1]}{tail}"


def _text_or_none(value: object, token: str | None) -> str | None:
    return None if value is None else _redact(str(value), token)


# --- secrets ----------------------------------------------------------------------------------


def _bearer_token(request: httpx.Request | None) -> str | None:
    if request is None:
        return None
    credentials = request.headers.get("authorization", "").strip()
    scheme, _, token = credentials.partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else credentials
    return token if len(token) >= _MIN_SECRET else None


def _redact(text: str, token: str | None) -> str:
    """``text`` without the bearer token and without anything key-shaped."""
    if token:
        text = text.replace(token, _REDACTED if token.startswith("sk-") else "[redacted]")
    return _KEY_SHAPED.sub(_REDACTED, text)


# --- classification -------------------------------------------------------------------------

_LOOKBACK_MESSAGE = re.compile(r"earliest supported start date|available for the past year", re.I)
_ISO_DATE = re.compile(
    r"(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?(?:Z|[+-]\d{2}:?\d{2})?)(?![\d:])"
)
_EARLIEST = re.compile(r"earliest[^0-9]{0,60}" + _ISO_DATE.pattern, re.I)


def _is_lookback(error: dict[str, Any]) -> bool:
    code = str(error.get("code") or "").lower()
    return "lookback" in code or bool(_LOOKBACK_MESSAGE.search(str(error.get("message") or "")))


def _earliest_start(message: str) -> datetime | None:
    """The date after "Earliest supported start date:", else the message's only ISO date."""
    match = _EARLIEST.search(message)
    if match is None:
        dates = _ISO_DATE.findall(message)
        if len(dates) != 1:
            return None
        raw = dates[0]
    else:
        raw = match.group(1)
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


_GROUPING_WORDS = re.compile(r"not supported|unsupported|cannot be combined", re.I)
_GROUP_BY = re.compile(r"group[_ ]by", re.I)


def _is_grouping_refusal(error: dict[str, Any]) -> bool:
    param = str(error.get("param") or "").removesuffix("[]")
    code = str(error.get("code") or "").lower()
    message = str(error.get("message") or "")
    return (
        param == "group_by"
        or "group_by" in code
        or bool(_GROUP_BY.search(message) and _GROUPING_WORDS.search(message))
    )


# Query parameters that shape the window and the page; everything else is a filter.
_NOT_FILTERS = frozenset({"start_time", "end_time", "bucket_width", "limit", "page", "group_by"})


def _grouping_of(url: httpx.URL) -> tuple[tuple[str, ...], tuple[str, ...]]:
    group_by: list[str] = []
    filters: list[str] = []
    for key, value in url.params.multi_items():
        name = key.removesuffix("[]")
        if name == "group_by":
            # Repeated keys, the SDK's group_by[]=, or a comma-joined list: all seen in the wild.
            group_by += [v for v in (part.strip() for part in value.split(",")) if v]
        elif name not in _NOT_FILTERS and name not in filters:
            filters.append(name)
    return tuple(dict.fromkeys(group_by)), tuple(filters)


# The OpenAI codes and types of a plain rate limit: the message may still mention billing
# ("add a payment method at .../account/billing") without the 429 being a billing limit.
_RATE_LIMIT_LABELS = frozenset({"rate_limit_exceeded", "requests", "tokens"})
_URL = re.compile(r"https?://\S+")
_LABEL_KINDS = (("spend", "spend"), ("quota", "quota"), ("billing", "billing"))
_MESSAGE_KINDS = (
    (re.compile(r"spend(?:ing)?[ _-]limit", re.I), "spend"),
    (re.compile(r"quota", re.I), "quota"),
    (re.compile(r"billing", re.I), "billing"),
)


def _limit_kind(response: httpx.Response, *, trust_message: bool = False) -> str | None:
    """``"spend"``, ``"quota"`` or ``"billing"`` if a 429 names such a limit, else ``None``.

    The error code, then the type, decide. The message is read only when neither labels the
    429 a plain rate limit and no Retry-After came with it (the API sends one only when
    waiting may help), unless ``trust_message``.
    """
    error = _error_object(response)
    labels = [str(error.get(field) or "").lower() for field in ("code", "type")]
    for label in labels:
        for needle, kind in _LABEL_KINDS:
            if needle in label:
                return kind
    if not trust_message and (
        any(label in _RATE_LIMIT_LABELS for label in labels)
        or retry_after_seconds(response) is not None
    ):
        return None
    message = _URL.sub("", str(error.get("message") or ""))
    for pattern, kind in _MESSAGE_KINDS:
        if pattern.search(message):
            return kind
    return None
