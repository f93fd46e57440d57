"""``UsageClient`` and ``AsyncUsageClient``: the operations as lazy paginators.

The operation methods themselves are generated from the spec (``_methods.py``, written by
``codegen.sh``); each validates its arguments against the operation's description
(``_params.build_query``, ``_listing.build_list_query``) and hands the resulting query to
``_paginate`` or ``_list`` here, which puts it on this client's sender as a paginator, or to
``_get`` (a single-object read: one request, the typed object back). ``audit_logs_since`` reads
the audit log incrementally on top of the generated ``audit_logs``.
"""

from __future__ import annotations

import ipaddress
import os
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import httpx

from ._errors import InvalidParameterError, MissingAPIKeyError
from ._http import AsyncSender, RetryPolicy, SyncSender
from ._listing import (
    AsyncListPaginator,
    AuditLogBatch,
    AuditLogCheckpoint,
    ListPaginator,
    ListQuery,
    ObjectQuery,
    async_get_object,
    audit_log_batch,
    audit_log_start,
    get_object,
)
from ._methods import AsyncUsageMethods, UsageMethods
from ._operations import AuthenticatedClient
from ._pagination import AsyncPaginator, Paginator
from ._params import Query
from ._time import TimeInput
from ._version import __version__

__all__ = ["AsyncUsageClient", "UsageClient", "check_base_url"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"
API_KEY_ENV = "OPENAI_ADMIN_KEY"
BASE_URL_ENV = "OPENAI_BASE_URL"


class _ClientConfig:
    def __init__(
        self,
        api_key: str | None,
        base_url: str | None,
        timeout: float,
        max_retries: int,
        max_concurrency: int,
        retry_budget: float,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None,
        allow_insecure_http: bool = False,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
        if not key:
            raise MissingAPIKeyError()
        _check_api_key(key, from_env=api_key is None)
        self.base_url = check_base_url(
            base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL,
            allow_insecure_http=allow_insecure_http,
        )
        _positive_number("timeout", timeout)
        self.timeout = float(timeout)
        _positive_number("retry_budget", retry_budget)
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise InvalidParameterError("max_retries", max_retries, "an integer >= 0")
        if (
            isinstance(max_concurrency, bool)
            or not isinstance(max_concurrency, int)
            or max_concurrency < 1
        ):
            raise InvalidParameterError("max_concurrency", max_concurrency, "an integer >= 1")
        self.max_concurrency = max_concurrency
        self.policy = RetryPolicy(max_retries=max_retries, budget=retry_budget)
        self.generated = AuthenticatedClient(
            base_url=self.base_url,
            token=key,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": f"openai-org-usage/{__version__}"},
            httpx_args={"transport": transport} if transport is not None else {},
        )

    def repr(self, cls: str) -> str:
        return (
            f"{cls}(base_url={self.base_url!r}, max_retries={self.policy.max_retries}, "
            f"max_concurrency={self.max_concurrency})"
        )


_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower() in _LOOPBACK_HOSTS or host.lower().endswith(".localhost")


def check_base_url(url: str, *, allow_insecure_http: bool = False) -> str:
    """Check a base URL the way the clients do, before any key is read or request sent.

    Plain http is for a fake or a proxy on this machine: anywhere else the key would cross
    the network unencrypted, so it takes an explicit ``allow_insecure_http=True``.

    Args:
        url: The API base URL, e.g. ``https://api.openai.com/v1`` (a trailing ``/`` is dropped).
        allow_insecure_http: Accept plain ``http://`` to a host other than this machine (the
            admin key would cross the network unencrypted).

    Returns:
        The URL as a client would use it (without a trailing ``/``).

    Raises:
        InvalidParameterError: Not an http(s) URL with a host, or plain http to another machine
            without ``allow_insecure_http``; ``allowed`` says what would be accepted.

    Example:
        >>> check_base_url("http://127.0.0.1:8089/v1/")
        'http://127.0.0.1:8089/v1'
    """
    if not isinstance(url, str):
        raise InvalidParameterError("base_url", url, "an http(s) URL")
    url = url.rstrip("/")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise InvalidParameterError("base_url", url, "an http(s) URL") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InvalidParameterError(
            "base_url", url, "an https:// URL with a host, e.g. https://api.openai.com/v1"
        )
    if parsed.scheme == "http" and not allow_insecure_http and not _is_loopback(parsed.host):
        raise InvalidParameterError(
            "base_url",
            url,
            "an https:// URL, or http:// to a loopback host (127.0.0.1, localhost)",
            hint="plain http would send the admin key unencrypted; pass "
            "allow_insecure_http=True if that is really meant",
        )
    return url


_HIDDEN = "<hidden>"
# What may travel in an Authorization header: visible ASCII, no spaces. A key outside this
# would otherwise fail late and loudly: non-ASCII in the header encoder, a line break as an
# httpx protocol error on every retry, each quoting the header it could not send.
_KEY_CHARS = frozenset(map(chr, range(0x21, 0x7F)))
_KEY_ALLOWED = (
    "an admin key of printable ASCII characters (sk-admin-...), without spaces, tabs, "
    "line breaks or other control characters"
)


def _key_fault(text: str) -> str | None:
    """What is wrong with ``text`` as a key, in words that quote none of it; None if nothing."""
    for char in text:
        if char in _KEY_CHARS:
            continue
        if char in "\r\n":
            return "a line break"
        if char == " ":
            return "a space"
        if char == "\t":
            return "a tab"
        if char.isascii():
            return "a control character"
        return "a non-ASCII character"
    return None


def _check_api_key(key: object, *, from_env: bool) -> None:
    """Refuse a key no server could accept, before any request, without showing any of it.

    The error's ``value`` is a placeholder and nothing is chained: a key with a typo is still
    mostly a key.
    """
    holder = API_KEY_ENV if from_env else "the key"
    if not isinstance(key, str):
        raise InvalidParameterError(
            "api_key",
            _HIDDEN,
            _KEY_ALLOWED,
            hint=f"{holder} is not a str (the key itself is not shown)",
        )
    fault = _key_fault(key)
    if fault is None:
        return
    # Where, only for whitespace at an edge: the commonest case (a file's final newline).
    where = ""
    if _key_fault(key.rstrip()) is None:
        where = " at its end"
    elif _key_fault(key.lstrip()) is None:
        where = " at its start"
    raise InvalidParameterError(
        "api_key",
        _HIDDEN,
        _KEY_ALLOWED,
        hint=f"{holder} holds {fault}{where} (the key itself is not shown)",
    )


def _positive_number(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise InvalidParameterError(name, value, "a number of seconds > 0")


TransportT = TypeVar("TransportT", httpx.BaseTransport, httpx.AsyncBaseTransport)
SenderT = TypeVar("SenderT", SyncSender, AsyncSender)


class _Client(Generic[TransportT, SenderT]):
    """What the sync and async clients share: the checked settings and a sender built on them.

    The arguments are described on ``UsageClient``; only the transport's type and the sender
    (``_new_sender``) differ between the twins.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 3,
        max_concurrency: int = 4,
        retry_budget: float = 120.0,
        transport: TransportT | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        self._config = _ClientConfig(
            api_key,
            base_url,
            timeout,
            max_retries,
            max_concurrency,
            retry_budget,
            transport,
            allow_insecure_http,
        )
        self._sender: SenderT = self._new_sender(self._config)

    def _new_sender(self, config: _ClientConfig) -> SenderT:
        raise NotImplementedError  # each client sends on its own kind of httpx client

    def __repr__(self) -> str:
        return self._config.repr(type(self).__name__)

    @property
    def base_url(self) -> str:
        """The API base URL requests go to (without a trailing ``/``)."""
        return self._config.base_url

    @property
    def max_concurrency(self) -> int:
        """Requests this client sends at once for one call (windows, or a directory's lists)."""
        return self._config.max_concurrency


class UsageClient(_Client[httpx.BaseTransport, SyncSender], UsageMethods):
    """The Usage and Costs API, one method per operation.

    Args:
        api_key: An organization admin key. Default: the ``OPENAI_ADMIN_KEY`` variable.
        base_url: Default: ``OPENAI_BASE_URL``, else ``https://api.openai.com/v1``.
        timeout: Seconds to wait for each response, its whole body included.
        max_retries: Retries of a failed request (429, 408, 409, 5xx, connection errors).
        max_concurrency: Windows of a long range fetched at once (1: plain sequential paging).
        retry_budget: Seconds after a request's first attempt when no further retry starts.
        transport: An httpx transport (tests, in-process fakes such as
            ``openai_org_usage.fake.FakeUsageAPI().transport()``).
        allow_insecure_http: Allow an ``http://`` base URL on a host that is not loopback
            (the admin key would travel unencrypted).

    Raises:
        MissingAPIKeyError: no key passed and ``OPENAI_ADMIN_KEY`` is unset.
        InvalidParameterError: a setting out of range, or a key (``api_key``, also when read
            from ``OPENAI_ADMIN_KEY``) that is not printable ASCII without whitespace. The
            error never holds the key: its ``value`` is ``"<hidden>"``.

    Every operation method takes, as keyword arguments:

    - ``start`` (required) and ``end`` (default: now; exclusive): an aware ``datetime``, a
      ``date`` (UTC midnight), an ISO-8601 string (``"2026-11-01"``,
      ``"2026-11-01T12:00+02:00"``), Unix seconds, or a span back from now (``"7d"``,
      ``"24h"``, ``"90m"``, a ``timedelta``). Naive datetimes are refused unless ``tz`` names
      the zone to read them in.
    - ``bucket_width``: ``"1m"``, ``"1h"`` or ``"1d"`` (default; costs: ``"1d"`` only).
    - ``group_by``: a field name or a list of them, from the operation's allowed set.
    - ``limit``: buckets per page (default: the most the width allows, so the fewest requests).
    - the operation's filters, by their API names, each one string or a list.

    Every method validates its arguments before any request (raising
    ``InvalidParameterError``) and returns a lazy paginator. The methods are generated from
    the spec: each one's docstring lists its own widths, ``group_by`` values and filters.

    Example::

        with UsageClient() as client:
            for bucket in client.completions(start="2026-11-01", group_by=["model"]):
                print(bucket.start, [(r.model, r.input_tokens) for r in bucket.results])
    """

    def _new_sender(self, config: _ClientConfig) -> SyncSender:
        return SyncSender(
            config.generated.get_httpx_client(), config.policy, deadline=config.timeout
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._config.generated.get_httpx_client().close()

    def _paginate(self, query: Query, /) -> Paginator[Any]:
        return Paginator(query, self._sender, self._config.max_concurrency)

    def _list(self, query: ListQuery, /) -> ListPaginator[Any]:
        return ListPaginator(query, self._sender)

    def _get(self, query: ObjectQuery, /) -> Any:
        return get_object(query, self._sender)

    def audit_logs_since(
        self, since: TimeInput | AuditLogCheckpoint, /, **filters: Any
    ) -> AuditLogBatch[Any]:
        """The audit log events after ``since``, and a checkpoint to resume from.

        Lists ``audit_logs(effective_at={"gte": ...}, **filters)`` to the end, leaving out the
        events the checkpoint says were read. Store ``batch.checkpoint`` (two plain fields)
        and pass it next time: each event comes back once. An event the API records late,
        with an ``effective_at`` before the checkpoint, is not seen.

        Args:
            since: A time (as ``start`` of the usage methods: ``"7d"``, an aware datetime,
                Unix seconds ...) or the checkpoint of an earlier call.
            **filters: The other ``audit_logs`` arguments (``event_types``, ``project_ids``,
                ``limit`` ...), not ``effective_at``.

        Returns:
            An ``AuditLogBatch``: ``events`` (``AuditLog`` models, newest first) and
            ``checkpoint``.

        Raises:
            InvalidParameterError: a bad ``since`` or filter (before any request).

        Example::

            batch = client.audit_logs_since("1d", event_types=["api_key.created"])
            later = client.audit_logs_since(batch.checkpoint)
        """
        start = _audit_start(since, filters)
        listing = self.audit_logs(effective_at={"gte": start.effective_at}, **filters)
        return audit_log_batch(start, listing)


class AsyncUsageClient(_Client[httpx.AsyncBaseTransport, AsyncSender], AsyncUsageMethods):
    """The Usage and Costs API for asyncio code: the same methods as ``UsageClient``.

    Each method returns an ``AsyncPaginator``, used with ``async for``. Arguments as for
    ``UsageClient``.

    Example::

        async with AsyncUsageClient() as client:
            async for bucket in client.costs(start="30d", group_by="project_id"):
                print(bucket.start, sum(r.amount.value for r in bucket.results))
    """

    def _new_sender(self, config: _ClientConfig) -> AsyncSender:
        return AsyncSender(
            config.generated.get_async_httpx_client(), config.policy, deadline=config.timeout
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._config.generated.get_async_httpx_client().aclose()

    def _paginate(self, query: Query, /) -> AsyncPaginator[Any]:
        return AsyncPaginator(query, self._sender, self._config.max_concurrency)

    def _list(self, query: ListQuery, /) -> AsyncListPaginator[Any]:
        return AsyncListPaginator(query, self._sender)

    async def _get(self, query: ObjectQuery, /) -> Any:
        return await async_get_object(query, self._sender)

    async def audit_logs_since(
        self, since: TimeInput | AuditLogCheckpoint, /, **filters: Any
    ) -> AuditLogBatch[Any]:
        """``UsageClient.audit_logs_since`` for async code.

        Example::

            batch = await client.audit_logs_since("1d")
            later = await client.audit_logs_since(batch.checkpoint)
        """
        start = _audit_start(since, filters)
        listing = self.audit_logs(effective_at={"gte": start.effective_at}, **filters)
        return audit_log_batch(start, await listing.to_list())


def _audit_start(
    since: TimeInput | AuditLogCheckpoint, filters: dict[str, Any]
) -> AuditLogCheckpoint:
    if "effective_at" in filters:
        raise InvalidParameterError(
            "effective_at",
            filters["effective_at"],
            "no effective_at: audit_logs_since sets it from since",
        )
    return audit_log_start(since)
