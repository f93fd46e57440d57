"""An alert as a Slack incoming-webhook message: ``text`` (the notification) and ``blocks``.

Every text that came from people or the API goes through :func:`slack_text`: controls and
bidi overrides escaped visibly, ``&``, ``<`` and ``>`` as entities (so a name cannot ping a
channel, mention someone or hide a link behind other words), and each clipped so the message
stays inside Slack's limits (3,000 characters a section).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from ._alert_json import AlertStatus, utc_text
from ._alert_model import Alert
from ._alert_text import slack_text

__all__ = ["slack_payload"]

_NAME: Final = 80
_DRIVERS: Final = 5
_KIND_WORDS: Final = {
    "organization": "organization",
    "project": "project",
    "api_key": "API key",
    "user": "user",
    "model": "model",
    "line_item": "line item",
}
_TITLES: Final = {
    "limit_crossed": (":rotating_light:", "Spend limit crossed"),
    "forecast_crossing": (":chart_with_upwards_trend:", "Month-end forecast crosses a limit"),
    "anomaly": (":warning:", "Unusual spend"),
}


def _money(value: Decimal, currency: str) -> str:
    return f"{value:,.2f} {slack_text(currency.upper(), 12)}"


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def _who(alert: Alert) -> str:
    scope = alert.scope
    kind = _KIND_WORDS.get(scope.kind, scope.kind)
    name = f"*{slack_text(scope.display_name, _NAME)}*"
    if scope.name and scope.name != scope.id:
        return f"{kind} {name} (`{slack_text(scope.id, _NAME)}`)"
    return f"{kind} {name}"


def _lines(alert: Alert) -> list[str]:
    c = alert.currency
    month = alert.period_start.strftime("%Y-%m")
    if alert.limit is not None:
        d = alert.limit
        return [
            f"{_money(d.spent, c)} spent of the {_money(d.limit, c)} limit in {month} "
            f"({_pct(d.percent)}; alert at {_pct(d.threshold_percent)})."
        ]
    if alert.forecast is not None:
        f = alert.forecast
        on = f" Reached on {f.reaches_threshold_on}." if f.reaches_threshold_on else ""
        return [
            f"{month} is forecast to end at {_money(f.point, c)} ({f.coverage:.0%} interval "
            f"{_money(f.lower, c)} to {_money(f.upper, c)}); {_money(f.month_to_date, c)} so far.",
            f"The {f.bound} forecast is {_pct(f.percent)} of the {_money(f.limit, c)} limit "
            f"(alert at {_pct(f.threshold_percent)}).{on}",
        ]
    a = alert.anomaly
    assert a is not None  # an Alert always has its kind's detail
    lines = [
        f"{a.day}: {_money(a.actual, c)} against a baseline of {_money(a.baseline, c)} "
        f"({a.direction}, {a.jump:+,.2f})."
    ]
    for driver in a.drivers[:_DRIVERS]:
        lines.append(
            f"• {slack_text(driver.name, _NAME)} ({slack_text(driver.kind, 20)}): "
            f"{driver.above_baseline:+,.2f}"
        )
    if len(a.drivers) > _DRIVERS:
        lines.append(f"• and {len(a.drivers) - _DRIVERS} more")
    return lines


def slack_payload(
    alert: Alert,
    *,
    status: AlertStatus,
    first_sent_at: datetime | None = None,
) -> dict[str, Any]:
    """The Slack incoming-webhook message of one alert (firing or resolved).

    Args:
        alert: The alert.
        status: ``"firing"`` or ``"resolved"``.
        first_sent_at: For a resolution, when the firing alert was first sent.

    Example::

        httpx.post(slack_url, json=slack_payload(alert, status="firing"))
    """
    icon, title = _TITLES[alert.kind]
    if status == "resolved":
        icon, title = ":white_check_mark:", f"Resolved: {title[0].lower()}{title[1:]}"
    head = f"{title}: {_who(alert)}"
    body = "\n".join(_lines(alert))
    context = [f"observed {utc_text(alert.observed_at)}"]
    if status == "resolved" and first_sent_at is not None:
        context.append(f"first sent {utc_text(first_sent_at)}")
    context.append(f"key `{slack_text(alert.key, 200)}`")
    return {
        # The notification's text, shown where blocks are not (phones, previews).
        "text": f"{title}: {_who(alert)}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"{icon} {head}\n{body}"}},
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": " · ".join(context)}],
            },
        ],
        "unfurl_links": False,
        "unfurl_media": False,
    }
