"""The metrics endpoint against the library: the same numbers as ``costs`` and ``attribute``.

An in-process fake, a refresher and the HTTP endpoint on 127.0.0.1 (port 0); each scrape is
parsed by both of ``prometheus_client``'s parsers.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from _metrics_scrape import by_label, openmetrics_samples, samples, scrape

from openai_org_usage import UsageClient
from openai_org_usage.attribution import attribute
from openai_org_usage.directory import Directory
from openai_org_usage.fake import FakeUsageAPI, FaultSchedule
from openai_org_usage.metrics import (
    ATTRIBUTED_DIMENSIONS,
    OTHER,
    UNATTRIBUTED,
    Collector,
    MetricsServer,
    Refresher,
    collect_snapshot,
    error_text,
    month_start,
    serve,
)

SPEND = "openai_org_usage_{}_spend_month_to_date"
TOTAL = "openai_org_usage_spend_month_to_date"
DIMENSIONS = ("project", "line_item", "user", "api_key", "model")
ID_LABEL = {
    "project": "project_id",
    "line_item": "line_item",
    "user": "user_id",
    "api_key": "api_key_id",
    "model": "model",
}
# Assembled at runtime: the suite flags key-shaped literals.
KEY = "sk-" + "admin-" + "metricstest" * 3


@dataclasses.dataclass
class Exporter:
    fake: FakeUsageAPI
    client: UsageClient
    refresher: Refresher
    server: MetricsServer
    errors: list[str]


def start(fake: FakeUsageAPI, top: int = 3) -> Exporter:
    client = UsageClient(KEY, transport=fake.transport(), max_retries=0)
    names = Directory.load(client)
    errors: list[str] = []
    refresher = Refresher(
        lambda: collect_snapshot(client, now=fake.now, names=names),
        on_error=lambda exc: errors.append(error_text(exc)),
    )
    assert refresher.refresh() is None
    return Exporter(fake, client, refresher, serve(Collector(refresher, top=top)), errors)


@pytest.fixture
def exporter() -> Iterator[Exporter]:
    running = start(FakeUsageAPI(seed=0))
    yield running
    running.server.close()
    running.client.close()


def test_the_endpoint_binds_loopback_only_by_default(exporter: Exporter) -> None:
    assert exporter.server.host == "127.0.0.1"
    assert exporter.server.port > 0
    assert exporter.server.url == f"http://127.0.0.1:{exporter.server.port}/metrics"


def test_spend_equals_costs_and_attribute_to_the_cent(exporter: Exporter) -> None:
    fake, client = exporter.fake, exporter.client
    start_, end = month_start(fake.now), fake.now
    got = samples(scrape(exporter.server.url)[0])
    names = Directory.load(client)
    billed = None
    for dimension, field in ATTRIBUTED_DIMENSIONS.items():
        result = attribute(client, start=start_, end=end, by=(field,), names=names)
        totals = result.totals
        billed = totals.billed
        series = by_label(got[SPEND.format(dimension)], ID_LABEL[dimension], currency="usd")
        groups = {
            str(g[field]) if g[field] is not None else "none": a for g, _, a in result.by_group()
        }
        top = sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        for group, amount in top:
            assert series[group] == amount, (dimension, group)
        assert series[OTHER] == sum(groups.values()) - sum(a for _, a in top)
        assert series[UNATTRIBUTED] == totals.remainder
        assert sum(series.values()) == totals.billed
        assert len(series) == 5
    assert got[TOTAL] == {(("currency", "usd"),): billed}
    # Projects and line items: the costs endpoint's sums, each within a cent (whole cents
    # that add up to the bill), the total exactly.
    for dimension, field in (("project", "project_id"), ("line_item", "line_item")):
        exact: dict[str, Decimal] = defaultdict(Decimal)
        for row in client.costs(start=start_, end=end, group_by=[field]).results():
            exact[getattr(row.result, field) or "none"] += Decimal(repr(row.result.amount.value))
        series = by_label(got[SPEND.format(dimension)], ID_LABEL[dimension], currency="usd")
        top = sorted(exact.items(), key=lambda kv: -kv[1])[:3]
        for group, amount in top:
            assert abs(series[group] - amount) < Decimal("0.01"), (dimension, group)
        assert abs(series[OTHER] - (sum(exact.values()) - sum(a for _, a in top))) < Decimal("0.01")
        assert sum(series.values()) == billed
    # Names come with the IDs.
    projects = {
        dict(k)["project_id"]: dict(k)["project_name"] for k in got[SPEND.format("project")]
    }
    for project_id, name in projects.items():
        if project_id != OTHER:
            assert name == names.label("project_id", project_id)


def test_tokens_and_requests_equal_the_usage_endpoints(exporter: Exporter) -> None:
    fake, client = exporter.fake, exporter.client
    got = samples(scrape(exporter.server.url)[0])
    start_ = month_start(fake.now)
    rows = list(client.completions(start=start_, end=fake.now).results())
    tokens = by_label(got["openai_org_usage_tokens_month_to_date"], "type", operation="completions")
    assert tokens == {
        "input": sum(r.result.input_tokens for r in rows),
        "output": sum(r.result.output_tokens for r in rows),
    }
    requests = by_label(got["openai_org_usage_requests_month_to_date"], "operation")
    assert requests["completions"] == sum(r.result.num_model_requests for r in rows)
    searches = client.file_search_calls(start=start_, end=fake.now).results()
    assert requests["file_search_calls"] == sum(r.result.num_requests for r in searches)


def test_a_scrape_never_calls_the_api(exporter: Exporter) -> None:
    before = len(exporter.fake.requests)
    for openmetrics in (False, True, False):
        scrape(exporter.server.url, openmetrics=openmetrics)
    assert len(exporter.fake.requests) == before


def test_both_formats_parse_and_agree(exporter: Exporter) -> None:
    text, content_type = scrape(exporter.server.url)
    assert content_type.startswith("text/plain")
    om_text, om_type = scrape(exporter.server.url, openmetrics=True)
    assert om_type.startswith("application/openmetrics-text")
    assert om_text.endswith("# EOF\n")
    plain, om = samples(text), openmetrics_samples(om_text)
    for name in (TOTAL, *(SPEND.format(d) for d in DIMENSIONS)):
        assert plain[name] == om[name]
    assert om["openai_org_usage_info"] == {
        (
            ("source", "api"),
            ("version", dict(next(iter(om["openai_org_usage_info"])))["version"]),
        ): 1
    }


@pytest.mark.parametrize("top", [0, 1, 2, 5, 100])
def test_cardinality_is_top_n_plus_other_and_sums_stay_exact(top: int) -> None:
    fake = FakeUsageAPI(seed=0)
    running = start(fake, top=top)
    try:
        got = samples(scrape(running.server.url)[0])
    finally:
        running.server.close()
        running.client.close()
    (billed,) = got[TOTAL].values()
    for dimension in DIMENSIONS:
        series = got[SPEND.format(dimension)]
        extra = 2 if dimension in ATTRIBUTED_DIMENSIONS else 1
        assert len(series) <= top + extra
        assert sum(series.values()) == billed, dimension
        ids = [dict(k)[ID_LABEL[dimension]] for k in series]
        assert OTHER in ids
    # Amounts are whole cents.
    for dimension in DIMENSIONS:
        for value in got[SPEND.format(dimension)].values():
            assert value == value.quantize(Decimal("0.01"))


def test_currencies_are_never_added() -> None:
    fake = FakeUsageAPI(seed=0)
    project = next(p["id"] for p in fake.directory.projects if p["status"] == "active")
    running = start(FakeUsageAPI(seed=0, project_currencies={project: "eur"}))
    try:
        got = samples(scrape(running.server.url)[0])
    finally:
        running.server.close()
        running.client.close()
    totals = by_label(got[TOTAL], "currency")
    assert set(totals) == {"usd", "eur"}
    for dimension in DIMENSIONS:
        for currency, billed in totals.items():
            series = by_label(got[SPEND.format(dimension)], ID_LABEL[dimension], currency=currency)
            assert sum(series.values()) == billed, (dimension, currency)
    eur_users = by_label(got[SPEND.format("user")], "user_id", currency="eur")
    assert eur_users[UNATTRIBUTED] == totals["eur"]


HOSTILE = (
    'quote " and backslash \\ and } brace',
    "new\nline openai_org_usage_spend_month_to_date 1e9",
    "\x1b]0;title\x07esc",
    "other",
    '"} 999\nforged_metric 1 #',
    "\u202ereversed",
)


def test_hostile_names_are_escaped_and_read_back_exactly() -> None:
    fake = FakeUsageAPI(seed=0)
    directory = fake.directory
    projects = tuple(
        {**p, "name": HOSTILE[i % len(HOSTILE)]} for i, p in enumerate(directory.projects)
    )
    users = tuple({**u, "name": HOSTILE[i % len(HOSTILE)]} for i, u in enumerate(directory.users))
    fake.directory = dataclasses.replace(directory, projects=projects, users=users)
    ids = tuple(p["id"] for p in projects)
    running = start(fake, top=100)
    try:
        text = scrape(running.server.url)[0]
        om_text = scrape(running.server.url, openmetrics=True)[0]
    finally:
        running.server.close()
        running.client.close()
    for parsed in (samples(text), openmetrics_samples(om_text)):
        assert not any(name.startswith("forged") for name in parsed)
        project_names = {dict(k)["project_name"] for k in parsed[SPEND.format("project")]}
        user_names = {dict(k)["user_name"] for k in parsed[SPEND.format("user")]}
        assert project_names - {OTHER, "none"} <= set(HOSTILE)
        assert user_names - {OTHER, UNATTRIBUTED, "none"} <= set(HOSTILE)
        assert len(project_names & set(HOSTILE)) >= 3
        # A project *named* "other" keeps its ID: it is not the other series.
        other_named = [
            k for k in parsed[SPEND.format("project")] if dict(k)["project_name"] == OTHER
        ]
        assert {dict(k)["project_id"] for k in other_named} >= {OTHER}
        assert all(dict(k)["project_id"] in (OTHER, *ids) for k in other_named)
    # Every sample is one line: no raw newline inside a label value.
    for line in text.splitlines():
        assert line.startswith(("#", "openai_org_usage_")), line


def test_a_failed_refresh_keeps_the_values_and_counts_the_error(exporter: Exporter) -> None:
    before = samples(scrape(exporter.server.url)[0])
    fake = exporter.fake
    # From now on every request gets a 401 that echoes the Authorization header.
    fake.faults = FaultSchedule.scripted([None] * len(fake.requests) + ["echo_auth"] * 500)
    error = exporter.refresher.refresh()
    assert error is not None
    assert type(error).__name__ == "AuthenticationError"
    after_text = scrape(exporter.server.url)[0]
    after = samples(after_text)
    for name in (TOTAL, *(SPEND.format(d) for d in DIMENSIONS)):
        assert after[name] == before[name]
    assert after["openai_org_usage_refresh_errors_total"] == {
        (("error", "AuthenticationError"),): 1
    }
    assert after["openai_org_usage_refreshes_total"] == {(): 1}
    assert (
        after["openai_org_usage_last_refresh_timestamp_seconds"]
        == before["openai_org_usage_last_refresh_timestamp_seconds"]
    )
    # The key appears nowhere: not in the error line, not in the exposition.
    assert exporter.errors
    assert all(KEY not in line for line in exporter.errors)
    assert KEY not in after_text
    assert KEY[10:30] not in " ".join(exporter.errors)
    # A later success counts again and replaces the values.
    fake.faults = None
    assert exporter.refresher.refresh() is None
    assert samples(scrape(exporter.server.url)[0])["openai_org_usage_refreshes_total"] == {(): 2}


def test_before_the_first_refresh_only_the_refresh_series_are_shown() -> None:
    def never() -> Any:
        raise RuntimeError("no data yet")

    refresher = Refresher(never, on_error=lambda exc: None)
    with serve(Collector(refresher)) as server:
        got = samples(scrape(server.url)[0])
        assert not any("spend" in name for name in got)
        assert got["openai_org_usage_refreshes_total"] == {(): 0}
        refresher.refresh()
        got = samples(scrape(server.url)[0])
        assert got["openai_org_usage_refresh_errors_total"] == {(("error", "RuntimeError"),): 1}
        assert "openai_org_usage_last_refresh_timestamp_seconds" not in got
