"""The fake's governance agrees with its own costs: the organization's hard limit is on course
to be crossed, a project alert was crossed mid-month, a key's own limit is enforcing; rate
limits per model for each project. Checked through the facade's clients (the numbers a caller
would see) and, for what ``openai`` 3.57.0 already has, through the official SDK.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from openai_org_usage import LISTS, UsageClient
from openai_org_usage.fake import DEFAULT_NOW, FakeUsageAPI, running_server

KEY = "sk-admin-test-governance"
MONTH_START = datetime(DEFAULT_NOW.year, DEFAULT_NOW.month, 1, tzinfo=UTC)
MONTH_END = datetime(DEFAULT_NOW.year, DEFAULT_NOW.month + 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def fake() -> FakeUsageAPI:
    return FakeUsageAPI(seed=0)


@pytest.fixture(scope="module")
def client(fake: FakeUsageAPI) -> Iterator[UsageClient]:
    with UsageClient(KEY, transport=fake.transport()) as c:
        yield c


def cents_by_day(client: UsageClient, **filters: Any) -> list[float]:
    """Month-to-date spend per day in cents, as the costs endpoint reports it."""
    return [
        sum(r.amount.value for r in bucket.results) * 100
        for bucket in client.costs(start=MONTH_START, end=DEFAULT_NOW, **filters)
    ]


def test_the_org_limit_is_on_course_to_be_crossed(client: UsageClient) -> None:
    limit = client.spend_limit()
    spent = sum(cents_by_day(client))
    elapsed = (DEFAULT_NOW - MONTH_START) / (MONTH_END - MONTH_START)
    projected = spent / elapsed
    assert spent < limit.threshold_amount < projected
    assert limit.enforcement.status == "inactive"


def test_a_project_alert_was_crossed_mid_month(client: UsageClient, fake: FakeUsageAPI) -> None:
    project = fake.org.projects[0]
    (alert,) = client.project_spend_alerts(project)
    running, crossed = 0.0, None
    for day, cents in enumerate(cents_by_day(client, project_ids=project)):
        running += cents
        if crossed is None and running >= alert.threshold_amount:
            crossed = MONTH_START + timedelta(days=day)
    assert crossed == MONTH_START.replace(day=15)
    # The other projects' alerts are not crossed.
    for other in fake.org.projects[1:]:
        (alert,) = client.project_spend_alerts(other)
        assert sum(cents_by_day(client, project_ids=other)) < alert.threshold_amount


def test_a_key_limit_is_enforcing_because_the_key_spent_past_it(
    client: UsageClient, fake: FakeUsageAPI
) -> None:
    limited = {
        key.id: key.spend_limit
        for project in fake.org.projects
        for key in client.project_api_keys(project)
        if key.spend_limit
    }
    statuses = {}
    for key_id, limit in limited.items():
        spent = sum(cents_by_day(client, api_key_ids=key_id))
        assert (spent >= limit.threshold_amount) == (limit.enforcement.status == "enforcing")
        statuses[key_id] = limit.enforcement.status
    assert sorted(statuses.values()) == ["enforcing", "inactive"]


def test_project_limits_and_org_alerts_agree_with_the_org_limit(
    client: UsageClient, fake: FakeUsageAPI
) -> None:
    org = client.spend_limit()
    alerts = list(client.spend_alerts())
    assert [a.threshold_amount for a in alerts] == [org.threshold_amount // 2, org.threshold_amount]
    for project in fake.org.projects:
        limit = client.project_spend_limit(project)
        spent = sum(cents_by_day(client, project_ids=project))
        assert limit.enforcement.status == "inactive"
        assert spent < limit.threshold_amount


def test_rate_limits_per_model_for_each_project(client: UsageClient, fake: FakeUsageAPI) -> None:
    for project in fake.org.projects:
        limits = list(client.project_rate_limits(project, limit=4))
        assert sorted(r.model for r in limits) == sorted(fake.org.models)
        assert all(r.max_requests_per_1_minute > 0 for r in limits)
    assert LISTS["project_rate_limits"].record(limits[0])["model"] == limits[0].model


def test_governance_is_deterministic_and_lazy() -> None:
    first, second = FakeUsageAPI(seed=3), FakeUsageAPI(seed=3)
    assert first.governance._built is None  # nothing computed until asked
    assert first.governance.get() == second.governance.get()
    assert FakeUsageAPI(seed=4).governance.get().org_limit != first.governance.get().org_limit


def test_governance_lists_page_and_refuse_bad_parameters(fake: FakeUsageAPI) -> None:
    project = fake.org.projects[1]
    with UsageClient(KEY, transport=fake.transport()) as c:
        ids = [r.id for r in c.project_rate_limits(project)]
    status, _, body = fake.handle(
        "GET",
        f"/v1/organization/projects/{project}/rate_limits",
        [("limit", "2"), ("after", ids[1])],
        {"authorization": f"Bearer {KEY}"},
    )
    assert status == 200
    assert b'"first_id":"' + ids[2].encode() in body
    for pairs in ([("limit", "0")], [("after", "rl-nope")], [("colour", "red")]):
        status, _, _ = fake.handle(
            "GET", "/v1/organization/spend_alerts", pairs, {"authorization": f"Bearer {KEY}"}
        )
        assert status == 400, pairs


# -- the official SDK (openai 3.57.0): what it has of these reads ------------------------------

openai = pytest.importorskip("openai", reason="the official SDK is a test extra")


@pytest.fixture(scope="module")
def sdk(fake: FakeUsageAPI) -> Iterator[Any]:
    with (
        running_server(fake) as url,
        openai.OpenAI(
            api_key="sk-not-used", admin_api_key=KEY, base_url=url, max_retries=0
        ) as client,
    ):
        yield client


def test_sdk_reads_spend_limits_alerts_and_rate_limits(sdk: Any, fake: FakeUsageAPI) -> None:
    organization = sdk.admin.organization
    project = fake.org.projects[0]
    limit = organization.spend_limit.retrieve()
    assert limit.object == "organization.spend_limit"
    assert limit.enforcement.status == "inactive"
    # 3.57.0 predates notification_channel (3.60.0): it keeps it as an extra field.
    assert organization.projects.spend_limit.retrieve(project).object == "project.spend_limit"
    alerts = list(organization.spend_alerts.list(limit=1))
    assert [a.object for a in alerts] == ["organization.spend_alert"] * 2
    assert [a.object for a in organization.projects.spend_alerts.list(project)] == [
        "project.spend_alert"
    ]
    limits = list(organization.projects.rate_limits.list_rate_limits(project, limit=5))
    assert sorted(r.model for r in limits) == sorted(fake.org.models)


# -- audit log and health alert rules ----------------------------------------------------------


def test_audit_events_are_the_key_and_limit_changes(
    fake: FakeUsageAPI, client: UsageClient
) -> None:
    events = client.audit_logs().to_list()
    now = int(DEFAULT_NOW.timestamp())
    assert all(now - 30 * 86_400 <= e.effective_at < now for e in events)
    stamps = [(e.effective_at, e.id) for e in events]
    assert stamps == sorted(stamps, key=lambda s: (-s[0], s[1]))  # newest first
    keys = {k["id"] for keys in fake.directory.project_keys.values() for k in keys}
    created = [e for e in events if e.type_ == "api_key.created"]
    assert created
    assert all(e.api_key_created.id in keys for e in created)
    limited = set(fake.governance.get().key_limits)
    assert {e.api_key_updated.id for e in events if e.type_ == "api_key.updated"} == limited
    project = fake.org.projects[0]
    served = {r.id: r for r in client.project_rate_limits(project)}
    for event in (e for e in events if e.type_ == "rate_limit.updated"):
        changes = event.rate_limit_updated.changes_requested
        assert event.project.id == project
        limit = served[event.rate_limit_updated.id]
        assert changes.max_requests_per_1_minute == limit.max_requests_per_1_minute


def test_audit_filters_are_honoured(client: UsageClient) -> None:
    events = client.audit_logs().to_list()
    middle = sorted(e.effective_at for e in events)[len(events) // 2]
    newer = client.audit_logs(effective_at={"gte": middle}).to_list()
    assert [e.id for e in newer] == [e.id for e in events if e.effective_at >= middle]
    older = client.audit_logs(effective_at={"lt": middle}, limit=2).to_list()
    assert [e.id for e in older] == [e.id for e in events if e.effective_at < middle]
    by_type = client.audit_logs(event_types="api_key.deleted").to_list()
    assert by_type
    assert {e.type_ for e in by_type} == {"api_key.deleted"}
    target = events[0]
    resource = getattr(target, target.type_.replace(".", "_")).id
    assert [e.id for e in client.audit_logs(resource_ids=resource)] == [
        e.id for e in events if getattr(e, e.type_.replace(".", "_")).id == resource
    ]
    owner = target.actor.session or target.actor.api_key
    assert client.audit_logs(actor_emails=owner.user.email).to_list()
    assert client.audit_logs(project_ids=["proj_none"]).to_list() == []
    assert client.audit_logs(tenant_only=True).to_list() == []


def test_health_rules_page_with_empty_pages_between(
    fake: FakeUsageAPI, client: UsageClient
) -> None:
    pages = list(client.health_alert_rules(limit=1).pages())
    assert [len(p.items) for p in pages] == [1, 0, 1, 0, 1]
    assert [p.next is not None for p in pages] == [True, True, True, True, False]
    assert [len(p.items) for p in client.health_alert_rules(limit=1).pages()] == [1, 0, 1, 0, 1]
    kinds = {r.condition.type_ for r in client.health_alert_rules(type_="error_rate")}
    assert kinds == {"error_rate"}
    assert not any(not r.enabled for r in client.health_alert_rules(enabled=True))
    for project in fake.org.projects:
        rules = client.project_health_alert_rules(project).to_list()
        assert len(rules) == 2
        assert all(r.filters.project_ids == [project] for r in rules)


def test_each_scopes_health_rules_watch_different_conditions() -> None:
    from openai_org_usage.fake._governance import build_health_rules

    rules = build_health_rules(0, 1_795_000_000, ["proj_a", "proj_b"])
    for scope, scoped in rules.items():
        kinds = [rule["condition"]["type"] for rule in scoped]
        assert len(set(kinds)) == len(kinds), (scope, kinds)
        assert len({rule["name"] for rule in scoped}) == len(scoped)
