"""Test helpers: a real webhook receiver on 127.0.0.1, a clock that never waits, alerts."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from openai_org_usage.alerts import Alert, AlertScope, alerts_for_limit

OBSERVED = datetime(2026, 11, 12, 8, 0, tzinfo=UTC)
SECRET = "whsec_test_0123456789"


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)


class Receiver:
    """An HTTP server in a thread that records every POST and answers from a script.

    ``script`` holds the answers to give, in order; once it is empty every POST gets 200.
    """

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.script: list[Answer] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.requests.append(Received(self.path, dict(self.headers), body))
                    answer = receiver.script.pop(0) if receiver.script else Answer()
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        port = self.server.server_address[1]
        return f"http://127.0.0.1:{port}/hooks/T000/B000/s3cretpath"

    def bodies(self) -> list[bytes]:
        with self._lock:
            return [r.body for r in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class FakeClock:
    """Monotonic and wall time that move only when slept on: no test waits real seconds."""

    def __init__(self) -> None:
        self.t = 0.0
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.t += seconds

    def monotonic(self) -> float:
        return self.t

    def now(self) -> datetime:
        return OBSERVED + timedelta(seconds=self.t)


def limit_alerts(spent: str = "850", *, name: str = "Search", pid: str = "proj_1") -> list[Alert]:
    """Two alerts (50% and 80% of 1,000 USD) when 850 is spent."""
    return alerts_for_limit(
        AlertScope("project", pid, name), Decimal(spent), Decimal("1000"), observed_at=OBSERVED
    )
