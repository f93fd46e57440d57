"""``fake-server``: the embedded fake Usage API, served on loopback until Ctrl-C."""

from __future__ import annotations

import errno
import sys
from datetime import UTC, datetime

import click

from openai_org_usage import InvalidParameterError, from_unix_seconds, to_unix_seconds

from ._options import counting_option, size_option

__all__ = ["fake_server"]


@click.command(
    "fake-server",
    epilog="""\b
Examples:
  openai-org-usage fake-server
  openai-org-usage fake-server --port 9000 --seed 7 --latency 0.05
  openai-org-usage fake-server --now 2026-11-25T12:00Z
  openai-org-usage fake-server --size large
  openai-org-usage fake-server --history realistic --anomalies 24

\b
Then, in another shell:
  OPENAI_BASE_URL=http://127.0.0.1:8089/v1 OPENAI_ADMIN_KEY=sk-fake openai-org-usage report""",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8089,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Picks the synthetic organization and its traffic.",
)
@counting_option("--latency", 0.0, "Seconds added to every response.")
@click.option(
    "--now",
    metavar="WHEN",
    help="The fake's clock: its data ends there, and it is the API's 'now'. A date, an ISO "
    "datetime (without an offset: UTC) or Unix seconds. Default: the time it starts.",
)
@size_option("How big the synthetic organization is.")
@click.option(
    "--history",
    type=click.Choice(("default", "realistic")),
    default="default",
    show_default=True,
    help="default: the demo's traffic as it always was; realistic: steadier traffic, growth by "
    "project, a launch step and a month-end batch job (what forecasts and anomaly detection "
    "are measured on).",
)
@click.option(
    "--anomalies",
    type=click.IntRange(min=0),
    default=0,
    metavar="COUNT",
    help="With --history realistic: inject COUNT spikes and drops into the last six months.",
)
@click.option(
    "--anomaly-seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed of the injected anomalies.",
)
def fake_server(
    port: int,
    host: str,
    seed: int,
    latency: float,
    now: str | None,
    size: str,
    history: str,
    anomalies: int,
    anomaly_seed: int,
) -> None:
    """Serve the embedded fake Usage API on loopback until Ctrl-C.

    The data is synthetic and deterministic. The fake's clock is the time it starts (or
    --now), and stays there while it runs: the same request always gets the same answer, and
    a client counting back from today (a report's last 30 days) finds data up to today, as
    with the live API. Any non-empty bearer key is accepted.
    """
    from openai_org_usage.fake import AnomalySchedule, FakeUsageAPI, History, serve

    if anomalies and history != "realistic":
        raise click.UsageError(
            f"--anomalies {anomalies} needs --history realistic (the default history has no "
            "baseline steady enough to inject into)"
        )
    clock = _fake_clock(now)
    chosen: str | History = history
    if anomalies:
        chosen = History(anomalies=AnomalySchedule(seed=anomaly_seed, count=anomalies))
    api = FakeUsageAPI(seed, clock, latency=latency, size=size, history=chosen)
    try:
        server = serve(api, host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"port {port} is in use on {host}: stop what holds it, or pick another "
                "with --port (--port 0 takes any free port)"
            ) from None
        if exc.errno == errno.EACCES:
            raise click.ClickException(
                f"port {port} on {host} needs privileges this user lacks: pick a port "
                "above 1023 with --port"
            ) from None
        raise
    try:
        bound_host, bound_port = server.server_address[:2]
        shown = bound_host.decode() if isinstance(bound_host, bytes) else str(bound_host)
        if ":" in shown:
            shown = f"[{shown}]"
        base_url = f"http://{shown}:{bound_port}/v1"
        click.echo(
            f"Fake OpenAI Usage API (synthetic data, seed {seed}, {size} organization: "
            f"{len(api.org.projects)} projects, {len(api.org.users)} users, "
            f"{len(api.org.api_keys)} API keys) at {base_url}"
        )
        click.echo(
            f"Its clock stays at {api.now:%Y-%m-%dT%H:%M:%SZ}"
            f"{' (when it started)' if now is None else ''}: its data ends there. "
            "Ctrl-C to stop. Try:"
        )
        click.echo(
            f"  OPENAI_BASE_URL={base_url} OPENAI_ADMIN_KEY=sk-fake "
            "openai-org-usage report --last 7d"
        )
        sys.stdout.flush()
        server.serve_forever()
    finally:
        server.server_close()


def _fake_clock(value: str | None) -> datetime:
    """``fake-server --now``, or the current time to the second."""
    wall = datetime.now(UTC).replace(microsecond=0)
    if value is None:
        return wall
    try:
        seconds = to_unix_seconds(value, param="now", now=wall, tz=UTC)
    except InvalidParameterError as exc:
        raise click.UsageError(
            f"invalid --now {exc.value!s:.80}: use a date (2026-11-25), a time "
            "(2026-11-25T12:00Z; without an offset it is UTC) or Unix seconds"
        ) from None
    return from_unix_seconds(seconds)
