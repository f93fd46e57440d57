"""Request handling of the fake: routing, auth, faults, and the JSON responses."""

from __future__ import annotations

import collections
import contextlib
import json
import math
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final, NamedTuple

from ._aggregate import costs_page, page_bounds, usage_page
from ._faults import FaultKind, FaultSchedule, InjectedFault, coerce_faults
from ._hashing import mix64
from ._ops import OPERATIONS
from ._org import Organization, build_organization
from ._query import ApiError, encode_cursor, parse_query
from ._series import Series

if TYPE_CHECKING:
    from ._transport import FakeTransport

DEFAULT_NOW: Final = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
"""The fixed "now" of a fake created without one: output never depends on the wall clock."""

Response = tuple[int, dict[str, str], bytes]

_JSON: Final = "application/json"
_PAGE_CACHE_SIZE: Final = 64
_FAULT_ERRORS: Final[Mapping[str, tuple[str, str, str | None]]] = {
    "429": (
        "Rate limit reached for requests to the Usage API. Please try again later.",
        "requests",
        "rate_limit_exceeded",
    ),
    "500": (
        "The server had an error while processing your request. Sorry about that!",
        "server_error",
        None,
    ),
    "502": ("Bad gateway.", "server_error", None),
    "503": (
        "The engine is currently overloaded, please try again later.",
        "server_error",
        None,
    ),
}


class RecordedRequest(NamedTuple):
    """A request as the fake received it (path as sent, including any ``/v1`` prefix)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]


class FakeUsageAPI:
    """An in-memory, deterministic OpenAI Usage and Costs API.

    ``seed`` picks the synthetic organization and its traffic; ``now`` (timezone-aware, default
    :data:`DEFAULT_NOW`) is the end of the data and the default ``end_time``. ``api_key``, if
    given, is the only bearer token accepted (otherwise any non-empty one is). ``faults`` is a
    :class:`FaultSchedule` or a script such as ``[None, "429", None, "500"]`` applied by request
    index. ``latency`` is added per request by the transport and the loopback server.
    """

    def __init__(
        self,
        seed: int = 0,
        now: datetime | None = None,
        *,
        api_key: str | None = None,
        faults: FaultSchedule | Sequence[str | None] | None = None,
        latency: float = 0.0,
    ) -> None:
        if now is None:
            now = DEFAULT_NOW
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware (e.g. datetime(..., tzinfo=UTC))")
        if latency < 0:
            raise ValueError("latency must be >= 0")
        if api_key is not None and not api_key:
            raise ValueError("api_key must be non-empty when given")
        self.seed = seed
        self.now = now
        self.now_ts = math.floor(now.timestamp())
        self.api_key = api_key
        self.faults = coerce_faults(faults)
        self.latency = latency
        self.org: Organization = build_organization(seed)
        self.requests: list[RecordedRequest] = []
        """Every request received, in order (appended by :meth:`handle`)."""
        self._series = Series(seed, self.now_ts)
        self._lock = threading.Lock()
        self._count = 0
        self._in_flight = 0
        self.peak_in_flight = 0
        """The most requests the loopback server was serving at once (for concurrency tests)."""
        self._pages: collections.OrderedDict[tuple[str, tuple[tuple[str, str], ...]], bytes] = (
            collections.OrderedDict()
        )

    @contextlib.contextmanager
    def serving(self) -> Iterator[None]:
        """Count one request as in flight for ``peak_in_flight`` (used by the server)."""
        with self._lock:
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1

    def transport(self) -> FakeTransport:
        """An httpx transport (sync and async) serving this fake in process."""
        from ._transport import FakeTransport

        return FakeTransport(self)

    def handle(
        self,
        method: str,
        url_path: str,
        query_pairs: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
    ) -> Response:
        """Answer one request: ``(status, headers, body)``. The core of every adapter.

        ``url_path`` may carry the ``/v1`` prefix; ``query_pairs`` are decoded pairs in order.
        Raises :class:`InjectedFault` for injected timeouts and disconnects, which have no
        response. Latency is not applied here but by the adapters.
        """
        with self._lock:
            index = self._count
            self._count += 1
            self.requests.append(RecordedRequest(method.upper(), url_path, tuple(query_pairs)))
        request_id = f"req_{mix64(self.seed, 0x8E9, index):016x}"
        fault = self.faults.fault_for(index) if self.faults is not None else None
        if fault is not None and fault != "malformed":
            return self._fault(fault, request_id)
        try:
            status, out_headers, body = self._respond(
                method.upper(), url_path, query_pairs, headers
            )
        except ApiError as error:
            status, out_headers, body = _error_response(error)
        if fault == "malformed":
            # Still framed correctly (Content-Length matches); only the JSON is cut short.
            body = body[: max(1, len(body) // 2)]
        out_headers["x-request-id"] = request_id
        return status, out_headers, body

    def _fault(self, fault: FaultKind, request_id: str) -> Response:
        assert self.faults is not None
        if fault in ("timeout", "disconnect"):
            raise InjectedFault(
                "timeout" if fault == "timeout" else "disconnect", self.faults.hang_seconds
            )
        message, type_, code = _FAULT_ERRORS[fault]
        extra: dict[str, str] = {}
        if fault == "429" and self.faults.retry_after is not None:
            extra["retry-after"] = str(self.faults.retry_after)
        status, headers, body = _error_response(
            ApiError(int(fault), message, type_=type_, code=code, headers=extra)
        )
        headers["x-request-id"] = request_id
        return status, headers, body

    def _respond(
        self,
        method: str,
        url_path: str,
        query_pairs: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
    ) -> Response:
        path = url_path[3:] if url_path.startswith("/v1/") else url_path
        op = OPERATIONS.get(path)
        if op is None:
            raise ApiError(404, f"Invalid URL ({method} {url_path})")
        if method != "GET":
            raise ApiError(
                405, f"Method {method} not allowed for {url_path}.", headers={"allow": "GET"}
            )
        self._authenticate(headers)
        key = (path, tuple(query_pairs))
        with self._lock:
            cached = self._pages.get(key)
            if cached is not None:
                self._pages.move_to_end(key)
                return 200, {"content-type": _JSON}, cached
        query = parse_query(op, query_pairs, self.now_ts)
        if op.metrics is None:
            data = costs_page(self.org, self._series, query)
        else:
            data = usage_page(self.org, self._series, query)
        _, next_position = page_bounds(query)
        if next_position is None:
            tail = '],"has_more":false,"next_page":null}'
        else:
            cursor = json.dumps(encode_cursor(next_position, query.fingerprint))
            tail = f'],"has_more":true,"next_page":{cursor}}}'
        body = ('{"object":"page","data":[' + ",".join(data) + tail).encode()
        with self._lock:
            # Pages are pure functions of the query, and a page of 1m buckets takes the fake
            # far longer to compute than the API takes to serve; repeated benchmark runs
            # should measure the client, not the fake.
            self._pages[key] = body
            if len(self._pages) > _PAGE_CACHE_SIZE:
                self._pages.popitem(last=False)
        return 200, {"content-type": _JSON}, body

    def _authenticate(self, headers: Mapping[str, str]) -> None:
        authorization = ""
        for name, value in headers.items():
            if name.lower() == "authorization":
                authorization = value
        scheme, _, key = authorization.strip().partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise ApiError(
                401,
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )
        if self.api_key is not None and key != self.api_key:
            shown = f"{key[:6]}...{key[-4:]}" if len(key) > 10 else "***"
            raise ApiError(401, f"Incorrect API key provided: {shown}.", code="invalid_api_key")


def _dumps(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def _error_response(error: ApiError) -> Response:
    headers = {"content-type": _JSON} | error.headers
    return error.status, headers, _dumps(error.body())


__all__ = ["DEFAULT_NOW", "FakeUsageAPI", "InjectedFault", "RecordedRequest"]
