"""Lazy paginators for the admin lists (projects, users, API keys, service accounts ...), and
the single-object reads beside them (a spend limit: one request, one typed object).

These operations page by a cursor, not in time buckets: each page holds ``data`` (the
objects), ``has_more`` and usually ``first_id``/``last_id``; the next page is asked for with
``after`` set to the page's ``last_id`` or, where the operation says so (``cursor`` of its
``ListOperation``, from ``x-cursor`` in the fragment), to the last object's ``id``. A third
style (the Health API's alert rules; the SDK's ``SyncTokenPage``) sends ``page=<token>`` and
reads the token of the next page from the page's ``next``.

An ID-cursor listing ends when ``has_more`` is false, when a page is empty, or when there is no
cursor to follow (what the official SDK's page classes do). A token listing ends when
``has_more`` is false; it goes on across empty pages while ``next`` is set (as SDK 3.63.0
does), and an empty page that says more follow but gives no ``next`` is a
``PaginationError`` (objects would be missing without a word). A cursor that was already sent,
an object that was already listed, or more than ``MAX_EMPTY_PAGES`` empty pages in a row is a
``PaginationError``: a server cannot lead the client round in a loop or make it count an
object twice.

``audit_log_start`` and ``AuditLogCheckpoint`` are the sans-IO half of reading the audit log
incrementally (the clients' ``audit_logs_since``): where to start from a checkpoint, and the
checkpoint after a batch of events.

``records()`` reads each object through the operation table (``ListOperation.record``): a
flat dict with one value per described field, nested ones flattened with ``_``
(``owner_user_id``), so no caller reads the generated models attribute by attribute.

Requests go through the clients' senders (``_http``): the same retries, deadlines, redaction
and error classes as the usage operations. Pages are read by ``parse_list_page`` (how it
differs from the usage pages' readers: ``_parse``'s module docstring, path 4).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import AsyncGenerator, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final, Generic, TypeVar

import attrs
import httpx

from ._builders import found
from ._errors import InvalidParameterError, PaginationError
from ._http import AsyncSender, SyncSender
from ._operations import ListOperation, ObjectOperation
from ._params import string_values
from ._parse import loads_page, page_errors
from ._time import TimeInput, to_unix_seconds

__all__ = [
    "MAX_EMPTY_PAGES",
    "AsyncListPaginator",
    "AuditLogBatch",
    "AuditLogCheckpoint",
    "ListPage",
    "ListPaginator",
    "ListQuery",
    "ObjectQuery",
    "async_get_object",
    "audit_log_batch",
    "audit_log_start",
    "build_list_query",
    "build_object_query",
    "get_object",
    "parse_object",
]

logger = logging.getLogger("openai_org_usage")

T = TypeVar("T")

MAX_EMPTY_PAGES: Final = 100
"""Empty pages in a row a token listing follows before it is a ``PaginationError``: the SDK
follows ``next`` across empty pages, but a server sending distinct tokens for ever must not
hold a client for ever."""


@attrs.frozen
class ListPage(Generic[T]):
    """One page of a listing.

    Attributes:
        items: The page's objects (generated models), in the server's order.
        has_more: The server says more objects follow.
        first_id: The page's ``first_id``, if it sent one.
        last_id: The page's ``last_id``, if it sent one.
        attempts: How many times the request was sent, retries included.
        next: The page's ``next`` token, if it sent one (token listings).
    """

    items: tuple[T, ...]
    has_more: bool
    first_id: str | None
    last_id: str | None
    attempts: int = 1
    next: str | None = None


@attrs.frozen
class ListQuery:
    """One validated call of a list operation."""

    operation: ListOperation[Any]
    path: Mapping[str, str]
    limit: int
    after: str | None
    filters: Mapping[str, Any]

    def request_kwargs(self, after: str | None) -> dict[str, Any]:
        """The arguments of ``operation.build_request`` for the page after the cursor
        ``after`` (sent as the operation's ``cursor_parameter``: ``after`` or ``page``)."""
        cursor = self.operation.cursor_parameter
        return {**self.path, "limit": self.limit, cursor: after, **self.filters}


def _plain(value: object) -> object:
    return value.value if isinstance(value, enum.Enum) else value


def _id_text(param: str, value: object, example: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError(param, value, f"a non-empty ID string such as {example!r}")
    return value


_NO_PATH: Mapping[str, object] = MappingProxyType({})


def build_list_query(
    operation: ListOperation[Any],
    *,
    path: Mapping[str, object] = _NO_PATH,
    limit: int | None,
    after: str | None,
    filters: Mapping[str, object],
) -> ListQuery:
    """Validate one list call's arguments, before any request.

    Checked in this order: the path parameters (``operation.path_parameters``), ``limit``,
    ``after`` (the starting cursor: an object ID, or a page token), then each of ``filters`` in
    the order given; ``None`` leaves a filter off. A ``range`` filter's times become Unix
    seconds here.

    Raises:
        InvalidParameterError: naming the parameter, the value and what is allowed.
    """
    checked_path = _checked_path(operation.name, operation.path_parameters, path)
    default, maximum = operation.page_size
    if limit is None:
        # The largest page the API documents: the fewest requests. Without a documented
        # maximum, the API's own default: a larger page might be refused.
        limit = maximum if maximum is not None else default
    elif (
        isinstance(limit, bool)
        or not isinstance(limit, int)
        or limit < 1
        or (maximum is not None and limit > maximum)
    ):
        raise InvalidParameterError("limit", limit, _limit_range(maximum))
    if after is not None:
        if operation.cursor == "next":
            after = _id_text("page", after, "a next token from an earlier listing")
        else:
            after = _id_text("after", after, "an object ID from an earlier listing")
    checked: dict[str, Any] = {}
    for name, value in filters.items():
        spec = operation.filters.get(name)
        if spec is None:
            known = ", ".join(operation.filters) or "none"
            raise InvalidParameterError(
                name, value, f"one of the {operation.name} filters: {known}"
            )
        if value is None:
            continue
        plain = _plain(value)
        if spec.kind == "range":
            checked[name] = _range(name, value, spec.allowed)
        elif spec.kind == "boolean":
            if not isinstance(value, bool):
                raise InvalidParameterError(name, value, "True, False or None")
            checked[name] = value
        elif spec.kind == "choice":
            if not isinstance(plain, str) or plain not in spec.allowed:
                allowed = ", ".join(repr(v) for v in spec.allowed)
                raise InvalidParameterError(name, value, f"one of {allowed}, or None")
            checked[name] = plain
        elif spec.kind == "string":
            if not isinstance(plain, str) or not plain:
                raise InvalidParameterError(name, value, "a non-empty string, or None")
            checked[name] = plain
        else:
            allowed_values = spec.allowed if spec.kind == "choices" else None
            strings = string_values(name, value, allowed=allowed_values, what=f"{operation.name}")
            if not strings:
                raise InvalidParameterError(
                    name,
                    value,
                    "a non-empty list of strings",
                    hint=f"None (the default) means no filter; an empty {name} would match "
                    "everything, not nothing",
                )
            checked[name] = list(strings)
    return ListQuery(operation, checked_path, limit, after, checked)


def _range(name: str, value: object, bounds: tuple[str, ...]) -> dict[str, int]:
    """A ``range`` filter's bounds as Unix seconds, in ``bounds`` order (``gt``, ``gte`` ...)."""
    allowed = f"a mapping of some of {', '.join(bounds)} to times (aware datetimes, ISO-8601 "
    allowed += "strings, Unix seconds)"
    if not isinstance(value, Mapping) or not value:
        raise InvalidParameterError(name, value, allowed)
    unknown = [key for key in value if key not in bounds]
    if unknown:
        raise InvalidParameterError(name, value, allowed, hint=f"unknown bound {unknown[0]!r}")
    now = datetime.now(UTC)
    return {
        key: to_unix_seconds(value[key], param=f"{name}[{key}]", now=now)
        for key in bounds
        if key in value
    }


def _checked_path(
    name: str, parameters: tuple[str, ...], path: Mapping[str, object]
) -> dict[str, str]:
    for param, value in path.items():
        if param not in parameters:
            known = ", ".join(parameters) or "none"
            raise InvalidParameterError(param, value, f"one of the {name} path parameters: {known}")
    return {
        param: _id_text(param, path.get(param), f"{param.removesuffix('_id')}_abc")
        for param in parameters
    }


def _limit_range(maximum: int | None) -> str:
    return f"an integer from 1 to {maximum}" if maximum is not None else "an integer >= 1"


def parse_list_page(
    operation: ListOperation[Any], response: httpx.Response, *, attempts: int = 1
) -> ListPage[Any]:
    """Parse a response of a list operation into a page.

    Raises:
        APIStatusError: for a non-2xx status.
        ResponseValidationError: for a body that is not a valid page of this operation.
    """
    invalid = page_errors(operation.name, response, attempts)
    body = loads_page(response, invalid)
    if not isinstance(body, dict):
        raise invalid(f"expected a JSON object, found {type(body).__name__}")
    data = body.get("data")
    if not isinstance(data, list):
        raise invalid(f"data must be a list, found {found(data)}")
    has_more = body.get("has_more")
    if not isinstance(has_more, bool):
        raise invalid(f"has_more must be true or false, found {found(has_more)}")
    ids: dict[str, str | None] = {}
    for key in ("first_id", "last_id", "next"):
        value = body.get(key)
        if value is not None and not isinstance(value, str):
            raise invalid(f"{key} must be a string or null, found {found(value)}")
        ids[key] = value or None
    items: list[Any] = []
    for index, raw in enumerate(data):
        if not isinstance(raw, dict):
            raise invalid(f"data[{index}] must be an object, found {found(raw)}")
        item_id = raw.get("id")
        if not isinstance(item_id, str) or not item_id:
            raise invalid(f"data[{index}].id must be a non-empty string, found {found(item_id)}")
        try:
            items.append(operation.item_cls.from_dict(raw))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            problem = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
            raise invalid(f"data[{index}] ({item_id}): {problem}") from exc
    return ListPage(tuple(items), has_more, ids["first_id"], ids["last_id"], attempts, ids["next"])


class _Cursors:
    """Follows one listing's cursors (sans-IO); refuses a repeated cursor or object.

    ``request()`` is what to send next, ``page(response, attempts)`` reads what came back;
    the listing is over once ``done``.
    """

    def __init__(self, query: ListQuery) -> None:
        self.query = query
        self.sent: set[str] = set() if query.after is None else {query.after}
        self.listed: set[str] = set()
        self.after = query.after
        self.done = False
        self.empty_pages = 0
        # The senders' request type is the usage operations'; a list operation builds its
        # request the same way (``build_request``), which is all they use.
        self.operation: Any = query.operation

    def request(self) -> dict[str, Any]:
        """The arguments of the next page's request."""
        return self.query.request_kwargs(self.after)

    def page(self, response: httpx.Response, attempts: int) -> ListPage[Any]:
        """The page in ``response``, checked; sets where the next one starts, or ``done``."""
        page = parse_list_page(self.query.operation, response, attempts=attempts)
        after = self.next_after(page)
        self.done = after is None
        self.after = after
        return page

    def next_after(self, page: ListPage[Any]) -> str | None:
        """Check ``page``; the ``after`` of the next page, or None when the listing is done."""
        for item in page.items:
            item_id: str = item.id
            if item_id in self.listed:
                raise self._error(f"object {item_id!r} was already listed")
            self.listed.add(item_id)
        operation = self.query.operation
        if operation.cursor == "next":
            return self._next_token(page)
        if not page.has_more or not page.items:
            return None
        cursor = page.last_id if operation.cursor == "last_id" else page.items[-1].id
        if not cursor:
            # What the SDK does too; said out loud, since objects may be missing.
            logger.warning(
                "%s: has_more is true but the page has no last_id to continue from; "
                "stopping after %d objects",
                operation.name,
                len(self.listed),
            )
            return None
        if cursor in self.sent:
            raise self._error(f"cursor {cursor[:40]!r} was already followed")
        self.sent.add(cursor)
        return cursor

    def _next_token(self, page: ListPage[Any]) -> str | None:
        """A token listing's next ``page``: followed across empty pages while ``has_more``."""
        if not page.has_more:
            return None
        self.empty_pages = 0 if page.items else self.empty_pages + 1
        token = page.next
        if not token:
            if not page.items:
                raise self._error("an empty page says has_more but gives no next token")
            logger.warning(
                "%s: has_more is true but the page has no next token to continue from; "
                "stopping after %d objects",
                self.query.operation.name,
                len(self.listed),
            )
            return None
        if self.empty_pages > MAX_EMPTY_PAGES:
            raise self._error(f"more than {MAX_EMPTY_PAGES} empty pages in a row")
        if token in self.sent:
            raise self._error(f"next token {token[:40]!r} was already followed")
        self.sent.add(token)
        return token

    def _error(self, problem: str) -> PaginationError:
        where = ", ".join(f"{k}={v}" for k, v in self.query.path.items())
        label = f"{self.query.operation.name}({where})" if where else self.query.operation.name
        return PaginationError(f"{label} pages do not chain: {problem}", request=None)


def _describe(query: ListQuery) -> str:
    parts = [query.operation.name, *(f"{k}={v}" for k, v in query.path.items())]
    parts.append(f"limit={query.limit}")
    parts.extend(f"{k}={v}" for k, v in query.filters.items())
    return " ".join(parts)


class ListPaginator(Generic[T]):
    """Every object of one listing, fetched lazily, page by page.

    Nothing is requested until iteration starts; each iteration fetches afresh. Iterate for
    the objects, or use ``pages()``; ``list(paginator)`` and ``to_list()`` collect them.

    Example::

        for project in client.projects(include_archived=True):
            print(project.id, project.name, project.status)
    """

    def __init__(self, query: ListQuery, sender: SyncSender) -> None:
        self.query = query
        self._sender = sender

    def __repr__(self) -> str:
        return f"<ListPaginator {_describe(self.query)}>"

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def pages(self) -> Iterator[ListPage[T]]:
        """Every page, in the server's order."""
        cursors = _Cursors(self.query)
        while not cursors.done:
            response, attempts = self._sender.send_page(cursors.operation, cursors.request())
            yield cursors.page(response, attempts)

    def records(self) -> Iterator[dict[str, Any]]:
        """Every object as a flat record (``ListOperation.record``: one value per column of
        the operation's ``columns``, nested fields flattened with ``_``)."""
        record = self.query.operation.record
        for item in self:
            yield record(item)

    def to_list(self) -> list[T]:
        """Every object, collected."""
        return list(self)


class AsyncListPaginator(Generic[T]):
    """Every object of one listing, fetched lazily; use with ``async for``.

    Example::

        async for user in client.users():
            print(user.id, user.email)
    """

    def __init__(self, query: ListQuery, sender: AsyncSender) -> None:
        self.query = query
        self._sender = sender

    def __repr__(self) -> str:
        return f"<AsyncListPaginator {_describe(self.query)}>"

    async def __aiter__(self) -> AsyncGenerator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def pages(self) -> AsyncGenerator[ListPage[T]]:
        """Every page, in the server's order."""
        cursors = _Cursors(self.query)
        while not cursors.done:
            response, attempts = await self._sender.send_page(cursors.operation, cursors.request())
            yield cursors.page(response, attempts)

    async def records(self) -> AsyncGenerator[dict[str, Any]]:
        """Every object as a flat record (``ListPaginator.records``)."""
        record = self.query.operation.record
        async for item in self:
            yield record(item)

    async def to_list(self) -> list[T]:
        """Every object, collected (``list()`` for async code)."""
        return [item async for item in self]


# -- single-object reads (a spend limit ...) ---------------------------------------------------


@attrs.frozen
class ObjectQuery:
    """One validated call of a single-object read."""

    operation: ObjectOperation[Any]
    path: Mapping[str, str]

    def request_kwargs(self) -> dict[str, Any]:
        """The arguments of ``operation.build_request``."""
        return dict(self.path)


def build_object_query(
    operation: ObjectOperation[Any], *, path: Mapping[str, object] = _NO_PATH
) -> ObjectQuery:
    """Validate one single-object read's path parameters, before any request.

    Raises:
        InvalidParameterError: naming the parameter, the value and what is allowed.
    """
    return ObjectQuery(operation, _checked_path(operation.name, operation.path_parameters, path))


def parse_object(
    operation: ObjectOperation[Any], response: httpx.Response, *, attempts: int = 1
) -> Any:
    """Parse the response of a single-object read into its generated model.

    Raises:
        APIStatusError: for a non-2xx status (404: ``NotFoundError``).
        ResponseValidationError: for a body that is not this operation's object.
    """
    invalid = page_errors(operation.name, response, attempts)
    body = loads_page(response, invalid)
    if not isinstance(body, dict):
        raise invalid(f"expected a JSON object, found {type(body).__name__}")
    kind = body.get("object")
    if kind != operation.item_object:
        raise invalid(f"object must be {operation.item_object!r}, found {found(kind)}")
    try:
        return operation.item_cls.from_dict(body)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        problem = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise invalid(problem) from exc


def get_object(query: ObjectQuery, sender: SyncSender) -> Any:
    """Send one single-object read (retried like a page) and parse its answer."""
    operation: Any = query.operation  # built like a page request (``build_request``)
    response, attempts = sender.send_page(operation, query.request_kwargs())
    return parse_object(query.operation, response, attempts=attempts)


async def async_get_object(query: ObjectQuery, sender: AsyncSender) -> Any:
    """``get_object`` for async code."""
    operation: Any = query.operation
    response, attempts = await sender.send_page(operation, query.request_kwargs())
    return parse_object(query.operation, response, attempts=attempts)


# -- reading the audit log incrementally -------------------------------------------------------


@attrs.frozen
class AuditLogCheckpoint:
    """Where an incremental read of the audit log stopped: pass it to the next
    ``audit_logs_since`` call to get only what came after.

    The API filters on whole seconds and lists newest first, so the checkpoint is the newest
    event's ``effective_at`` and the IDs of the events read at that very second: the next read
    asks for ``effective_at[gte]`` that second and leaves those IDs out. Plain data: store
    ``effective_at`` and ``ids`` anywhere (a file, a table) and rebuild it.

    Attributes:
        effective_at: The newest ``effective_at`` read (Unix seconds).
        ids: The IDs of the events at ``effective_at`` already read.
    """

    effective_at: int
    ids: tuple[str, ...] = ()


@attrs.frozen
class AuditLogBatch(Generic[T]):
    """What one ``audit_logs_since`` call read.

    Attributes:
        events: The new events (``AuditLog`` models), in the server's order (newest first).
        checkpoint: Where the next call starts.
    """

    events: tuple[T, ...]
    checkpoint: AuditLogCheckpoint


def audit_log_start(since: TimeInput | AuditLogCheckpoint) -> AuditLogCheckpoint:
    """The checkpoint a read from ``since`` starts at (a time: nothing read at it yet).

    Raises:
        InvalidParameterError: ``since`` is not a time (``to_unix_seconds``) or a checkpoint.
    """
    if isinstance(since, AuditLogCheckpoint):
        return since
    return AuditLogCheckpoint(to_unix_seconds(since, param="since", now=datetime.now(UTC)))


def audit_log_batch(start: AuditLogCheckpoint, listed: Iterable[Any]) -> AuditLogBatch[Any]:
    """The events of ``listed`` (a listing from ``start.effective_at`` on) not read before
    ``start``, and the checkpoint after them."""
    skip = frozenset(start.ids)
    events = tuple(e for e in listed if e.id not in skip)
    newest = max((int(e.effective_at) for e in events), default=start.effective_at)
    ids = [str(e.id) for e in events if int(e.effective_at) == newest]
    if newest == start.effective_at:
        ids = [*start.ids, *ids]
    return AuditLogBatch(events, AuditLogCheckpoint(newest, tuple(ids)))
