"""The rest of the governance reads (issue 22): the audit log (ID cursor, ``effective_at`` as a
deepObject, ``[]`` array filters, incremental reads) and the Health API's alert rules (token
paging across empty pages), on both clients.

Recorded tests replay cassettes made from the fake by ``tools/build_example_cassettes.py
--governance``; replay matches on the full query, so each follow-up request must carry the
filters and the previous page's cursor.
"""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from _cassettes import REPLAY_KEY, make_vcr

from openai_org_usage import (
    LISTS,
    AsyncUsageClient,
    AuditLogCheckpoint,
    InvalidParameterError,
    PaginationError,
    UsageClient,
)
from openai_org_usage._listing import MAX_EMPTY_PAGES
from openai_org_usage._methods import AsyncUsageMethods, UsageMethods
from openai_org_usage.fake import FakeUsageAPI
from openai_org_usage_client.models import AuditLog, HealthAlertRule

CASSETTES = Path(__file__).parent / "cassettes" / "test_governance"
FAKE = FakeUsageAPI(seed=0)
PROJECT = FAKE.org.projects[0]
NEW_LISTS = ("audit_logs", "health_alert_rules", "project_health_alert_rules")
SINCE = 1_793_491_200  # 2026-11-01T00:00:00Z, the audit-log cassette's effective_at[gte]


def replay(name: str) -> Any:
    return make_vcr(CASSETTES).use_cassette(f"{name}.yaml")


def queries(name: str) -> list[dict[str, list[str]]]:
    cassette = yaml.safe_load((CASSETTES / f"{name}.yaml").read_text())
    return [parse_qs(urlsplit(i["request"]["uri"]).query) for i in cassette["interactions"]]


def fake_client() -> UsageClient:
    return UsageClient(REPLAY_KEY, transport=FAKE.transport(), max_retries=0)


def refusing_client() -> UsageClient:
    def serve(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request may be sent: {request.url}")

    return UsageClient(REPLAY_KEY, transport=httpx.MockTransport(serve), max_retries=0)


# -- the table ------------------------------------------------------------------------------


def test_the_new_lists_are_described_from_the_fragment() -> None:
    audit = LISTS["audit_logs"]
    assert audit.item_cls is AuditLog
    assert audit.item_object is None  # an audit log event has no `object`
    assert (audit.cursor, audit.cursor_parameter, audit.page_size) == (
        "last_id",
        "after",
        (20, 100),
    )
    assert audit.filters["effective_at"].kind == "range"
    assert audit.filters["effective_at"].allowed == ("gt", "gte", "lt", "lte")
    wire = {p.name: (p.wire, p.style) for p in audit.parameters}
    assert wire["effective_at"] == ("effective_at", "deepObject")
    for name in ("project_ids", "event_types", "actor_ids", "actor_emails", "resource_ids"):
        assert wire[name] == (f"{name}[]", "form")
    events = audit.filters["event_types"].allowed
    assert len(events) == 149  # the spec's 145 and SDK 3.63.0's 4
    assert {"external_storage.registered", "tenant.trusted_access.application.submitted"} <= set(
        events
    )
    for name in ("health_alert_rules", "project_health_alert_rules"):
        op = LISTS[name]
        assert op.item_cls is HealthAlertRule
        assert (op.cursor, op.cursor_parameter) == ("next", "page")
        assert op.filters["type_"].allowed == (
            "error_rate",
            "prompt_cache_hit_rate",
            "rate_limit_utilization",
            "service_tier_fallback_rate",
        )
        assert {p.name: p.wire for p in op.parameters}["type_"] == "type"
    assert LISTS["project_health_alert_rules"].path_parameters == ("project_id",)


def test_deep_object_goes_on_the_wire_as_brackets() -> None:
    request = LISTS["audit_logs"].build_request(
        effective_at={"gte": 10, "lt": 20}, event_types=["api_key.created"], after="a"
    )
    assert request["params"] == {
        "effective_at[gte]": 10,
        "effective_at[lt]": 20,
        "event_types[]": ["api_key.created"],
        "tenant_only": False,
        "limit": 20,
        "after": "a",
    }
    url = httpx.Client(base_url="https://api.openai.com/v1").build_request(**request).url
    assert "effective_at%5Bgte%5D=10" in str(url)


@pytest.mark.parametrize("name", NEW_LISTS)
def test_typed_methods_on_both_clients(name: str) -> None:
    sync_sig = inspect.signature(getattr(UsageMethods, name))
    async_sig = inspect.signature(getattr(AsyncUsageMethods, name))
    assert list(sync_sig.parameters) == list(async_sig.parameters)
    op = LISTS[name]
    assert list(sync_sig.parameters) == [
        "self",
        *op.path_parameters,
        "limit",
        op.cursor_parameter,
        *op.filters,
    ]
    assert sync_sig.return_annotation == f"ListPaginator[{op.item_cls.__name__}]"
    assert async_sig.return_annotation == f"AsyncListPaginator[{op.item_cls.__name__}]"
    assert getattr(UsageMethods, name).__doc__
    assert inspect.isfunction(UsageClient.audit_logs_since)
    assert inspect.iscoroutinefunction(AsyncUsageClient.audit_logs_since)


# -- audit logs ----------------------------------------------------------------------------


def test_audit_logs_two_pages_replayed_sync() -> None:
    with replay("audit_logs"), UsageClient(REPLAY_KEY, max_retries=0) as client:
        pages = list(
            client.audit_logs(
                effective_at={"gte": "2026-11-01T00:00:00Z"},
                event_types=["api_key.created", "rate_limit.updated"],
                limit=4,
            ).pages()
        )
    assert len(pages) == 2
    assert pages[0].has_more
    assert not pages[1].has_more
    sent = queries("audit_logs")
    assert [q["effective_at[gte]"] for q in sent] == [[str(SINCE)], [str(SINCE)]]
    assert all(q["event_types[]"] == ["api_key.created", "rate_limit.updated"] for q in sent)
    assert [q.get("after") for q in sent] == [None, [pages[0].last_id]]
    events = [e for p in pages for e in p.items]
    assert all(isinstance(e, AuditLog) for e in events)
    assert {e.type_ for e in events} == {"api_key.created", "rate_limit.updated"}
    assert all(e.effective_at >= SINCE for e in events)
    record = LISTS["audit_logs"].record(events[0])
    assert record["id"] == events[0].id
    assert "object" not in record


def test_audit_logs_replayed_async() -> None:
    async def main() -> list[Any]:
        async with AsyncUsageClient(REPLAY_KEY, max_retries=0) as client:
            listing = client.audit_logs(
                effective_at={"gte": SINCE},
                event_types=["api_key.created", "rate_limit.updated"],
                limit=4,
            )
            return await listing.to_list()

    with replay("audit_logs"):
        events = asyncio.run(main())
    assert len(events) > 4
    assert len({e.id for e in events}) == len(events)


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"event_types": ["api_key.made"]}, "event_types"),
        ({"event_types": []}, "event_types"),
        ({"effective_at": {"since": 1}}, "effective_at"),
        ({"effective_at": {}}, "effective_at"),
        ({"effective_at": 5}, "effective_at"),
        ({"effective_at": {"gte": "yesterday-ish"}}, "effective_at[gte]"),
        ({"project_ids": [""]}, "project_ids"),
        ({"tenant_only": "yes"}, "tenant_only"),
        ({"limit": 101}, "limit"),
    ],
)
def test_audit_log_arguments_are_checked_before_any_request(
    kwargs: dict[str, Any], param: str
) -> None:
    with refusing_client() as client, pytest.raises(InvalidParameterError) as caught:
        client.audit_logs(**kwargs)
    assert caught.value.param == param
    assert caught.value.allowed


def test_an_unknown_event_type_names_the_allowed_ones() -> None:
    with refusing_client() as client, pytest.raises(InvalidParameterError) as caught:
        client.audit_logs(event_types="api_key.made")
    assert caught.value.value == "api_key.made"
    assert "api_key.created" in str(caught.value)


def test_audit_logs_since_resumes_from_its_checkpoint() -> None:
    with fake_client() as client:
        everything = client.audit_logs().to_list()
        assert everything, "the fake serves audit events"
        newest = max(e.effective_at for e in everything)
        first = client.audit_logs_since(SINCE, limit=3)
        assert [e.id for e in first.events] == [e.id for e in everything if e.effective_at >= SINCE]
        assert first.checkpoint.effective_at == newest
        assert first.checkpoint.ids == tuple(e.id for e in everything if e.effective_at == newest)
        again = client.audit_logs_since(first.checkpoint)
        assert again.events == ()
        assert again.checkpoint == first.checkpoint
        # Stored as plain data and rebuilt: the same answer.
        stored = AuditLogCheckpoint(first.checkpoint.effective_at, first.checkpoint.ids)
        assert client.audit_logs_since(stored).events == ()
        # A checkpoint one second earlier gets the newest events back, once.
        earlier = client.audit_logs_since(AuditLogCheckpoint(newest - 1))
        assert [e.id for e in earlier.events] == list(first.checkpoint.ids)
        with pytest.raises(InvalidParameterError, match="effective_at"):
            client.audit_logs_since(SINCE, effective_at={"gte": 1})


def test_audit_logs_since_async() -> None:
    async def main() -> Any:
        async with AsyncUsageClient(REPLAY_KEY, transport=FAKE.transport()) as client:
            return await client.audit_logs_since(SINCE, event_types=["rate_limit.updated"])

    batch = asyncio.run(main())
    assert batch.events
    assert {e.type_ for e in batch.events} == {"rate_limit.updated"}


# -- health alert rules: token paging ---------------------------------------------------------


def test_health_alert_rules_cross_empty_pages_replayed() -> None:
    with replay("health_alert_rules"), UsageClient(REPLAY_KEY, max_retries=0) as client:
        pages = list(client.health_alert_rules(limit=2).pages())
    assert [len(p.items) for p in pages] == [2, 0, 1]
    assert [p.has_more for p in pages] == [True, True, False]
    sent = queries("health_alert_rules")
    assert [q.get("page") for q in sent] == [None, [pages[0].next], [pages[1].next]]
    assert all(q["limit"] == ["2"] for q in sent)
    assert all(isinstance(r, HealthAlertRule) for p in pages for r in p.items)


def test_project_health_alert_rules_replayed_async() -> None:
    async def main() -> list[Any]:
        async with AsyncUsageClient(REPLAY_KEY, max_retries=0) as client:
            return await client.project_health_alert_rules(PROJECT, limit=1, enabled=True).to_list()

    with replay("project_health_alert_rules"):
        rules = asyncio.run(main())
    assert rules
    assert all(r.enabled for r in rules)
    # Bound to the project (the cassette scrubber pseudonymizes IDs in bodies).
    assert all(len(r.filters.project_ids) == 1 for r in rules)
    assert all(q["enabled"] == ["true"] for q in queries("project_health_alert_rules"))


def token_client(pages: list[dict[str, Any]], seen: list[httpx.Request]) -> UsageClient:
    def serve(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=pages[min(len(seen), len(pages)) - 1])

    return UsageClient(REPLAY_KEY, transport=httpx.MockTransport(serve), max_retries=0)


def rule(n: int) -> dict[str, Any]:
    return FAKE.governance.health_rules()["org"][n]


def test_token_paging_follows_next_across_empty_pages() -> None:
    pages = [
        {"data": [], "has_more": True, "next": "t1"},
        {"data": [], "has_more": True, "next": "t2"},
        {"data": [rule(0)], "has_more": True, "next": "t3"},
        {"data": [rule(1)], "has_more": False, "next": None},
    ]
    seen: list[httpx.Request] = []
    with token_client(pages, seen) as client:
        rules = client.health_alert_rules(type_="error_rate").to_list()
    assert [r.id for r in rules] == [rule(0)["id"], rule(1)["id"]]
    assert [r.url.params.get("page") for r in seen] == [None, "t1", "t2", "t3"]
    assert all(r.url.params["type"] == "error_rate" for r in seen)


@pytest.mark.parametrize(
    ("pages", "problem"),
    [
        ([{"data": [], "has_more": True, "next": None}], "no next token"),
        (
            [
                {"data": [rule(0)], "has_more": True, "next": "t1"},
                {"data": [], "has_more": True, "next": "t1"},
            ],
            "already followed",
        ),
        (
            [{"data": [rule(0)], "has_more": True, "next": "t1"}] * 2,
            "already listed",
        ),
    ],
)
def test_pathological_token_pages_are_refused(pages: list[dict[str, Any]], problem: str) -> None:
    seen: list[httpx.Request] = []
    with token_client(pages, seen) as client, pytest.raises(PaginationError, match=problem):
        client.health_alert_rules().to_list()
    assert len(seen) <= 2


def test_endless_empty_pages_are_refused() -> None:
    count = 0

    def serve(request: httpx.Request) -> httpx.Response:
        nonlocal count
        count += 1
        return httpx.Response(200, json={"data": [], "has_more": True, "next": f"t{count}"})

    transport = httpx.MockTransport(serve)
    with (
        UsageClient(REPLAY_KEY, transport=transport, max_retries=0) as client,
        pytest.raises(PaginationError, match="empty pages"),
    ):
        client.health_alert_rules().to_list()
    assert count == MAX_EMPTY_PAGES + 1


def test_health_rule_arguments_are_checked_before_any_request() -> None:
    with refusing_client() as client:
        with pytest.raises(InvalidParameterError) as caught:
            client.health_alert_rules(type_="latency")  # type: ignore[arg-type]
        assert (caught.value.param, caught.value.value) == ("type_", "latency")
        assert "error_rate" in caught.value.allowed
        with pytest.raises(InvalidParameterError, match="page"):
            client.health_alert_rules(page="")
        with pytest.raises(InvalidParameterError, match="project_id"):
            client.project_health_alert_rules("")
        with pytest.raises(InvalidParameterError, match="enabled"):
            client.health_alert_rules(enabled="yes")  # type: ignore[arg-type]
