"""A loopback HTTP/1.1 server (stdlib ``http.server``) in front of a :class:`FakeUsageAPI`."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from ._api import FakeUsageAPI
from ._faults import InjectedFault


class _Server(ThreadingHTTPServer):
    # Handler threads must not keep the process (or shutdown) waiting on idle keep-alive sockets.
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], api: FakeUsageAPI) -> None:
        self.api = api
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "openai-org-usage-fake/1"
    sys_version = ""
    # Headers and body go out in separate writes; without this, Nagle + delayed ACK add ~40 ms.
    disable_nagle_algorithm = True
    # Idle keep-alive connections are closed eventually rather than holding a thread forever.
    timeout = 120.0
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Silence the per-request stderr log."""

    def _serve(self) -> None:
        with self.server.api.serving():
            self._serve_one()

    def _serve_one(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)  # drain, so the keep-alive stream stays in sync
        api = self.server.api
        if api.latency:
            time.sleep(api.latency)
        split = urlsplit(self.path)
        pairs = parse_qsl(split.query, keep_blank_values=True)
        try:
            status, headers, body = api.handle(self.command, split.path, pairs, dict(self.headers))
        except InjectedFault as fault:
            if fault.kind == "timeout":
                time.sleep(fault.hang_seconds)
            self.close_connection = True
            return
        except Exception as error:  # a bug in the fake must reach the client visibly
            status, headers, body = _internal_error(error)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = _serve
    do_POST = _serve
    do_PUT = _serve
    do_PATCH = _serve
    do_DELETE = _serve
    do_HEAD = _serve
    do_OPTIONS = _serve


def _internal_error(error: Exception) -> tuple[int, dict[str, str], bytes]:
    message = f"fake server bug: {type(error).__name__}: {error}"
    body = json.dumps(
        {"error": {"message": message, "type": "server_error", "param": None, "code": None}}
    )
    return 500, {"content-type": "application/json"}, body.encode()


def serve(api: FakeUsageAPI, host: str = "127.0.0.1", port: int = 8089) -> ThreadingHTTPServer:
    """Bind a threading HTTP/1.1 server for ``api``; call ``serve_forever()`` on it to run.

    Binds loopback by default; ``port=0`` picks a free port (see ``server_address``).
    """
    return _Server((host, port), api)


@contextmanager
def running_server(api: FakeUsageAPI, port: int = 0, host: str = "127.0.0.1") -> Iterator[str]:
    """Run ``api`` on a loopback server in a daemon thread; yield its base URL (``.../v1``)."""
    server = serve(api, host, port)
    thread = threading.Thread(target=server.serve_forever, name="fake-usage-api", daemon=True)
    thread.start()
    try:
        bound_host, bound_port = server.server_address[:2]
        host_text = bound_host.decode() if isinstance(bound_host, bytes) else str(bound_host)
        if ":" in host_text:
            host_text = f"[{host_text}]"
        yield f"http://{host_text}:{bound_port}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
