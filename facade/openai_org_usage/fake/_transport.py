"""An httpx transport that serves a :class:`FakeUsageAPI` in process (sync and async)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol
from urllib.parse import parse_qsl

import httpx

from ._faults import InjectedFault

__all__ = ["FakeTransport", "Handle", "Response", "Served"]

Response = tuple[int, dict[str, str], bytes]
"""An answer of the fake: ``(status, headers, body)``."""

Handle = Callable[[str, str, Sequence[tuple[str, str]], Mapping[str, str]], Response]
"""``FakeUsageAPI.handle``: ``(method, url_path, query_pairs, headers)`` to its answer."""


class Served(Protocol):
    """What the transport serves: a :class:`FakeUsageAPI`, by what the transport uses of it."""

    latency: float

    @property
    def handle(self) -> Handle:
        """Answers one request (``FakeUsageAPI.handle``)."""
        ...


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Both an :class:`httpx.BaseTransport` and an :class:`httpx.AsyncBaseTransport`.

    Usable as ``httpx.Client(transport=fake.transport(), base_url="https://api.openai.com/v1")``
    or with :class:`httpx.AsyncClient`. Injected timeouts raise :class:`httpx.ReadTimeout` and
    disconnects :class:`httpx.RemoteProtocolError`, immediately (no waiting).
    """

    def __init__(self, api: Served) -> None:
        self.api = api

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Serve one request synchronously (sleeping ``api.latency`` first)."""
        request.read()
        if self.api.latency:
            time.sleep(self.api.latency)
        return self._respond(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Serve one request asynchronously (awaiting ``api.latency`` first)."""
        await request.aread()
        if self.api.latency:
            await asyncio.sleep(self.api.latency)
        return self._respond(request)

    def _respond(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        pairs = parse_qsl(url.query.decode("ascii"), keep_blank_values=True)
        try:
            result = self.api.handle(request.method, url.path, pairs, request.headers)
        except InjectedFault as fault:
            if fault.kind == "timeout":
                raise httpx.ReadTimeout(
                    "Read timed out (injected fault)", request=request
                ) from None
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response (injected fault).",
                request=request,
            ) from None
        status, headers, body = result
        return httpx.Response(status, headers=headers, content=body, request=request)
