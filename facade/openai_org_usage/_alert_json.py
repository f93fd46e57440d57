"""The generic JSON payload of an alert, and its way back (the state file keeps alerts so).

The payload's schema ships beside this module as ``alert_schema.json`` (JSON Schema 2020-12,
``schema_version`` 1): amounts are decimal strings (exact; never floats), each object names
its ``currency``, days are ISO dates and times RFC 3339 in UTC. Texts are the data as it is
(names are not escaped: a receiver that shows them escapes for its own medium), but cleaned of
anything key-shaped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any, Final, Literal

from ._alert_model import (
    ALERT_KINDS,
    Alert,
    AlertDriver,
    AlertKind,
    AlertScope,
    AnomalyDetail,
    ForecastDetail,
    LimitDetail,
)
from ._version import __version__

__all__ = [
    "SCHEMA_VERSION",
    "AlertStatus",
    "alert_from_json",
    "alert_payload",
    "alert_schema",
    "alert_to_json",
    "amount_text",
    "summary",
    "utc_text",
]

SCHEMA_VERSION: Final = 1
"""The payload's ``schema_version``: raised on any change a receiver could trip over."""

AlertStatus = Literal["firing", "resolved"]

_KIND_WORDS: Final[dict[str, str]] = {
    "organization": "Organization",
    "project": "Project",
    "api_key": "API key",
    "user": "User",
    "model": "Model",
    "line_item": "Line item",
}


def amount_text(value: Decimal) -> str:
    """An exact amount as plain decimal digits (``1E+2`` is written ``100``)."""
    return format(value, "f")


def utc_text(value: datetime) -> str:
    """An aware datetime as RFC 3339 in UTC with a ``Z``."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def alert_to_json(alert: Alert) -> dict[str, Any]:
    """The alert's own fields as JSON-ready data (the payload without status and times)."""
    out: dict[str, Any] = {
        "key": alert.key,
        "kind": alert.kind,
        "summary": summary(alert),
        "scope": {"kind": alert.scope.kind, "id": alert.scope.id, "name": alert.scope.name},
        "period": {"start": alert.period_start.isoformat(), "end": alert.period_end.isoformat()},
        "currency": alert.currency,
        "observed_at": utc_text(alert.observed_at),
        "limit": None,
        "forecast": None,
        "anomaly": None,
    }
    if alert.limit is not None:
        d = alert.limit
        out["limit"] = {
            "spent": amount_text(d.spent),
            "limit": amount_text(d.limit),
            "threshold_percent": amount_text(d.threshold_percent),
            "percent": amount_text(d.percent),
        }
    if alert.forecast is not None:
        f = alert.forecast
        out["forecast"] = {
            "as_of": f.as_of.isoformat(),
            "month_to_date": amount_text(f.month_to_date),
            "point": amount_text(f.point),
            "lower": amount_text(f.lower),
            "upper": amount_text(f.upper),
            "coverage": f.coverage,
            "bound": f.bound,
            "limit": amount_text(f.limit),
            "threshold_percent": amount_text(f.threshold_percent),
            "percent": amount_text(f.percent),
            "reaches_threshold_on": (
                f.reaches_threshold_on.isoformat() if f.reaches_threshold_on else None
            ),
        }
    if alert.anomaly is not None:
        a = alert.anomaly
        out["anomaly"] = {
            "day": a.day.isoformat(),
            "direction": a.direction,
            "actual": amount_text(a.actual),
            "baseline": amount_text(a.baseline),
            "jump": amount_text(a.jump),
            "score": a.score,
            "drivers": [
                {"name": d.name, "kind": d.kind, "above_baseline": amount_text(d.above_baseline)}
                for d in a.drivers
            ],
        }
    return out


def alert_payload(
    alert: Alert,
    *,
    status: AlertStatus,
    sent_at: datetime,
    first_sent_at: datetime | None = None,
    last_seen_at: datetime | None = None,
) -> dict[str, Any]:
    """The generic JSON payload (see ``alert_schema.json``) of one alert.

    Args:
        alert: The alert.
        status: ``"firing"`` (the condition holds) or ``"resolved"`` (it no longer does).
        sent_at: When this payload is sent.
        first_sent_at: For a resolution, when the firing alert was first sent.
        last_seen_at: For a resolution, the last run that still saw the condition.

    Example::

        json.dumps(alert_payload(alert, status="firing", sent_at=datetime.now(UTC)))
    """
    return {
        "schema_version": SCHEMA_VERSION,
        "source": {"name": "openai-org-usage", "version": __version__},
        "status": status,
        "sent_at": utc_text(sent_at),
        "first_sent_at": utc_text(first_sent_at) if first_sent_at else None,
        "last_seen_at": utc_text(last_seen_at) if last_seen_at else None,
        **alert_to_json(alert),
    }


def alert_schema() -> dict[str, Any]:
    """The payload's JSON Schema (``alert_schema.json``, shipped in the package).

    Example::

        jsonschema.validate(payload, alert_schema())
    """
    text = resources.files(__package__).joinpath("alert_schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _money(value: Decimal, currency: str) -> str:
    return f"{value:,.2f} {currency.upper()}"


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def summary(alert: Alert) -> str:
    """One sentence saying what the alert is (the data as it is: not escaped).

    Example::

        summary(alert)  # "Project Search: 850.00 USD spent of its 1,000.00 USD limit ..."
    """
    who = f"{_KIND_WORDS.get(alert.scope.kind, alert.scope.kind)} {alert.scope.display_name}"
    month = alert.period_start.strftime("%Y-%m")
    if alert.limit is not None:
        d = alert.limit
        return (
            f"{who}: {_money(d.spent, alert.currency)} spent of its "
            f"{_money(d.limit, alert.currency)} limit in {month} ({_percent(d.percent)}; "
            f"alert at {_percent(d.threshold_percent)})"
        )
    if alert.forecast is not None:
        f = alert.forecast
        compared = {"point": f.point, "lower": f.lower, "upper": f.upper}[f.bound]
        label = "forecast" if f.bound == "point" else f"forecast ({f.bound} bound)"
        on = f", reached on {f.reaches_threshold_on}" if f.reaches_threshold_on else ""
        return (
            f"{who}: {month} {label} {_money(compared, alert.currency)} is "
            f"{_percent(f.percent)} of its {_money(f.limit, alert.currency)} limit "
            f"(alert at {_percent(f.threshold_percent)}{on})"
        )
    a = alert.anomaly
    assert a is not None  # an Alert always has its kind's detail
    return (
        f"{who}: spend {a.direction} on {a.day}: {_money(a.actual, alert.currency)} against "
        f"a baseline of {_money(a.baseline, alert.currency)} ({a.jump:+,.2f})"
    )


# Reading back what alert_to_json wrote. The state file is ours, but a file on disk can be
# edited, truncated or written by another version: every field is checked, and anything off
# raises ValueError for the caller to name the file.


def _get(data: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(name) if isinstance(data, Mapping) else None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"{name!r} is missing or not a {getattr(kind, '__name__', kind)}")
    return value


def _opt(data: Mapping[str, Any], name: str, kind: type) -> Any:
    return None if data.get(name) is None else _get(data, name, kind)


def _dec(data: Mapping[str, Any], name: str) -> Decimal:
    try:
        value = Decimal(_get(data, name, str))
    except InvalidOperation as exc:
        raise ValueError(f"{name!r} is not a decimal amount") from exc
    if not value.is_finite():
        raise ValueError(f"{name!r} is not a finite amount")
    return value


def _day(data: Mapping[str, Any], name: str) -> date:
    return date.fromisoformat(_get(data, name, str))


def _choice(data: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> Any:
    value = _get(data, name, str)
    if value not in allowed:
        raise ValueError(f"{name!r} is not one of {', '.join(allowed)}")
    return value


def alert_from_json(data: Mapping[str, Any]) -> Alert:
    """The alert that :func:`alert_to_json` wrote.

    Raises:
        ValueError: Data that is not such an alert (says which field).
    """
    kind: AlertKind = _choice(data, "kind", ALERT_KINDS)
    scope_data = _get(data, "scope", dict)
    period = _get(data, "period", dict)
    limit = forecast = anomaly = None
    if kind == "limit_crossed":
        d = _get(data, "limit", dict)
        limit = LimitDetail(
            _dec(d, "spent"), _dec(d, "limit"), _dec(d, "threshold_percent"), _dec(d, "percent")
        )
    elif kind == "forecast_crossing":
        f = _get(data, "forecast", dict)
        reaches = _opt(f, "reaches_threshold_on", str)
        forecast = ForecastDetail(
            as_of=_day(f, "as_of"),
            month_to_date=_dec(f, "month_to_date"),
            point=_dec(f, "point"),
            lower=_dec(f, "lower"),
            upper=_dec(f, "upper"),
            coverage=float(_get(f, "coverage", (int, float))),
            bound=_choice(f, "bound", ("point", "lower", "upper")),
            limit=_dec(f, "limit"),
            threshold_percent=_dec(f, "threshold_percent"),
            percent=_dec(f, "percent"),
            reaches_threshold_on=date.fromisoformat(reaches) if reaches else None,
        )
    else:
        a = _get(data, "anomaly", dict)
        drivers = tuple(
            AlertDriver(_get(d, "name", str), _get(d, "kind", str), _dec(d, "above_baseline"))
            for d in _get(a, "drivers", list)
        )
        anomaly = AnomalyDetail(
            day=_day(a, "day"),
            direction=_choice(a, "direction", ("spike", "drop")),
            actual=_dec(a, "actual"),
            baseline=_dec(a, "baseline"),
            jump=_dec(a, "jump"),
            score=float(_get(a, "score", (int, float))),
            drivers=drivers,
        )
    try:
        return Alert(
            kind=kind,
            scope=AlertScope(
                _get(scope_data, "kind", str),
                _get(scope_data, "id", str),
                _opt(scope_data, "name", str),
            ),
            key=_get(data, "key", str),
            period_start=_day(period, "start"),
            period_end=_day(period, "end"),
            currency=_get(data, "currency", str),
            observed_at=datetime.fromisoformat(_get(data, "observed_at", str)),
            limit=limit,
            forecast=forecast,
            anomaly=anomaly,
        )
    except (TypeError, ValueError) as exc:  # InvalidParameterError is a ValueError
        raise ValueError(str(exc)) from exc
