"""Alerts on spend, posted to a webhook once each: limits, forecasts and anomalies.

Build alerts from what the library computes, then post what is new::

    from openai_org_usage.alerts import (
        AlertScope, alerts_for_anomalies, alerts_for_forecast, alerts_for_limit, send_alerts
    )

    search = AlertScope("project", "proj_abc", "Search")
    alerts = [
        *alerts_for_limit(search, spent=Decimal("850"), limit=Decimal("1000")),  # 50%, 80%
        *alerts_for_forecast(search, forecast_month(spend, as_of=today), Decimal("1000")),
        *alerts_for_anomalies(find_anomalies(scopes, start=today - timedelta(days=7))),
    ]
    report = send_alerts(alerts, url=webhook_url, format="slack", state_path="alerts.json")

- **Once each**: the state file remembers every alert delivered (by its ``key``: kind, scope,
  period, threshold); a run over the same data posts nothing new. An alert that is no longer
  reported posts one resolution (``status: resolved``) and is forgotten. A post that fails is
  not recorded, so the next run tries it again. Concurrent runs on one state file take turns.
- **Payloads**: ``format="json"`` posts the payload documented by ``alert_schema.json`` (shipped
  in the package, :func:`alert_schema`); ``format="slack"`` an incoming-webhook message whose
  names cannot ping, link or reorder text.
- **Signatures**: with ``secret=...`` each body carries ``X-OpenAI-Org-Usage-Signature:
  t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">``. A receiver checks it with
  :func:`verify_signature` (which refuses a body signed more than five minutes ago)::

      from openai_org_usage.alerts import SIGNATURE_HEADER, verify_signature

      def receive(request):  # any framework: the raw body and one header
          if not verify_signature(request.body, request.headers.get(SIGNATURE_HEADER), SECRET):
              return 401  # forged, tampered with, or replayed later
          alert = json.loads(request.body)  # dedupe on (alert["key"], alert["status"])

- **Secrets**: payloads never carry the admin key (anything key-shaped in a name is
  redacted), and the webhook URL, itself a credential, is shown as its scheme and host only.
"""

from __future__ import annotations

from ._alert_delivery import (
    Delivery,
    DeliveryFailure,
    DeliveryReport,
    PayloadFormat,
    check_webhook_url,
    send_alerts,
    webhook_origin,
)
from ._alert_json import SCHEMA_VERSION, AlertStatus, alert_payload, alert_schema
from ._alert_model import (
    ALERT_KINDS,
    DEFAULT_THRESHOLDS,
    Alert,
    AlertDriver,
    AlertKind,
    AlertScope,
    AnomalyDetail,
    ForecastDetail,
    LimitDetail,
    alerts_for_anomalies,
    alerts_for_forecast,
    alerts_for_limit,
)
from ._alert_signing import SIGNATURE_HEADER, signature_header, verify_signature
from ._alert_slack import slack_payload

__all__ = [
    "ALERT_KINDS",
    "DEFAULT_THRESHOLDS",
    "SCHEMA_VERSION",
    "SIGNATURE_HEADER",
    "Alert",
    "AlertDriver",
    "AlertKind",
    "AlertScope",
    "AlertStatus",
    "AnomalyDetail",
    "Delivery",
    "DeliveryFailure",
    "DeliveryReport",
    "ForecastDetail",
    "LimitDetail",
    "PayloadFormat",
    "alert_payload",
    "alert_schema",
    "alerts_for_anomalies",
    "alerts_for_forecast",
    "alerts_for_limit",
    "check_webhook_url",
    "send_alerts",
    "signature_header",
    "slack_payload",
    "verify_signature",
    "webhook_origin",
]
