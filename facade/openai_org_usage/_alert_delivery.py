"""Posting alerts to a webhook, each once: retries, the state file, and the report.

One POST per alert, not a batch: Slack's incoming webhooks take one message per request, a
receiver's refusal of one alert does not hold back the others, and the state records exactly
the alerts that were answered with a 2xx. A post is retried on a lost connection, a timeout,
429 and 5xx, with exponential backoff and full jitter (``Retry-After`` wins when a 429 or 5xx
sends it, up to ``max_retry_after``: a longer ask fails the post now and the next run tries
again); other 4xx and 3xx (redirects are not followed: they would carry the signed body
elsewhere) are final. Every wait counts against one time ``budget`` for the whole run.

The webhook URL is a credential (a Slack URL is all it takes to post to the channel): it is
never logged, kept in a ``repr`` or quoted in an error; only its scheme and host are shown.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import math
import os
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

import httpx

from ._alert_json import AlertStatus, alert_payload
from ._alert_model import Alert
from ._alert_signing import SIGNATURE_HEADER, signature_header
from ._alert_slack import slack_payload
from ._alert_state import Sent, locked, read_state, write_state
from ._alert_text import clean, clip, shown
from ._errors import InvalidParameterError
from ._retry_after import retry_after_seconds
from ._version import __version__

__all__ = [
    "Delivery",
    "DeliveryFailure",
    "DeliveryReport",
    "PayloadFormat",
    "check_webhook_url",
    "send_alerts",
    "webhook_origin",
]

logger = logging.getLogger("openai_org_usage.alerts")

PayloadFormat = Literal["json", "slack"]

_EXCERPT: Final = 200
_READ_AT_MOST: Final = 4096
_INITIAL_BACKOFF: Final = 0.5
_MAX_BACKOFF: Final = 8.0
_LOOPBACK_NAMES: Final = frozenset({"localhost"})


@dataclass(frozen=True)
class Delivery:
    """One alert delivered (answered with a 2xx).

    Attributes:
        key: The alert's key.
        status: ``"firing"`` or ``"resolved"``.
        attempts: Posts made, retries included.
        status_code: The receiver's status.
    """

    key: str
    status: AlertStatus
    attempts: int
    status_code: int


@dataclass(frozen=True)
class DeliveryFailure:
    """One alert not delivered this run: it is tried again on the next.

    Attributes:
        key: The alert's key.
        status: ``"firing"`` or ``"resolved"``.
        attempts: Posts made (0: not tried, the run's time budget was spent).
        status_code: The receiver's last status, or ``None`` when no answer came.
        reason: What went wrong: the error, or the start of the receiver's answer (at most
            200 characters, key-shaped text redacted, controls escaped).
        retry_after: Seconds the receiver asked to wait, if it did.
    """

    key: str
    status: AlertStatus
    attempts: int
    status_code: int | None
    reason: str
    retry_after: float | None = None


@dataclass(frozen=True)
class DeliveryReport:
    """What one :func:`send_alerts` run did.

    Attributes:
        destination: The webhook's scheme and host (the rest of the URL is a secret).
        sent: Alerts delivered for the first time.
        resolved: Resolutions delivered (those alerts are forgotten).
        failed: Posts that did not succeed (nothing recorded: the next run tries again).
        already_sent: Keys of alerts that still hold and were delivered before.
    """

    destination: str
    sent: tuple[Delivery, ...] = ()
    resolved: tuple[Delivery, ...] = ()
    failed: tuple[DeliveryFailure, ...] = ()
    already_sent: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether every post this run needed was delivered."""
        return not self.failed


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        host = host.lower().rstrip(".")
        return host in _LOOPBACK_NAMES or host.endswith(".localhost")


def webhook_origin(url: httpx.URL) -> str:
    """The URL's scheme, host and port: all of it that may be shown.

    Example:
        >>> webhook_origin(httpx.URL("https://hooks.slack.com/services/T0/B0/XYZ"))
        'https://hooks.slack.com'
    """
    port = f":{url.port}" if url.port is not None else ""
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{url.scheme}://{shown(host)}{port}"


def check_webhook_url(url: object, param: str = "url") -> httpx.URL:
    """Check a webhook URL: https, or plain http to this machine only.

    Args:
        url: The webhook URL (a credential: errors show its scheme and host only).
        param: The parameter's name, for the error.

    Returns:
        The parsed URL.

    Raises:
        InvalidParameterError: Not an http(s) URL with a host, or ``http://`` to another
            machine (alerts and their signatures would cross the network in clear).

    Example:
        >>> check_webhook_url("https://hooks.slack.com/services/T0/B0/XYZ").host
        'hooks.slack.com'
    """
    allowed = "an https:// URL, or http:// to a loopback host (127.0.0.1, ::1, localhost)"
    if not isinstance(url, str | httpx.URL):
        raise InvalidParameterError(param, type(url).__name__, allowed)
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise InvalidParameterError(param, "<not a URL>", allowed) from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        shown_as = f"{shown(parsed.scheme)}:..." if parsed.scheme else "<not a URL>"
        raise InvalidParameterError(param, shown_as, allowed)
    if parsed.scheme == "http" and not _is_loopback(parsed.host):
        raise InvalidParameterError(
            param,
            f"{webhook_origin(parsed)}/...",
            allowed,
            hint="alerts would cross the network unencrypted; use the receiver's https:// URL",
        )
    return parsed


@dataclass(frozen=True)
class _Policy:
    retries: int
    timeout: float
    budget: float
    max_retry_after: float


@dataclass(frozen=True)
class _Clock:
    sleep: Callable[[float], None]
    monotonic: Callable[[], float]
    now: Callable[[], datetime]
    started: float

    def left(self, budget: float) -> float:
        return budget - (self.monotonic() - self.started)


@dataclass(frozen=True)
class _Outcome:
    attempts: int
    status_code: int | None
    delivered: bool
    reason: str = ""
    retry_after: float | None = None


class _Poster:
    """Posts bodies to one webhook; holds the URL, so it has no repr that shows it."""

    def __init__(
        self,
        transport: httpx.BaseTransport,
        url: httpx.URL,
        secret: bytes | str | None,
        policy: _Policy,
        clock: _Clock,
    ) -> None:
        self._transport = transport
        self._url = url
        self._secret = secret
        self._policy = policy
        self._clock = clock

    def __repr__(self) -> str:
        return f"<_Poster {webhook_origin(self._url)}>"

    def _hidden(self, text: str) -> str:
        """``text`` without the URL's path or query, as a person may see it."""
        url = self._url
        parts = (str(url), url.raw_path.decode("ascii", "replace"), url.path, url.query.decode())
        for secret in parts:
            if len(secret) > 1:
                text = text.replace(secret, "[webhook URL]")
        return clip(shown(clean(text)), _EXCERPT)

    def _headers(self, body: bytes) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"openai-org-usage/{__version__}",
        }
        if self._secret:
            stamp = int(self._clock.now().timestamp())
            headers[SIGNATURE_HEADER] = signature_header(body, self._secret, stamp)
        return headers

    def _once(self, body: bytes, timeout: float) -> tuple[int, str, float | None]:
        """One POST: the status, the start of the answer, and any ``Retry-After``."""
        # Straight to the transport, not through an httpx.Client: the client logs every
        # request's full URL at INFO, and this URL is a credential.
        request = httpx.Request(
            "POST",
            self._url,
            content=body,
            headers=self._headers(body),
            extensions={"timeout": httpx.Timeout(timeout).as_dict()},
        )
        response = self._transport.handle_request(request)
        try:
            read = b""
            for chunk in response.iter_bytes():
                read += chunk
                if len(read) >= _READ_AT_MOST:
                    break
        finally:
            response.close()
        text = read[:_READ_AT_MOST].decode("utf-8", "replace").strip()
        return response.status_code, self._hidden(text), retry_after_seconds(response)

    def post(self, body: bytes) -> _Outcome:
        """POST ``body``, retrying what may pass on a later try, within the time budget."""
        policy, clock = self._policy, self._clock
        attempt = 0
        while True:
            attempt += 1
            left = clock.left(policy.budget)
            status: int | None = None
            asked: float | None = None
            try:
                status, text, asked = self._once(body, max(min(policy.timeout, left), 0.001))
            except httpx.TimeoutException as exc:
                reason = self._hidden(f"no answer in time ({type(exc).__name__})")
                retryable = True
            except httpx.TransportError as exc:
                reason = self._hidden(f"no answer: {type(exc).__name__}: {exc}")
                retryable = True
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
                return _Outcome(attempt, None, False, self._hidden(f"{type(exc).__name__}: {exc}"))
            else:
                if 200 <= status < 300:
                    return _Outcome(attempt, status, True)
                reason = f"HTTP {status}: {text or 'no body'}"
                if 300 <= status < 400:
                    reason = f"HTTP {status}: a redirect (not followed: check the URL)"
                retryable = status == 429 or status >= 500
            if not retryable or attempt > policy.retries:
                return _Outcome(attempt, status, False, reason, asked)
            if asked is not None and asked > policy.max_retry_after:
                return _Outcome(
                    attempt,
                    status,
                    False,
                    f"{reason} (asked to wait {asked:g} s, more than {policy.max_retry_after:g})",
                    asked,
                )
            wait = asked if asked is not None else _backoff(attempt)
            if wait >= clock.left(policy.budget):
                return _Outcome(
                    attempt,
                    status,
                    False,
                    f"{reason} (the run's {policy.budget:g} s time budget is spent)",
                    asked,
                )
            clock.sleep(wait)


def _backoff(attempt: int) -> float:
    # Full jitter: clients that failed together spread out instead of retrying in step.
    return random.uniform(0, min(_MAX_BACKOFF, _INITIAL_BACKOFF * 2 ** (attempt - 1)))


def _body(
    alert: Alert,
    status: AlertStatus,
    format: PayloadFormat,
    sent_at: datetime,
    record: Sent | None,
) -> bytes:
    if format == "slack":
        payload = slack_payload(
            alert, status=status, first_sent_at=record.first_sent if record else None
        )
    else:
        payload = alert_payload(
            alert,
            status=status,
            sent_at=sent_at,
            first_sent_at=record.first_sent if record else None,
            last_seen_at=record.last_seen if record else None,
        )
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _positive(value: object, param: str, *, zero: bool = False) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
        or (value == 0 and not zero)
    ):
        raise InvalidParameterError(param, value, "a number >= 0" if zero else "a number > 0")
    return float(value)


def _checked_alerts(alerts: object) -> dict[str, Alert]:
    if isinstance(alerts, Alert | str | bytes) or not isinstance(alerts, Iterable):
        raise InvalidParameterError("alerts", alerts, "an iterable of Alert")
    out: dict[str, Alert] = {}
    for alert in alerts:
        if not isinstance(alert, Alert):
            raise InvalidParameterError("alerts", alert, "Alert items")
        out.setdefault(alert.key, alert)
    return out


def send_alerts(
    alerts: Iterable[Alert],
    *,
    url: str,
    state_path: str | os.PathLike[str],
    format: PayloadFormat = "json",
    secret: str | bytes | None = None,
    timeout: float = 10.0,
    retries: int = 3,
    budget: float = 60.0,
    max_retry_after: float = 30.0,
    lock_timeout: float | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
    now: Callable[[], datetime] | None = None,
) -> DeliveryReport:
    """Post each alert that holds and was not sent before, and resolve those that no longer do.

    ``alerts`` is everything that holds now, for everything the state file watches: an alert
    whose key was sent before and is not in ``alerts`` is resolved (one ``status: resolved``
    post, then forgotten). So keep one state file per set of checks (per command line, per
    destination). Each post that fails is reported and tried again on the next run; nothing is
    recorded for it. Delivery is at least once: a run killed between a 2xx and its write to
    the state file sends that alert again, so receivers dedupe on ``(key, status)``.

    Args:
        alerts: The alerts that hold now (of several with one key, the first is used).
        url: The webhook (``https://``; ``http://`` only to this machine). A secret: only its
            scheme and host are ever shown.
        state_path: The JSON state file (created; its directory must exist). A lock file
            ``<state_path>.lock`` beside it keeps concurrent runs from sending twice.
        format: ``"json"`` (the schema in ``alert_schema.json``) or ``"slack"`` (an incoming
            webhook message: ``text`` and ``blocks``).
        secret: When set, each body is signed (header ``X-OpenAI-Org-Usage-Signature``; see
            :func:`verify_signature`).
        timeout: Seconds each post may take.
        retries: Retries of a post after its first attempt (0: none).
        budget: Seconds for the whole run's posts and waits; what is left when it is spent is
            reported as failed, not tried.
        max_retry_after: The longest ``Retry-After`` waited for; a longer ask fails the post.
        lock_timeout: Seconds to wait for a concurrent run on the same state (default:
            ``budget`` plus a minute).
        transport: An httpx transport: for a proxy, ``httpx.HTTPTransport(proxy=...)``
            (the environment's proxy settings are not read); default: a direct connection,
            TLS verified.
        sleep: Waits between retries (tests pass a recorder).
        monotonic: The clock the budget is measured with.
        now: The time of ``sent_at``, state entries and signatures (default: the UTC clock).

    Returns:
        A :class:`DeliveryReport`: what was sent, resolved, failed, and already sent.

    Raises:
        InvalidParameterError: A bad URL (named ``url``), format, number or alert; raised
            before anything is read or sent.
        StoreError: The state file is unreadable or corrupt (nothing is sent), or cannot be
            written.
        SyncLockedError: Another run held the state for all of ``lock_timeout``.

    Example::

        report = send_alerts(alerts, url=os.environ["SLACK_WEBHOOK_URL"], format="slack",
                             state_path="alerts-state.json")
        print(len(report.sent), len(report.resolved), [f.reason for f in report.failed])
    """
    target = check_webhook_url(url)
    if format not in ("json", "slack"):
        raise InvalidParameterError("format", format, "'json' or 'slack'")
    if not isinstance(state_path, str | os.PathLike) or not os.fspath(state_path):
        raise InvalidParameterError("state_path", state_path, "a file path")
    if secret is not None and (not isinstance(secret, str | bytes) or not secret):
        raise InvalidParameterError("secret", "<hidden>", "a non-empty str or bytes, or None")
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise InvalidParameterError("retries", retries, "an int >= 0")
    policy = _Policy(
        retries=retries,
        timeout=_positive(timeout, "timeout"),
        budget=_positive(budget, "budget"),
        max_retry_after=_positive(max_retry_after, "max_retry_after", zero=True),
    )
    wait_for_lock = (
        policy.budget + 60
        if lock_timeout is None
        else _positive(lock_timeout, "lock_timeout", zero=True)
    )
    current = _checked_alerts(alerts)
    path = Path(state_path)
    clock_now = now if now is not None else (lambda: datetime.now(UTC))
    origin = webhook_origin(target)
    with locked(path, timeout=wait_for_lock, sleep=sleep, monotonic=monotonic):
        state = read_state(path)
        clock = _Clock(sleep=sleep, monotonic=monotonic, now=clock_now, started=monotonic())
        # Redirects are never followed: the transport does not follow them.
        wire = transport if transport is not None else httpx.HTTPTransport()
        try:
            poster = _Poster(wire, target, secret, policy, clock)
            return _run(poster, current, state, path, format, policy, clock, origin)
        finally:
            if transport is None:
                wire.close()


def _run(
    poster: _Poster,
    current: dict[str, Alert],
    state: dict[str, Sent],
    path: Path,
    format: PayloadFormat,
    policy: _Policy,
    clock: _Clock,
    origin: str,
) -> DeliveryReport:
    sent: list[Delivery] = []
    resolved: list[Delivery] = []
    failed: list[DeliveryFailure] = []
    already: list[str] = []
    dirty = False
    gone = sorted(key for key in state if key not in current)
    jobs: list[tuple[Alert, AlertStatus, Sent | None]] = []
    for key, alert in current.items():
        record = state.get(key)
        if record is None:
            jobs.append((alert, "firing", None))
        else:
            # Still holds: remember it was seen, and its latest figures for the resolution.
            state[key] = Sent(record.first_sent, clock.now(), alert)
            already.append(key)
            dirty = True
    jobs.extend((state[key].alert, "resolved", state[key]) for key in gone)
    for alert, status, record in jobs:
        if clock.left(policy.budget) <= 0:
            reason = f"not tried: the run's {policy.budget:g} s time budget is spent"
            failed.append(DeliveryFailure(alert.key, status, 0, None, reason))
            logger.warning("alert %s (%s) to %s: %s", alert.key, status, origin, reason)
            continue
        at = clock.now()
        outcome = poster.post(_body(alert, status, format, at, record))
        if not outcome.delivered:
            failed.append(
                DeliveryFailure(
                    alert.key,
                    status,
                    outcome.attempts,
                    outcome.status_code,
                    outcome.reason,
                    outcome.retry_after,
                )
            )
            logger.warning(
                "alert %s (%s) to %s failed after %d attempt(s): %s",
                alert.key,
                status,
                origin,
                outcome.attempts,
                outcome.reason,
            )
            continue
        done = Delivery(alert.key, status, outcome.attempts, outcome.status_code or 0)
        if status == "firing":
            state[alert.key] = Sent(at, at, alert)
            sent.append(done)
        else:
            del state[alert.key]
            resolved.append(done)
        # Written after each delivery: a run that dies later does not send this one again.
        write_state(path, state)
        dirty = False
        logger.info(
            "alert %s (%s) delivered to %s (HTTP %s)", alert.key, status, origin, done.status_code
        )
    if dirty:
        write_state(path, state)
    return DeliveryReport(origin, tuple(sent), tuple(resolved), tuple(failed), tuple(already))
