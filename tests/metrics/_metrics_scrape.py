"""Helpers of the metrics tests: scrape an endpoint on 127.0.0.1 and read the series back."""

from __future__ import annotations

import urllib.request
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as openmetrics_families,
)
from prometheus_client.parser import text_string_to_metric_families

OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8"

Series = dict[tuple[tuple[str, str], ...], Decimal]


def scrape(url: str, *, openmetrics: bool = False) -> tuple[str, str]:
    """The body and content type of one GET (OpenMetrics when asked)."""
    headers = {"Accept": OPENMETRICS} if openmetrics else {}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode("utf-8"), response.headers["Content-Type"]


def samples(text: str) -> dict[str, Series]:
    """Sample name -> {sorted labels: value} from the text format, values as exact decimals
    (the exposition writes a float's shortest repr, so a whole-cent amount reads back exact)."""
    out: dict[str, Series] = defaultdict(dict)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            key = tuple(sorted(sample.labels.items()))
            assert key not in out[sample.name], f"duplicate series {sample.name}{key}"
            out[sample.name][key] = Decimal(repr(sample.value))
    return dict(out)


def openmetrics_samples(text: str) -> dict[str, Series]:
    """The same from the OpenMetrics parser (which also checks the ``# EOF`` and types)."""
    out: dict[str, Series] = defaultdict(dict)
    for family in openmetrics_families(text):
        for sample in family.samples:
            out[sample.name][tuple(sorted(sample.labels.items()))] = Decimal(repr(sample.value))
    return dict(out)


def by_label(series: Series, label: str, **where: str) -> dict[str, Decimal]:
    """``{value of label: sample value}`` for the series matching ``where``."""
    out: dict[str, Decimal] = {}
    for key, value in series.items():
        labels: Mapping[str, str] = dict(key)
        if all(labels.get(k) == v for k, v in where.items()):
            assert labels[label] not in out
            out[labels[label]] = value
    return out
