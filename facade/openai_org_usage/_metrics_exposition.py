"""The refresh record as Prometheus sees it: a custom collector, an HTTP endpoint, a textfile.

The endpoint is ``prometheus_client``'s own WSGI app (content negotiation: OpenMetrics when
the scraper asks for it, the text format otherwise; gzip; ``name[]`` filtering) on a small
threaded ``wsgiref`` server of ours, so that we choose the address (127.0.0.1 by default),
can bind port 0 and learn the port, log no requests, and shut it down cleanly.
"""

from __future__ import annotations

import os
import socket
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any, Final
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import generate_latest, make_wsgi_app
from prometheus_client.core import Metric
from prometheus_client.registry import Collector as _BaseCollector
from prometheus_client.registry import CollectorRegistry

from ._errors import InvalidParameterError
from ._metrics_families import FAMILIES
from ._metrics_refresh import Refresher
from ._metrics_view import Family, View

__all__ = ["DEFAULT_TOP", "Collector", "MetricsServer", "registry_of", "serve", "write_textfile"]

DEFAULT_TOP: Final = 10
"""Groups per dimension shown by default before ``other``."""


class Collector(_BaseCollector):
    """A ``prometheus_client`` collector over a :class:`Refresher`'s last snapshot.

    Collecting reads the refresh record only: a scrape never sends a request.

    Args:
        refresher: Whose record to expose.
        top: Groups per dimension (project, user, key, model, line item) before ``other``.
        demo: Whether the data is synthetic (``openai_org_usage_info{source="demo"}``).
        families: The family builders (default: every one).

    Raises:
        InvalidParameterError: ``top`` is negative.

    Example::

        registry = CollectorRegistry()
        registry.register(Collector(refresher, top=5))
    """

    def __init__(
        self,
        refresher: Refresher,
        *,
        top: int = DEFAULT_TOP,
        demo: bool = False,
        families: tuple[Family, ...] = FAMILIES,
    ) -> None:
        if top < 0:
            raise InvalidParameterError("top", top, "a whole number >= 0")
        self.refresher = refresher
        self.top = top
        self.source = "demo" if demo else "api"
        self.families = families

    def collect(self) -> Iterator[Metric]:
        """The metric families, from one consistent read of the refresh record."""
        view = View(self.refresher.status, self.top, self.source)
        for family in self.families:
            yield from family(view)


def registry_of(collector: Collector) -> CollectorRegistry:
    """A registry of its own holding only ``collector`` (no process or GC metrics)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing: a scrape every few seconds is not news."""


class MetricsServer:
    """An HTTP endpoint serving a collector, in a daemon thread.

    Attributes:
        host: The address bound.
        port: The port bound (the actual one when 0 was asked).
    """

    def __init__(self, httpd: WSGIServer) -> None:
        self._httpd = httpd
        address = httpd.server_address
        self.host = str(address[0])
        self.port = int(address[1])
        self._thread = threading.Thread(
            target=httpd.serve_forever, name="openai-org-usage-metrics-http", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """``http://HOST:PORT/metrics``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/metrics"

    def close(self) -> None:
        """Stop serving and release the port."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def __enter__(self) -> MetricsServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(collector: Collector, *, host: str = "127.0.0.1", port: int = 0) -> MetricsServer:
    """Serve ``collector`` over HTTP (any path; ``/metrics`` by convention) until closed.

    Args:
        collector: What to expose.
        host: Address to bind (default loopback only; ``0.0.0.0`` or ``::`` for all).
        port: Port to bind (0: any free one; read :attr:`MetricsServer.port`).

    Raises:
        OSError: The address cannot be bound.

    Example::

        with serve(Collector(refresher), port=9100) as server:
            print(server.url)
    """
    info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, _, _, _, address = info[0]

    class Server(_Server):
        address_family = family

    app = make_wsgi_app(registry_of(collector))
    httpd = make_server(
        str(address[0]), port, app, server_class=Server, handler_class=_QuietHandler
    )
    return MetricsServer(httpd)


def write_textfile(path: str | os.PathLike[str], collector: Collector) -> None:
    """Write ``collector``'s metrics in the text format for node-exporter's textfile collector.

    The text goes to a hidden temporary file beside ``path`` (same filesystem, a name the
    collector ignores), is flushed to disk, given the old file's permissions (a new one:
    0644, so node-exporter's user can read it), and renamed over ``path``: a reader sees the
    old file or the new one, never half of one.

    Raises:
        OSError: The folder cannot be written.

    Example::

        write_textfile("/var/lib/node_exporter/textfile/openai.prom", Collector(refresher))
    """
    target = Path(path)
    body = generate_latest(registry_of(collector))
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, _mode_of(target))
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _mode_of(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return 0o644
