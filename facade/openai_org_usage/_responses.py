"""Which error an answer is: the status-to-error mapping, and transport failures wrapped.

The error classes live in :mod:`._errors`; this module picks one for a response that is not
2xx (reading the API's error object where the status alone does not decide) or for an httpx
transport error.
"""

from __future__ import annotations

import httpx

from . import _errors as errors
from ._error_object import error_object, is_grouping_refusal, is_lookback, limit_kind
from ._errors import APIConnectionError, APIStatusError, APITimeoutError

__all__ = ["connection_error", "status_error"]

_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: errors.BadRequestError,
    401: errors.AuthenticationError,
    403: errors.PermissionDeniedError,
    404: errors.NotFoundError,
    409: errors.ConflictError,
    429: errors.RateLimitError,
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
        errors.NotFoundError('HTTP 404: no message')
    """
    code = response.status_code
    cls: type[APIStatusError]
    if 300 <= code < 400:
        cls = errors.RedirectError
    elif code == 400:
        error = error_object(response)
        if is_lookback(error):
            cls = errors.LookbackExceededError
        elif is_grouping_refusal(error):
            cls = errors.GroupingRefusedError
        else:
            cls = errors.BadRequestError
    elif code == 429:
        cls = errors.QuotaExceededError if limit_kind(response) else errors.RateLimitError
    else:
        server = errors.InternalServerError if code >= 500 else APIStatusError
        cls = _STATUS_ERRORS.get(code) or server
    return cls(response, attempts=attempts)


def connection_error(
    exc: httpx.TransportError, request: httpx.Request | None
) -> APIConnectionError:
    """Wrap an httpx transport error (call as ``raise connection_error(exc, req) from exc``)."""
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    kind = "timed out" if cls is APITimeoutError else "failed"
    return cls(f"request {kind}: {type(exc).__name__}: {exc}", request=request)
