"""Slack messages: names that cannot ping, link, forge lines or reorder text."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from _alert_helpers import OBSERVED, limit_alerts

from openai_org_usage.alerts import alerts_for_anomalies, slack_payload
from openai_org_usage.anomalies import Anomaly, Driver
from openai_org_usage.cli import _shown

from openai_org_usage import _alert_text  # isort: skip

HOSTILE = [
    "<!channel>",
    "<!here|here>",
    "<@U012AB3CD>",
    "<https://evil.example|click here>",
    "a & b > c",
    "ops\x1b[2J\x1b]8;;https://evil\x07",
    "line\nforged: 0.00 USD",
    "\u202eSU 00.0",
    "tab\there\u2028sep",
]


def texts(message: dict[str, Any]) -> list[str]:
    out = [message["text"]]
    for block in message["blocks"]:
        if "text" in block:
            out.append(block["text"]["text"])
        out.extend(e["text"] for e in block.get("elements", []))
    return out


def hostile_anomaly(name: str) -> Anomaly:
    return Anomaly(
        "project",
        name,
        name,
        date(2026, 11, 10),
        "spike",
        Decimal("400"),
        Decimal("100"),
        Decimal("300"),
        6.0,
        "usd",
        (Driver(name, "model", Decimal("300"), Decimal("350"), Decimal("50")),),
    )


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("status", ["firing", "resolved"])
def test_hostile_names_are_escaped_everywhere_in_the_message(name: str, status: Any) -> None:
    alerts = [
        *limit_alerts(name=name, pid=name),
        *alerts_for_anomalies([hostile_anomaly(name)], observed_at=OBSERVED),
    ]
    for alert in alerts:
        message = slack_payload(alert, status=status, first_sent_at=OBSERVED)
        for text in texts(message):
            # No raw markup: every < and > in the message is one this module wrote, and there
            # are none; & only starts an entity.
            assert "<" not in text
            assert ">" not in text
            assert text.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").count("&") == (
                0
            )
            assert not any(ord(c) < 0x20 and c != "\n" for c in text)
            assert "\x1b" not in text
            assert "\u202e" not in text
            assert "\u2028" not in text
        first = message["blocks"][0]["text"]["text"]
        # Only the message's own line breaks: a name cannot add one.
        assert first.count("\n") == (1 if alert.kind == "limit_crossed" else 2)
        assert json.loads(json.dumps(message)) == message


def test_escaped_names_still_read_as_typed() -> None:
    (alert,) = limit_alerts(name="<!channel> & ops\x1b[2J\u202e")[:1]
    text = slack_payload(alert, status="firing")["blocks"][0]["text"]["text"]
    assert "&lt;!channel&gt; &amp; ops\\x1b[2J\\u202e" in text


def test_long_names_are_clipped_to_keep_the_message_within_slack_limits() -> None:
    (alert,) = alerts_for_anomalies(
        [
            Anomaly(
                "project",
                "proj_1",
                "&" * 5000,
                date(2026, 11, 10),
                "spike",
                Decimal("400"),
                Decimal("100"),
                Decimal("300"),
                6.0,
                "usd",
                tuple(
                    Driver("<" * 500 + str(i), "model", Decimal(1), Decimal(1), Decimal(0))
                    for i in range(50)
                ),
            )
        ],
        observed_at=OBSERVED,
    )
    message = slack_payload(alert, status="firing")
    assert all(len(t) <= 3000 for t in texts(message))
    assert "and 45 more" in message["blocks"][0]["text"]["text"]


def test_the_library_escapes_exactly_as_the_command_line_does() -> None:
    # The library may not import the CLI: its copy of the table is kept equal here.
    assert _alert_text.ESCAPED == _shown.ESCAPED
    sample = "".join(map(chr, range(0x3000))) + "\u2028\u2029\u2066\u2069"
    assert _alert_text.shown(sample) == _shown.shown(sample)
