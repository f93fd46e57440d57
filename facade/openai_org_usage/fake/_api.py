"""Request handling of the fake: routing, auth, faults, and the JSON responses."""

from __future__ import annotations

import collections
import contextlib
import json
import math
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Final, NamedTuple
from urllib.parse import urlencode

from ._aggregate import costs_page, page_bounds, usage_page
from ._catalog import OPERATIONS, operation_table
from ._directory import FakeDirectory, build_directory, is_list_path, serve_list
from ._faults import FaultKind, FaultSchedule, InjectedFault, coerce_faults
from ._generic import with_generic_streams
from ._governance import LazyGovernance, is_governance_path, serve_governance
from ._hashing import mix64
from ._history import History, HistoryEvents, InjectedAnomaly, apply_history, resolve_history
from ._live import (
    COSTS_PATH,
    LIVE_LOOKBACK_DAYS,
    RefusalRule,
    check_groupings,
    check_lookback,
    refusal_rules,
)
from ._ops import Operation
from ._org import Organization, billed_in
from ._query import ApiError, encode_cursor, parse_query
from ._scaled import build_sized_organization
from ._series import Series
from ._sizes import OrgSize, resolve_size
from ._transport import FakeTransport, Response

DEFAULT_NOW: Final = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
"""The fixed "now" of a fake created without one: output never depends on the wall clock."""

_JSON: Final = "application/json"
_PAGE_CACHE_SIZE: Final = 64
_FAULT_ERRORS: Final[Mapping[str, tuple[int, str, str, str | None]]] = {
    "429": (
        429,
        "Rate limit reached for requests to the Usage API. Please try again later.",
        "requests",
        "rate_limit_exceeded",
    ),
    "quota": (
        429,
        "You exceeded your current quota, please check your plan and billing details.",
        "insufficient_quota",
        "insufficient_quota",
    ),
    "500": (
        500,
        "The server had an error while processing your request. Sorry about that!",
        "server_error",
        None,
    ),
    "502": (502, "Bad gateway.", "server_error", None),
    "503": (
        503,
        "The engine is currently overloaded, please try again later.",
        "server_error",
        None,
    ),
}
_REDIRECT_PHRASES: Final[Mapping[str, str]] = {
    "301": "Moved Permanently",
    "307": "Temporary Redirect",
}


class RecordedRequest(NamedTuple):
    """A request as the fake received it (path as sent, including any ``/v1`` prefix)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]


class FakeUsageAPI:
    """An in-memory, deterministic OpenAI Usage and Costs API that behaves like the live one.

    ``seed`` picks the synthetic organization and its traffic; ``size`` how big it is: a preset
    name (``"small"``, the default: 4 projects, 8 users, 6 keys; ``"large"``: 60 projects,
    2,000 users, 300 keys, 25 models, 40 service accounts) or an :class:`OrgSize`. ``now``
    (timezone-aware, default
    :data:`DEFAULT_NOW`) is the end of the data and the default ``end_time``. ``api_key``, if
    given, is the only bearer token accepted (otherwise any non-empty one is). ``faults`` is a
    :class:`FaultSchedule` or a script such as ``[None, "429", None, "500"]`` applied by request
    index. ``latency`` is added per request by the transport and the loopback server.

    By default the fake also does what the live API does and no spec says (each can be
    switched off for tests that want the spec's behaviour):

    - ``costs_has_more_forever=True``: the last costs page with buckets still answers
      ``has_more: true`` with a ``next_page`` cursor; that page is ``data: []``, ``has_more:
      true`` and yet another, different cursor, for ever. Usage endpoints end with ``has_more:
      false`` as the spec says. ``False``: costs ends like usage.
    - ``lookback_days=365``: a ``start_time`` before UTC midnight of ``now`` minus that many
      days gets 400 ``reporting_lookback_exceeded`` (``param: start_time``), e.g. "Usage and
      cost data are available for the past year. Earliest supported start date: 2025-11-25
      (UTC)." ``None``: any start is served.
    - ``refused_groupings=None`` (the live rules, :data:`LIVE_REFUSED_GROUPINGS`): costs
      grouped by ``user_id`` with ``project_id``, or by ``user_id`` with the ``project_ids``
      filter, get 400 ``unsupported_group_by`` (``param: group_by``); ``user_id`` alone is
      served. A mapping of operation path -> rules replaces them (``{}``: refuse nothing); a
      rule is a collection of ``group_by`` values and filter parameter names refused together,
      e.g. ``{"/organization/costs": [("line_item", "project_id")]}``.
    - ``refuse_costs_api_key_grouping=False``: ``True`` also refuses costs
      ``group_by=api_key_id`` (one integration reports it refused although the spec lists it).

    ``project_currencies={project_id: "eur"}`` bills those projects' costs in that currency
    (the same amounts, labelled in it: no exchange rate), for tests of money in several
    currencies. Off by default: everything is billed in ``usd``.

    ``omit_final_next_page=True`` leaves ``next_page`` out of a page that ends the results,
    instead of sending ``null``: the newest SDK makes the field optional, so a client must
    cope with both.

    Every operation of the spec fragment is served: from a hand-made model where the fake has
    one, otherwise from the operation's result schema (plausible counts, amounts and grouped
    values; see ``_generic``). ``generic_operations`` names operations to serve that way even
    though they have a model (to test the generic model).

    ``history="realistic"`` (or a :class:`History`) gives the same organization a past whose
    forecasts and anomalies can be checked: steadier traffic, a launch step, a month-end batch
    job and, with ``History(anomalies=AnomalySchedule(...))``, spikes and drops on known days
    (``history_events``, ``injected_anomalies``). The default, ``"default"``, is unchanged.

    ``page_cache`` is how many rendered pages the fake keeps (default 64; ``0`` keeps none).
    Pages are pure functions of the query and the fake takes longer to render a page of 1m
    buckets than the API takes to serve it, so repeated requests are answered from the
    cache; a benchmark that compares first and repeated fetches should turn it off.
    """

    def __init__(
        self,
        seed: int = 0,
        now: datetime | None = None,
        *,
        api_key: str | None = None,
        faults: FaultSchedule | Sequence[str | None] | None = None,
        latency: float = 0.0,
        costs_has_more_forever: bool = True,
        lookback_days: int | None = LIVE_LOOKBACK_DAYS,
        refused_groupings: Mapping[str, Collection[Collection[str]]] | None = None,
        refuse_costs_api_key_grouping: bool = False,
        omit_final_next_page: bool = False,
        generic_operations: Collection[str] = (),
        project_currencies: Mapping[str, str] | None = None,
        size: str | OrgSize | None = None,
        page_cache: int = _PAGE_CACHE_SIZE,
        history: str | History | None = None,
    ) -> None:
        if now is None:
            now = DEFAULT_NOW
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware (e.g. datetime(..., tzinfo=UTC))")
        if latency < 0:
            raise ValueError("latency must be >= 0")
        if api_key is not None and not api_key:
            raise ValueError("api_key must be non-empty when given")
        if isinstance(generic_operations, str):
            raise TypeError("generic_operations must be a collection of operation names")
        if lookback_days is not None and lookback_days < 1:
            raise ValueError("lookback_days must be >= 1, or None to serve any start_time")
        if isinstance(page_cache, bool) or not isinstance(page_cache, int) or page_cache < 0:
            raise ValueError(
                f"page_cache must be an integer >= 0 (0: no cache), not {page_cache!r}"
            )
        self.size: OrgSize = resolve_size(size)
        """How big the organization is (the preset's size when a name was given)."""
        self.page_cache = page_cache
        self.seed = seed
        self.now = now
        self.now_ts = math.floor(now.timestamp())
        self.api_key = api_key
        self.faults = coerce_faults(faults)
        self.latency = latency
        self.costs_has_more_forever = costs_has_more_forever
        self.lookback_days = lookback_days
        self.omit_final_next_page = omit_final_next_page
        self.operations: Mapping[str, Operation] = (
            operation_table(generic_operations) if generic_operations else OPERATIONS
        )
        """Operation path (without ``/v1``) -> what the fake serves there."""
        self.refused_groupings: Mapping[str, tuple[RefusalRule, ...]] = refusal_rules(
            refused_groupings,
            refuse_costs_api_key=refuse_costs_api_key_grouping,
            operations=self.operations,
        )
        """Operation path -> the refused combinations in force (normalised)."""
        self.org: Organization = with_generic_streams(
            build_sized_organization(seed, self.size), tuple(self.operations.values()), seed
        )
        self.history: History | None = resolve_history(history)
        """The history in force (``None``: the default one)."""
        self.org, days, events = apply_history(self.history, self.org, seed, self.now_ts)
        self.history_events: HistoryEvents = events
        """What the history put in: launch step, month-end jobs, injected anomalies."""
        self.injected_anomalies: tuple[InjectedAnomaly, ...] = self.history_events.anomalies
        """The spikes and drops injected (empty unless the history has an AnomalySchedule)."""
        if project_currencies:
            self.org = billed_in(self.org, project_currencies)
        self.directory: FakeDirectory = build_directory(self.org)
        """Projects, users, keys and service accounts, served by the admin list endpoints."""
        self.requests: list[RecordedRequest] = []
        """Every request received, in order (appended by :meth:`handle`)."""
        self._series = Series(seed, self.now_ts, self.org.topology.project_utc_offsets, days)
        self.governance = LazyGovernance(
            self.org, self._series, self.operations[COSTS_PATH], self.now_ts, self.directory
        )
        """Spend limits, spend alerts and rate limits, from the fake's own costs (built lazily)."""
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
        asked = RecordedRequest(method.upper(), url_path, tuple(query_pairs))
        with self._lock:
            index = self._count
            self._count += 1
            self.requests.append(asked)
        request_id = f"req_{mix64(self.seed, 0x8E9, index):016x}"
        fault = self.faults.fault_for(index) if self.faults is not None else None
        if fault is not None and fault != "malformed":
            return self._fault(fault, request_id, asked, headers)
        try:
            status, out_headers, body = self._respond(asked, headers)
        except ApiError as error:
            status, out_headers, body = _error_response(error)
        if fault == "malformed":
            # Still framed correctly (Content-Length matches); only the JSON is cut short.
            body = body[: max(1, len(body) // 2)]
        out_headers["x-request-id"] = request_id
        return status, out_headers, body

    def _fault(
        self, fault: FaultKind, request_id: str, asked: RecordedRequest, headers: Mapping[str, str]
    ) -> Response:
        assert self.faults is not None
        if fault in ("timeout", "disconnect"):
            raise InjectedFault(
                "timeout" if fault == "timeout" else "disconnect", self.faults.hang_seconds
            )
        if fault in _REDIRECT_PHRASES:
            status, out_headers, body = self._redirect(fault, asked)
        elif fault == "echo_auth":
            # A hostile (or buggy) server quoting the credential back, for redaction tests.
            shown = _header(headers, "authorization") or "(none)"
            status, out_headers, body = _error_response(
                ApiError(
                    401,
                    f"Invalid authorization header: {shown}. Expected 'Bearer <admin key>'.",
                    code="invalid_api_key",
                )
            )
        else:
            status, message, type_, code = _FAULT_ERRORS[fault]
            extra: dict[str, str] = {}
            retry_after = self.faults.retry_after
            if fault == "429" and retry_after is not None:
                extra["retry-after"] = (
                    format_datetime(
                        datetime.fromtimestamp(self.now_ts + retry_after, UTC), usegmt=True
                    )
                    if self.faults.retry_after_http_date
                    else str(retry_after)
                )
            status, out_headers, body = _error_response(
                ApiError(status, message, type_=type_, code=code, headers=extra)
            )
        out_headers["x-request-id"] = request_id
        return status, out_headers, body

    def _redirect(self, fault: FaultKind, asked: RecordedRequest) -> Response:
        assert self.faults is not None
        location = self.faults.redirect_to + asked.path
        if asked.query:
            location += "?" + urlencode(asked.query)
        title = f"{fault} {_REDIRECT_PHRASES[fault]}"
        # What a CDN in front of an API sends: HTML, not the API's JSON error envelope.
        body = f"<html><head><title>{title}</title></head><body>{title}</body></html>\n"
        headers = {"content-type": "text/html", "location": location}
        return int(fault), headers, body.encode()

    def _respond(self, asked: RecordedRequest, headers: Mapping[str, str]) -> Response:
        method, url_path, query_pairs = asked
        path = url_path[3:] if url_path.startswith("/v1/") else url_path
        op = self.operations.get(path)
        listed = op is None and (is_list_path(path) or is_governance_path(path))
        if op is None and not listed:
            raise ApiError(404, f"Invalid URL ({method} {url_path})")
        if method != "GET":
            raise ApiError(
                405, f"Method {method} not allowed for {url_path}.", headers={"allow": "GET"}
            )
        self._authenticate(headers)
        if op is None:
            # An admin list: small and cheap, so not cached.
            listing = serve_governance(self.governance, self.directory, path, query_pairs)
            listing = listing or serve_list(self.directory, path, query_pairs)
            assert listing is not None  # is_list_path said it is one
            return 200, {"content-type": _JSON}, listing
        key = (path, query_pairs)
        with self._lock:
            cached = self._pages.get(key) if self.page_cache else None
            if cached is not None:
                self._pages.move_to_end(key)
                return 200, {"content-type": _JSON}, cached
        is_costs = op.path == COSTS_PATH
        past_end = is_costs and self.costs_has_more_forever
        query = parse_query(op, query_pairs, self.now_ts, past_end=past_end)
        check_lookback(query.start, self.now_ts, self.lookback_days)
        check_groupings(query, self.refused_groupings.get(op.path, ()))
        data: list[str]
        next_position: int | None
        if query.position >= query.end:
            # Only reachable by a past-end costs cursor: an empty page that promises more.
            data, next_position = [], query.position + query.width
        else:
            # Costs are usage x prices, unless costs is served from its schema like any other.
            by_price = is_costs and not op.generic
            data = (costs_page if by_price else usage_page)(self.org, self._series, query)
            bounds, next_position = page_bounds(query)
            if next_position is None and past_end:
                # The live costs endpoint still says has_more after its last bucket; the
                # cursor points one bucket past the end, and each empty page one further.
                next_position = bounds[-1][1]
        if next_position is None:
            # Null as the documented examples show; the newest SDK also accepts it absent.
            ending = "}" if self.omit_final_next_page else ',"next_page":null}'
            tail = '],"has_more":false' + ending
        else:
            cursor = json.dumps(encode_cursor(next_position, query.fingerprint))
            tail = f'],"has_more":true,"next_page":{cursor}}}'
        body = ('{"object":"page","data":[' + ",".join(data) + tail).encode()
        if self.page_cache:
            with self._lock:
                # Pages are pure functions of the query, and a page of 1m buckets takes the
                # fake far longer to compute than the API takes to serve; repeated benchmark
                # runs should measure the client, not the fake.
                self._pages[key] = body
                if len(self._pages) > self.page_cache:
                    self._pages.popitem(last=False)
        return 200, {"content-type": _JSON}, body

    def _authenticate(self, headers: Mapping[str, str]) -> None:
        authorization = _header(headers, "authorization")
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


def _header(headers: Mapping[str, str], wanted: str) -> str:
    """The last value of header ``wanted`` (lower-case), matched case-insensitively, or ""."""
    found = ""
    for name, value in headers.items():
        if name.lower() == wanted:
            found = value
    return found


def _dumps(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def _error_response(error: ApiError) -> Response:
    headers = {"content-type": _JSON} | error.headers
    return error.status, headers, _dumps(error.body())


__all__ = ["DEFAULT_NOW", "FakeUsageAPI", "InjectedFault", "RecordedRequest"]
