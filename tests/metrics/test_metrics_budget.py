"""The budget's families in process: what a refused read leaves out, the bounds, the currencies.

(Their values against ``budget --demo --format json`` are checked on the served demo, in
``test_metrics_cli.py``.)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from _metrics_scrape import Series, by_label, samples, scrape

from openai_org_usage import UsageClient
from openai_org_usage.budget import ScopeBudget, budget_status
from openai_org_usage.directory import Directory
from openai_org_usage.fake import FakeUsageAPI
from openai_org_usage.metrics import (
    Collector,
    Refresher,
    collect_snapshot,
    error_text,
    month_start,
    serve,
    shown_scopes,
)

BUDGET = "openai_org_usage_budget_{}"
SCOPE_FAMILIES = (
    "spend_month_to_date",
    "limit",
    "limit_used_ratio",
    "forecast_month_end",
    "forecast_month_end_lower",
    "forecast_month_end_upper",
    "limit_reached_timestamp_seconds",
    "alert_threshold",
    "alert_crossed",
)
Refuse = Callable[[httpx.Request], bool]


class Refusing(httpx.BaseTransport):
    """The fake's transport, answering 403 (as the live API does) to the requests ``refuse``
    picks."""

    def __init__(self, fake: FakeUsageAPI, refuse: Refuse) -> None:
        self.inner = fake.transport()
        self.refuse = refuse
        self.refused: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.refuse(request):
            self.refused.append(request.url.path)
            body = {
                "error": {
                    "message": "You have insufficient permissions for this operation.",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": None,
                }
            }
            return httpx.Response(403, content=json.dumps(body).encode(), request=request)
        return self.inner.handle_request(request)


@dataclass
class Scraped:
    series: dict[str, Series]
    refresher: Refresher
    transport: Refusing
    errors: list[str]


def scraped(fake: FakeUsageAPI, *, top: int = 10, refuse: Refuse = lambda r: False) -> Scraped:
    transport = Refusing(fake, refuse)
    errors: list[str] = []
    with UsageClient("sk-admin-test", transport=transport, max_retries=0) as client:
        names = Directory.load(client)
        refresher = Refresher(
            lambda: collect_snapshot(client, now=fake.now, names=names),
            on_error=lambda exc: errors.append(error_text(exc)),
        )
        refresher.refresh()
        with serve(Collector(refresher, top=top)) as server:
            series = samples(scrape(server.url)[0])
    return Scraped(series, refresher, transport, errors)


def budget_series(got: dict[str, Series]) -> dict[str, Series]:
    return {name: got.get(BUDGET.format(name), {}) for name in SCOPE_FAMILIES}


@pytest.fixture(scope="module")
def demo() -> Scraped:
    return scraped(FakeUsageAPI(seed=0))


def test_a_refresh_reads_the_budget_and_says_nothing_was_refused(demo: Scraped) -> None:
    assert demo.errors == []
    assert demo.series[BUDGET.format("refused_reads")] == {(): 0}
    snapshot = demo.refresher.status.snapshot
    assert snapshot is not None
    assert snapshot.budget is not None
    assert snapshot.budget.end == snapshot.end  # one instant for spend and budget
    org = by_label(demo.series[BUDGET.format("limit")], "scope_id", scope="organization")
    assert set(org) == {"organization"}


def test_every_budget_family_has_the_same_scope_labels(demo: Scraped) -> None:
    for name, series in budget_series(demo.series).items():
        assert series, name
        for key in series:
            labels = {k for k, _ in key}
            extra = {"threshold"} if name.startswith("alert_") else set()
            assert labels == {
                "scope",
                "scope_id",
                "scope_name",
                "project_id",
                "project_name",
                "currency",
                *extra,
            }, name


def test_refused_limits_and_alerts_are_left_out_and_counted_not_a_failed_refresh() -> None:
    fake = FakeUsageAPI(seed=0)
    got = scraped(fake, refuse=lambda r: r.url.path.endswith(("/spend_limit", "/spend_alerts")))
    assert got.errors == []
    assert got.series["openai_org_usage_refreshes_total"] == {(): 1}
    assert got.transport.refused
    assert got.series[BUDGET.format("refused_reads")] == {(): len(got.transport.refused)}
    budget = budget_series(got.series)
    # The organization's and projects' limits are gone; the keys' own limits come from the
    # key list, which was not refused.
    assert {dict(k)["scope"] for k in budget["limit"]} == {"api_key"}
    assert budget["alert_threshold"] == {}
    assert budget["alert_crossed"] == {}
    # Spend and the forecast are still there for the organization.
    for name in ("spend_month_to_date", "forecast_month_end"):
        assert by_label(budget[name], "scope_id", scope="organization"), name
    # So is everything else.
    assert "openai_org_usage_project_spend_month_to_date" in got.series


def test_a_budget_refused_outright_is_a_note_and_the_spend_is_still_served() -> None:
    fake = FakeUsageAPI(seed=0)
    first = int(month_start(fake.now).timestamp())

    def older_costs(request: httpx.Request) -> bool:
        start = request.url.params.get("start_time")
        return request.url.path.endswith("/costs") and start is not None and int(start) < first

    got = scraped(fake, refuse=older_costs)
    assert got.errors == []
    assert got.transport.refused  # the budget's year of costs
    assert got.series[BUDGET.format("refused_reads")] == {(): 1}
    assert all(series == {} for series in budget_series(got.series).values())
    snapshot = got.refresher.status.snapshot
    assert snapshot is not None
    assert snapshot.budget is None
    (note,) = snapshot.budget_notes
    assert "not readable with this key" in note
    assert got.series["openai_org_usage_spend_month_to_date"]


def test_without_the_budget_nothing_more_is_read_or_shown() -> None:
    fake = FakeUsageAPI(seed=0)
    with UsageClient("sk-admin-test", transport=fake.transport()) as client:
        before = len(fake.requests)
        without = collect_snapshot(client, now=fake.now, budget=False)
        plain = len(fake.requests) - before
        before = len(fake.requests)
        with_budget = collect_snapshot(client, now=fake.now)
        more = len(fake.requests) - before - plain
    assert without.budget is None
    assert without.budget_notes == ()
    assert with_budget.budget is not None
    assert plain <= 12
    assert 0 < more <= 60  # "about 40 more requests on the demo"
    refresher = Refresher(lambda: without)
    refresher.refresh()
    with serve(Collector(refresher)) as server:
        got = samples(scrape(server.url)[0])
    assert not any(name.startswith("openai_org_usage_budget_") for name in got)


def _share(scope: ScopeBudget) -> Decimal:
    return max(scope.percent_of_limit or Decimal(0), scope.forecast_percent_of_limit or Decimal(0))


@pytest.mark.parametrize("top", [0, 1, 2, 100])
def test_top_bounds_projects_and_keys_nearest_their_limit_first(top: int) -> None:
    fake = FakeUsageAPI(seed=0)
    got = scraped(fake, top=top)
    status = got.refresher.status.snapshot.budget  # type: ignore[union-attr]
    assert status is not None
    governed = {
        kind: [s for s in status.scopes if s.kind == kind and (s.limit is not None or s.alerts)]
        for kind in ("project", "api_key")
    }
    limits = budget_series(got.series)["limit"]
    for kind, scopes in governed.items():
        assert scopes, kind
        shown = by_label(limits, "scope_id", scope=kind)
        assert len(shown) == min(top, len(scopes))

        cut = sorted(scopes, key=_share, reverse=True)
        assert set(shown) == {s.id for s in cut[:top]}
        left = got.series[BUDGET.format("scopes_left_out")][(("scope", kind),)]
        assert left == len(scopes) - len(shown)
    # The organization is always shown.
    assert by_label(limits, "scope_id", scope="organization") == {"organization": Decimal(2139)}
    kept, left_out = shown_scopes(status, top)
    assert sum(left_out.values()) + len(kept) == len(
        [s for s in status.scopes if s.kind == "organization"]
    ) + sum(map(len, governed.values()))


def test_a_project_billed_in_another_currency_is_its_own_series() -> None:
    fake = FakeUsageAPI(seed=0)
    project = next(p["id"] for p in fake.directory.projects if p["status"] == "active")
    got = scraped(FakeUsageAPI(seed=0, project_currencies={project: "eur"}))
    spent = budget_series(got.series)["spend_month_to_date"]
    org = by_label(spent, "currency", scope="organization")
    assert set(org) == {"usd", "eur"}
    # The project's limit is in usd: its usd entry shows no spend, its eur spend has no limit
    # (so no series: projects are shown for their limits and alerts).
    assert by_label(spent, "currency", scope="project", scope_id=project) == {"usd": 0}
    # Each equals the bill of its currency (to the cent), never their sum.
    bills = by_label(got.series["openai_org_usage_spend_month_to_date"], "currency")
    assert org == bills


def test_limit_reached_is_the_utc_midnight_of_the_budgets_day(demo: Scraped) -> None:
    status = demo.refresher.status.snapshot.budget  # type: ignore[union-attr]
    assert status is not None
    reached = budget_series(demo.series)["limit_reached_timestamp_seconds"]
    expected = {
        s.id: Decimal(
            int(datetime.combine(s.limit_reached_on, datetime.min.time(), UTC).timestamp())
        )
        for s in shown_scopes(status, 10)[0]
        if s.limit_reached_on is not None
    }
    assert expected  # the demo's organization is on course to cross its limit
    assert by_label(reached, "scope_id") == expected


def test_the_library_and_the_refresh_agree_at_the_same_instant(demo: Scraped) -> None:
    fake = FakeUsageAPI(seed=0)
    with UsageClient("sk-admin-test", transport=fake.transport()) as client:
        direct = budget_status(client, now=fake.now, names=Directory.load(client))
    snapshot = demo.refresher.status.snapshot
    assert snapshot is not None
    assert snapshot.budget is not None
    assert snapshot.budget.to_json() == direct.to_json()
