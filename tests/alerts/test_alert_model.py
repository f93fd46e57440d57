"""Alerts from limits, forecasts and anomalies: keys, figures, payloads and their schema."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from _alert_helpers import OBSERVED, limit_alerts

from openai_org_usage import InvalidParameterError
from openai_org_usage.alerts import (
    Alert,
    AlertScope,
    alert_payload,
    alert_schema,
    alerts_for_anomalies,
    alerts_for_forecast,
    alerts_for_limit,
    slack_payload,
)
from openai_org_usage.anomalies import Anomaly, DailySpend, Driver
from openai_org_usage.forecast import forecast_month

from openai_org_usage._alert_json import alert_from_json, alert_to_json  # isort: skip

SEARCH = AlertScope("project", "proj_1", "Search")


def forecast(daily: str = "40") -> Any:
    spend = DailySpend({date(2026, 11, d): Decimal(daily) for d in range(1, 12)})
    return forecast_month(spend, as_of=date(2026, 11, 12))


def anomaly(name: str = "Search", drivers: tuple[Driver, ...] = ()) -> Anomaly:
    return Anomaly(
        scope_kind="project",
        scope_id="proj_1",
        scope_name=name,
        day=date(2026, 11, 10),
        direction="spike",
        actual=Decimal("412.50"),
        baseline=Decimal("100.00"),
        jump=Decimal("312.50"),
        score=7.25,
        currency="usd",
        drivers=drivers
        or (
            Driver("gpt-5", "model", Decimal("300.00"), Decimal("350"), Decimal("50")),
            Driver("(other)", "model", Decimal("12.50"), Decimal("62.5"), Decimal("50")),
        ),
    )


def every_kind() -> list[Alert]:
    return [
        *limit_alerts("1000"),
        *alerts_for_forecast(SEARCH, forecast(), Decimal("1000"), 90, observed_at=OBSERVED),
        *alerts_for_anomalies([anomaly()], observed_at=OBSERVED),
    ]


def test_a_limit_alerts_at_every_threshold_reached_each_with_its_own_key() -> None:
    alerts = limit_alerts("850")
    assert [a.key for a in alerts] == [
        "limit_crossed/project/proj_1/2026-11/50",
        "limit_crossed/project/proj_1/2026-11/80",
    ]
    assert alerts[1].limit is not None
    assert alerts[1].limit.percent == Decimal("85.0")
    assert alerts[1].limit.threshold_percent == 80
    assert (alerts[1].period_start, alerts[1].period_end) == (date(2026, 11, 1), date(2026, 12, 1))
    assert [a.key for a in limit_alerts("1000")][-1].endswith("/100")
    assert limit_alerts("499.99") == []


def test_keys_are_stable_and_say_what_makes_an_alert_the_same() -> None:
    later = OBSERVED + timedelta(hours=5)
    again = alerts_for_limit(SEARCH, Decimal("900"), 1000, (80,), observed_at=later)
    assert [a.key for a in again] == [limit_alerts("850")[1].key]
    december = alerts_for_limit(SEARCH, 900, 1000, 80, month=date(2026, 12, 3))
    assert december[0].key == "limit_crossed/project/proj_1/2026-12/80"
    odd = AlertScope("project", "proj/1:x", None)
    assert alerts_for_limit(odd, 1, 1, 100, month=date(2026, 1, 1))[0].key == (
        "limit_crossed/project/proj%2F1%3Ax/2026-01/100"
    )
    assert alerts_for_limit(SEARCH, 1, 1, Decimal("12.50"), month=date(2026, 1, 1))[0].key.endswith(
        "/12.5"
    )


def test_a_forecast_alerts_when_it_reaches_the_share_of_the_limit() -> None:
    fc = forecast()
    assert fc.point > 900
    (alert,) = alerts_for_forecast(SEARCH, fc, Decimal("1000"), 90, observed_at=OBSERVED)
    assert alert.key == "forecast_crossing/project/proj_1/2026-11/90/point"
    assert alert.forecast is not None
    assert alert.forecast.point == fc.point
    assert alert.forecast.reaches_threshold_on == fc.limit_reached_on(Decimal("900"))
    assert alert.currency == fc.currency
    assert alerts_for_forecast(SEARCH, fc, Decimal("100000"), observed_at=OBSERVED) == []
    upper = alerts_for_forecast(SEARCH, fc, fc.upper, bound="upper", observed_at=OBSERVED)
    assert upper[0].key.endswith("/100/upper")


def test_an_anomaly_is_one_alert_per_scope_and_day_with_its_drivers() -> None:
    (alert,) = alerts_for_anomalies([anomaly()], observed_at=OBSERVED)
    assert alert.key == "anomaly/project/proj_1/2026-11-10"
    assert alert.anomaly is not None
    assert [(d.name, d.above_baseline) for d in alert.anomaly.drivers] == [
        ("gpt-5", Decimal("300.00")),
        ("(other)", Decimal("12.50")),
    ]
    assert (alert.period_start, alert.period_end) == (date(2026, 11, 10), date(2026, 11, 11))


@pytest.mark.parametrize(
    ("call", "param"),
    [
        (lambda: alerts_for_limit(SEARCH, Decimal("1"), 0), "limit"),
        (lambda: alerts_for_limit(SEARCH, -1, 10), "spent"),
        (lambda: alerts_for_limit(SEARCH, 1.5, 10), "spent"),  # type: ignore[arg-type]
        (lambda: alerts_for_limit(SEARCH, 1, 10, ()), "thresholds"),
        (lambda: alerts_for_limit(SEARCH, 1, 10, (0,)), "thresholds"),
        (lambda: alerts_for_limit(SEARCH, 1, 10, currency=""), "currency"),
        (lambda: alerts_for_limit(SEARCH, 1, 10, observed_at=datetime(2026, 1, 1)), "observed_at"),
        (lambda: alerts_for_limit("proj_1", 1, 10), "scope"),  # type: ignore[arg-type]
        (lambda: AlertScope("team", "x"), "scope.kind"),
        (lambda: AlertScope("project", ""), "scope.id"),
        (lambda: alerts_for_forecast(SEARCH, object(), 10), "forecast"),  # type: ignore[arg-type]
        (lambda: alerts_for_forecast(SEARCH, forecast(), 10, 0), "pct"),
        (lambda: alerts_for_forecast(SEARCH, forecast(), 10, bound="mid"), "bound"),  # type: ignore[arg-type]
        (lambda: alerts_for_anomalies([object()]), "anomalies"),  # type: ignore[list-item]
    ],
)
def test_bad_input_is_refused_naming_the_parameter(call: Any, param: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        call()
    assert info.value.param == param


def test_alerts_are_immutable() -> None:
    alert = limit_alerts()[0]
    with pytest.raises(AttributeError):
        alert.key = "other"  # type: ignore[misc]


def test_an_alert_needs_the_detail_of_its_kind() -> None:
    alert = limit_alerts()[0]
    with pytest.raises(InvalidParameterError):
        Alert(
            kind="anomaly",
            scope=alert.scope,
            key=alert.key,
            period_start=alert.period_start,
            period_end=alert.period_end,
            currency="usd",
            observed_at=OBSERVED,
            limit=alert.limit,
        )


def test_every_payload_validates_against_the_shipped_schema() -> None:
    schema = alert_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    sent = OBSERVED + timedelta(minutes=1)
    payloads = []
    for alert in every_kind():
        payloads.append(alert_payload(alert, status="firing", sent_at=sent))
        payloads.append(
            alert_payload(
                alert, status="resolved", sent_at=sent, first_sent_at=OBSERVED, last_seen_at=sent
            )
        )
    assert {p["kind"] for p in payloads} == {"limit_crossed", "forecast_crossing", "anomaly"}
    for payload in payloads:
        validator.validate(json.loads(json.dumps(payload)))
    assert payloads[0]["schema_version"] == 1
    assert payloads[0]["limit"] == {
        "spent": "1000",
        "limit": "1000",
        "threshold_percent": "50",
        "percent": "100.0",
    }


def test_the_schema_refuses_what_is_not_a_payload() -> None:
    validator = jsonschema.Draft202012Validator(alert_schema())
    good = alert_payload(limit_alerts()[0], status="firing", sent_at=OBSERVED)
    for broken in (
        {**good, "limit": {**good["limit"], "spent": 850.0}},  # a float amount
        {**good, "limit": None},  # limit_crossed without its figures
        {**good, "anomaly": good["limit"]},
        {**good, "schema_version": 2},
        {**good, "status": "resolved"},  # a resolution says when it was first sent
        {**good, "sent_at": "2026-11-12T08:00:00+01:00"},
    ):
        assert not validator.is_valid(broken), broken


def test_an_alert_comes_back_from_its_json_unchanged() -> None:
    for alert in every_kind():
        assert alert_from_json(json.loads(json.dumps(alert_to_json(alert)))) == alert


def test_amounts_stay_exact_strings_and_currencies_are_never_mixed() -> None:
    (alert,) = alerts_for_anomalies(
        [
            Anomaly(
                "model",
                "gpt-5",
                "gpt-5",
                date(2026, 11, 10),
                "drop",
                Decimal("0.000001"),
                Decimal("1E+3"),
                Decimal("-999.999999"),
                -5.0,
                "eur",
                (),
            )
        ],
        observed_at=OBSERVED,
    )
    payload = alert_payload(alert, status="firing", sent_at=OBSERVED)
    assert payload["currency"] == "eur"
    assert payload["anomaly"]["actual"] == "0.000001"
    assert payload["anomaly"]["baseline"] == "1000"
    assert payload["anomaly"]["jump"] == "-999.999999"
    assert "EUR" in payload["summary"]
    assert "EUR" in slack_payload(alert, status="firing")["blocks"][0]["text"]["text"]


def test_observed_at_defaults_to_now_in_utc() -> None:
    before = datetime.now(UTC)
    (alert,) = alerts_for_limit(SEARCH, 10, 10, 100)
    assert before <= alert.observed_at <= datetime.now(UTC)
    assert alert.period_start == alert.observed_at.date().replace(day=1)
