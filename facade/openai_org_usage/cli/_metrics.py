"""The ``metrics`` group: this month's spend and usage as Prometheus/OpenMetrics series.

``metrics serve`` refreshes on an interval in a background thread and answers scrapes from the
last snapshot (a scrape never calls the API); ``metrics write FILE`` refreshes once and
replaces FILE atomically, for node-exporter's textfile collector. Both are thin: everything
is :mod:`openai_org_usage.metrics`, imported when a command runs (the ``metrics`` extra).
"""

from __future__ import annotations

import re
import signal
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import click

from ._options import CONTEXT_SETTINGS, source_options, stderr_line
from ._source import DEMO_NOTICE, Source, SourceSettings, demo_message, load_names, open_source

if TYPE_CHECKING:
    from openai_org_usage.metrics import Snapshot

__all__ = ["DEFAULT_INTERVAL", "DEFAULT_TOP", "MIN_INTERVAL", "metrics_group", "parse_interval"]

# The library's defaults (openai_org_usage.metrics; a test pins them equal), repeated here so
# that `--help` works without the extra installed.
DEFAULT_TOP: Final = 10
DEFAULT_INTERVAL: Final = 900.0
MIN_INTERVAL: Final = 300.0

_SPAN = re.compile(r"(\d+(?:\.\d+)?)\s*([smh]?)")
_UNIT_SECONDS: Final = {"": 1, "s": 1, "m": 60, "h": 3600}

EPILOG = """\b
Examples:
  openai-org-usage metrics serve --demo --port 9464
  openai-org-usage metrics serve --port 9464 --interval 30m --top 20
  openai-org-usage metrics write /var/lib/node_exporter/textfile/openai.prom

\b
Series: spend this UTC calendar month (per currency) in total, by project and line item (the
bill), by user, API key and model (the bill shared out by usage, as `attribute` does); tokens
and requests per usage endpoint; the budget as `budget` reads it (spend limits, alert
thresholds, month-end forecasts and the day a limit is reached, for the organization and the
top N projects and API keys with a limit); the last refresh's time and duration and the
refresh errors. Each spend family shows the top N groups, then `other`, and sums to the bill
to the cent. A limit or alert the key may not read is left out, with a note."""


def parse_interval(text: str) -> float:
    """Seconds from ``900``, ``900s``, ``15m`` or ``1h``.

    Raises:
        ValueError: Not one of those forms.
    """
    match = _SPAN.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(f"{text!r} is not a span such as 15m, 900s or 1h")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def _interval(ctx: click.Context, param: click.Parameter, value: str) -> float:
    try:
        seconds = parse_interval(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if seconds < MIN_INTERVAL:
        raise click.BadParameter(
            f"{value!r} is shorter than the minimum, {MIN_INTERVAL / 60:g}m: a refresh makes "
            "about ten usage requests plus the directory's and the budget's, against rate "
            "limits shared with the organization's other tools, for data billed in daily buckets"
        )
    return seconds


def _top_option(f: Any) -> Any:
    return click.option(
        "--top",
        type=click.IntRange(min=0),
        default=DEFAULT_TOP,
        show_default=True,
        metavar="N",
        help="Groups per dimension (project, user, API key, model, line item) before the "
        "'other' series that sums the rest; projects and API keys per budget family.",
    )(f)


def _budget_option(f: Any) -> Any:
    return click.option(
        "--budget/--no-budget",
        default=True,
        show_default=True,
        help="Read the budget too (spend limits, alert thresholds, forecasts): a year of "
        "daily costs, the limits and alerts, each project's keys; about 40 more requests a "
        "refresh on the demo.",
    )(f)


@click.group("metrics", context_settings=CONTEXT_SETTINGS)
def metrics_group() -> None:
    """Spend and usage as Prometheus metrics."""


class _Snapshots:
    """Takes snapshots for a command: names from the directory, the source's clock, notes
    said once on stderr."""

    def __init__(self, source: Source, *, budget: bool = True) -> None:
        self.source = source
        self.budget = budget
        self._said: set[str] = set()

    def __call__(self) -> Snapshot:
        from openai_org_usage.metrics import collect_snapshot

        loaded = load_names(self.source)
        if loaded.summary:
            self._say(loaded.summary)
        now = self.source.now if self.source.demo else datetime.now(UTC)
        snapshot = collect_snapshot(
            self.source.client, now=now, names=loaded.names, budget=self.budget
        )
        for note in snapshot.budget_notes:
            self._say(f"openai-org-usage: note: {note}")
        return snapshot

    def _say(self, line: str) -> None:
        if line not in self._said:
            self._said.add(line)
            stderr_line(line)

    def failed(self, exc: Exception) -> None:
        from openai_org_usage import APIError
        from openai_org_usage.metrics import error_text

        what = (
            demo_message(exc, self.source.now)
            if self.source.demo and isinstance(exc, APIError)
            else error_text(exc)
        )
        stderr_line(f"openai-org-usage: note: refresh failed, keeping the last values: {what}")


@metrics_group.command("serve", context_settings=CONTEXT_SETTINGS, epilog=EPILOG)
@click.option("--port", type=click.IntRange(0, 65535), required=True, help="Port (0: any free).")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 or :: for every interface: the series name your "
    "projects, users and keys).",
)
@click.option(
    "--interval",
    default="15m",
    show_default=True,
    callback=_interval,
    metavar="SPAN",
    help=f"Time between refreshes: 15m, 900s, 1h; at least {MIN_INTERVAL / 60:g}m.",
)
@_top_option
@_budget_option
@source_options
def serve_command(
    port: int, host: str, interval: float, top: int, budget: bool, api: SourceSettings
) -> None:
    """Serve this month's spend and usage at http://HOST:PORT/metrics, refreshed on an interval.

    The first refresh runs before the endpoint opens; later ones run in the background, and a
    scrape answers from the last one (it never calls the API). A failed refresh keeps the
    last values and counts the error (openai_org_usage_refresh_errors_total).
    """
    from openai_org_usage.metrics import Collector, Refresher, serve

    source = open_source(api)
    with source.client:
        if source.demo:
            stderr_line(DEMO_NOTICE)
        snapshots = _Snapshots(source, budget=budget)
        refresher = Refresher(snapshots, interval=interval, on_error=snapshots.failed)
        refresher.refresh()
        stop = threading.Event()
        server = serve(Collector(refresher, top=top, demo=source.demo), host=host, port=port)
        previous = signal.signal(signal.SIGTERM, lambda _n, _f: stop.set())
        try:
            refresher.start()
            stderr_line(
                f"openai-org-usage: serving metrics on {server.url} "
                f"(refresh every {interval / 60:g}m; Ctrl-C to stop)"
            )
            _wait(stop)
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.close()
            refresher.stop()


def _wait(stop: threading.Event) -> None:
    try:
        while not stop.wait(3600):
            pass
    except KeyboardInterrupt:
        return


@metrics_group.command("write", context_settings=CONTEXT_SETTINGS, epilog=EPILOG)
@click.argument("file", type=click.Path(dir_okay=False))
@_top_option
@_budget_option
@source_options
def write_command(file: str, top: int, budget: bool, api: SourceSettings) -> None:
    """Refresh once and write the metrics to FILE for node-exporter's textfile collector.

    The text goes to a temporary file beside FILE, which is then renamed over it: the
    collector never reads half a file. On a failed refresh FILE is left as it was.
    Name it *.prom (the collector reads only those); run it from cron or a systemd timer.
    """
    from openai_org_usage.metrics import Collector, Refresher, write_textfile

    source = open_source(api)
    with source.client:
        if source.demo:
            stderr_line(DEMO_NOTICE)
        snapshots = _Snapshots(source, budget=budget)
        refresher = Refresher(snapshots, on_error=lambda exc: None)
        error = refresher.refresh()
        if error is not None:
            from openai_org_usage import APIError

            if source.demo and isinstance(error, APIError):
                raise click.ClickException(demo_message(error, source.now)) from None
            raise error
        write_textfile(file, Collector(refresher, top=top, demo=source.demo))
