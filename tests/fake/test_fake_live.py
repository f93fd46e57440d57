"""What the live API does that no spec says, as the fake does it by default, and its switches.

Costs promising more past its end, the one-year lookback and refused groupings (see
``shared/reference/README.md``). Every "now" here is a fixed datetime.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from _fake_helpers import (
    AUTH,
    BASE_URL,
    DAY,
    NOW,
    USAGE_OPS,
    day_start,
    get_json,
    response_schema,
    schema_errors,
    walk,
)

from openai_org_usage.fake import (
    DEFAULT_NOW,
    LIVE_LOOKBACK_DAYS,
    LIVE_REFUSED_GROUPINGS,
    FakeUsageAPI,
)
from openai_org_usage.fake._catalog import OPERATIONS
from openai_org_usage.fake._query import encode_cursor, parse_query

COSTS = "/organization/costs"
COMPLETIONS = "/organization/usage/completions"
END = day_start(NOW) - DAY
START = END - 10 * DAY
# DEFAULT_NOW is 2026-11-25T12:00Z: its midnight minus 365 days.
EARLIEST = int(datetime(2025, 11, 25, tzinfo=UTC).timestamp())
LIVE_LOOKBACK_MESSAGE = (
    "Usage and cost data are available for the past year. "
    "Earliest supported start date: 2025-11-25 (UTC)."
)


def _client(fake: FakeUsageAPI) -> httpx.Client:
    return httpx.Client(transport=fake.transport(), base_url=BASE_URL, headers=AUTH)


@pytest.fixture(scope="module")
def spec_client() -> Iterator[httpx.Client]:
    """A fake that ends costs as the spec says (``has_more: false`` on the last page)."""
    with _client(FakeUsageAPI(seed=0, costs_has_more_forever=False)) as c:
        yield c


def _error(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert schema_errors(body, {"$ref": "#/components/schemas/ErrorResponse"}) == []
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    return error


# -- costs keeps promising more past its end ---------------------------------------------------


def test_costs_last_page_with_data_still_promises_more(client: httpx.Client) -> None:
    params = {"start_time": START, "end_time": END, "limit": 4}  # 10 days: pages of 4, 4, 2
    pages = list(walk(client, COSTS, params))
    assert [len(p["data"]) for p in pages] == [4, 4, 2]
    last = pages[-1]
    assert last["data"][-1]["end_time"] == END
    assert last["has_more"] is True
    assert isinstance(last["next_page"], str)
    seen = {p["next_page"] for p in pages}
    assert len(seen) == 3
    cursor = last["next_page"]
    for _ in range(5):
        page = get_json(client, COSTS, {**params, "page": cursor})
        assert list(page) == ["object", "data", "has_more", "next_page"]
        assert (page["object"], page["data"], page["has_more"]) == ("page", [], True)
        assert isinstance(page["next_page"], str)
        assert page["next_page"] not in seen, "each cursor past the end is fresh"
        assert schema_errors(page, response_schema(COSTS)) == []
        seen.add(page["next_page"])
        cursor = page["next_page"]


def test_one_page_covering_the_whole_range_still_promises_more(client: httpx.Client) -> None:
    page = get_json(client, COSTS, {"start_time": START, "end_time": END, "limit": 180})
    assert len(page["data"]) == 10
    assert page["has_more"] is True
    after = get_json(
        client,
        COSTS,
        {"start_time": START, "end_time": END, "limit": 180, "page": page["next_page"]},
    )
    assert after["data"] == []
    assert after["has_more"] is True


def test_costs_past_the_end_with_default_end_time_and_unaligned_range(
    client: httpx.Client,
) -> None:
    start = NOW - 2 * DAY - 1234  # end_time defaults to "now", in the middle of a day
    page = get_json(client, COSTS, {"start_time": start})
    assert page["data"][-1]["start_time"] < NOW <= page["data"][-1]["end_time"]
    assert page["has_more"] is True
    empty = get_json(client, COSTS, {"start_time": start, "page": page["next_page"]})
    assert empty["data"] == []
    assert empty["next_page"] != page["next_page"]


def test_cursors_past_the_end_are_deterministic_and_bound_to_the_query() -> None:
    params: dict[str, Any] = {"start_time": START, "end_time": END, "limit": 31}
    chains = []
    for _ in range(2):
        with _client(FakeUsageAPI(seed=0)) as c:
            cursors = [get_json(c, COSTS, params)["next_page"]]
            for _ in range(3):
                cursors.append(get_json(c, COSTS, {**params, "page": cursors[-1]})["next_page"])
            changed = c.get(COSTS, params={**params, "group_by": "line_item", "page": cursors[-1]})
            assert _error(changed)["param"] == "page"
        chains.append(cursors)
    assert chains[0] == chains[1]
    assert len(set(chains[0])) == 4


@pytest.mark.parametrize("op", USAGE_OPS)
def test_usage_endpoints_still_end_with_has_more_false(client: httpx.Client, op: str) -> None:
    path = f"/organization/usage/{op}"
    pages = list(walk(client, path, {"start_time": START, "end_time": END, "limit": 4}))
    assert [len(p["data"]) for p in pages] == [4, 4, 2]
    assert pages[-1]["has_more"] is False
    assert pages[-1]["next_page"] is None


def test_switch_off_ends_costs_as_the_spec_says(spec_client: httpx.Client) -> None:
    params = {"start_time": START, "end_time": END, "limit": 4}
    pages = list(walk(spec_client, COSTS, params))
    assert [len(p["data"]) for p in pages] == [4, 4, 2]
    assert pages[-1]["has_more"] is False
    assert pages[-1]["next_page"] is None
    whole = get_json(spec_client, COSTS, {**params, "limit": 180})
    assert (whole["has_more"], whole["next_page"]) == (False, None)


def test_a_cursor_past_the_end_is_invalid_where_costs_ends(
    client: httpx.Client, spec_client: httpx.Client
) -> None:
    params = {"start_time": START, "end_time": END, "limit": 180}
    past_end = get_json(client, COSTS, params)["next_page"]
    error = _error(spec_client.get(COSTS, params={**params, "page": past_end}))
    assert (error["param"], error["message"]) == ("page", "Invalid page cursor.")


def test_usage_endpoints_refuse_cursors_past_their_end(client: httpx.Client) -> None:
    params = [("start_time", str(START)), ("end_time", str(END))]
    fingerprint = parse_query(OPERATIONS[COMPLETIONS], params, NOW).fingerprint
    inside = client.get(
        COMPLETIONS, params=[*params, ("page", encode_cursor(END - DAY, fingerprint))]
    )
    assert len(inside.json()["data"]) == 1
    past_end = client.get(COMPLETIONS, params=[*params, ("page", encode_cursor(END, fingerprint))])
    error = _error(past_end)
    assert (error["param"], error["message"]) == ("page", "Invalid page cursor.")


# -- one year of history -----------------------------------------------------------------------


@pytest.mark.parametrize("path", [COSTS, *(f"/organization/usage/{op}" for op in USAGE_OPS)])
def test_start_older_than_a_year_is_refused(client: httpx.Client, path: str) -> None:
    response = client.get(path, params={"start_time": EARLIEST - 1, "end_time": EARLIEST + DAY})
    assert response.json() == {
        "error": {
            "message": LIVE_LOOKBACK_MESSAGE,
            "type": "invalid_request_error",
            "param": "start_time",
            "code": "reporting_lookback_exceeded",
        }
    }
    assert _error(response)["code"] == "reporting_lookback_exceeded"


def test_the_earliest_start_itself_is_served_and_its_cursors_followed(
    client: httpx.Client,
) -> None:
    assert LIVE_LOOKBACK_DAYS == 365
    assert str(DEFAULT_NOW) == "2026-11-25 12:00:00+00:00"
    assert day_start(NOW) - 365 * DAY == EARLIEST
    params = {"start_time": EARLIEST, "end_time": EARLIEST + 5 * DAY, "limit": 2}
    pages = list(walk(client, COMPLETIONS, params))
    assert [b["start_time"] for p in pages for b in p["data"]] == [
        EARLIEST + i * DAY for i in range(5)
    ]


def test_only_start_time_is_checked(client: httpx.Client) -> None:
    # The window limits where a range starts, not where it ends.
    page = get_json(client, COSTS, {"start_time": EARLIEST, "end_time": NOW + 30 * DAY})
    assert page["data"]


@pytest.mark.parametrize(
    ("now", "earliest"),
    [
        (datetime(2027, 3, 1, 0, 0, tzinfo=UTC), "2026-03-01"),
        (datetime(2027, 3, 1, 23, 59, 59, tzinfo=UTC), "2026-03-01"),
        (datetime(2028, 3, 1, 6, 0, tzinfo=UTC), "2027-03-02"),  # 2028 is a leap year
    ],
)
def test_the_window_rolls_forward_with_now(now: datetime, earliest: str) -> None:
    first = int(datetime.fromisoformat(earliest).replace(tzinfo=UTC).timestamp())
    with _client(FakeUsageAPI(now=now)) as c:
        error = _error(c.get(COSTS, params={"start_time": first - 1}))
        assert error["message"] == (
            "Usage and cost data are available for the past year. "
            f"Earliest supported start date: {earliest} (UTC)."
        )
        assert c.get(COSTS, params={"start_time": first}).status_code == 200


def test_lookback_can_be_switched_off_or_moved() -> None:
    old = 1_700_000_000  # Nov 2023
    with _client(FakeUsageAPI(lookback_days=None)) as c:
        assert c.get(COMPLETIONS, params={"start_time": old, "limit": 3}).status_code == 200
    with _client(FakeUsageAPI(lookback_days=30)) as c:
        error = _error(c.get(COMPLETIONS, params={"start_time": NOW - 31 * DAY}))
        assert error["message"] == (
            "Usage and cost data are available for the past 30 days. "
            "Earliest supported start date: 2026-10-26 (UTC)."
        )
        assert c.get(COMPLETIONS, params={"start_time": NOW - 30 * DAY}).status_code == 200


@pytest.mark.parametrize("days", [0, -1])
def test_lookback_days_must_be_positive(days: int) -> None:
    with pytest.raises(ValueError, match="lookback_days"):
        FakeUsageAPI(lookback_days=days)


# -- refused groupings -------------------------------------------------------------------------


def test_live_rules_refuse_user_id_with_project_id_or_project_ids() -> None:
    assert dict(LIVE_REFUSED_GROUPINGS) == {
        COSTS: (("user_id", "project_id"), ("user_id", "project_ids"))
    }
    assert dict(FakeUsageAPI().refused_groupings) == dict(LIVE_REFUSED_GROUPINGS)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            [("group_by", "user_id"), ("group_by", "project_id")],
            "Grouping costs by user_id together with project_id is not supported for this "
            "organization.",
        ),
        (
            # As the official SDK sends arrays.
            [("group_by[]", "line_item"), ("group_by[]", "user_id"), ("project_ids[]", "proj_x")],
            "Grouping costs by user_id with the project_ids filter is not supported for this "
            "organization.",
        ),
    ],
)
def test_costs_user_id_grouping_is_refused_with_projects(
    client: httpx.Client, params: list[tuple[str, str]], message: str
) -> None:
    # Costs groups by user_id since the fragment follows SDK 3.57.0; the live rules now fire.
    error = _error(client.get(COSTS, params=[("start_time", str(START)), *params]))
    assert (error["param"], error["code"], error["message"]) == (
        "group_by",
        "unsupported_group_by",
        message,
    )


def test_costs_user_id_grouping_alone_is_served(client: httpx.Client) -> None:
    for params in (
        [("group_by", "user_id")],
        [("group_by", "user_id"), ("group_by", "api_source"), ("api_key_ids", "key_x")],
        [("group_by", "user_id"), ("line_items", "vector store storage")],
        [("group_by", "project_id"), ("project_ids", "proj_x")],
    ):
        response = client.get(COSTS, params=[("start_time", str(START)), *params])
        assert response.status_code == 200, (params, response.text)


def test_default_costs_groupings_are_served(client: httpx.Client) -> None:
    params: list[tuple[str, Any]] = [("start_time", START), ("project_ids", "proj_x")]
    params += [("group_by", g) for g in ("line_item", "project_id", "api_key_id")]
    assert client.get(COSTS, params=params).status_code == 200


@pytest.fixture(scope="module")
def live_rules_on_completions() -> Iterator[httpx.Client]:
    """The live costs rules applied to completions, which already groups by ``user_id``."""
    fake = FakeUsageAPI(refused_groupings={COMPLETIONS: LIVE_REFUSED_GROUPINGS[COSTS]})
    with _client(fake) as c:
        yield c


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            [("group_by", "user_id"), ("group_by", "project_id")],
            "Grouping completions usage by user_id together with project_id is not supported "
            "for this organization.",
        ),
        (
            [("group_by[]", "project_id"), ("group_by[]", "model"), ("group_by[]", "user_id")],
            "Grouping completions usage by user_id together with project_id is not supported "
            "for this organization.",
        ),
        (
            [("group_by", "user_id"), ("project_ids", "proj_x")],
            "Grouping completions usage by user_id with the project_ids filter is not supported "
            "for this organization.",
        ),
    ],
)
def test_the_rules_refuse_the_combination(
    live_rules_on_completions: httpx.Client, params: list[tuple[str, str]], message: str
) -> None:
    response = live_rules_on_completions.get(COMPLETIONS, params=[("start_time", START), *params])
    assert response.json() == {
        "error": {
            "message": message,
            "type": "invalid_request_error",
            "param": "group_by",
            "code": "unsupported_group_by",
        }
    }


@pytest.mark.parametrize(
    "params",
    [
        [("group_by", "user_id")],
        [("group_by", "project_id"), ("project_ids", "proj_x")],
        [("group_by", "user_id"), ("user_ids", "user_x"), ("api_key_ids", "key_x")],
        [("project_ids", "proj_x"), ("user_ids", "user_x")],
    ],
)
def test_the_rules_serve_everything_else(
    live_rules_on_completions: httpx.Client, params: list[tuple[str, str]]
) -> None:
    response = live_rules_on_completions.get(COMPLETIONS, params=[("start_time", START), *params])
    assert response.status_code == 200, response.text


def test_costs_api_key_grouping_refusal_is_a_switch(client: httpx.Client) -> None:
    params: dict[str, Any] = {"start_time": START, "group_by": "api_key_id"}
    assert client.get(COSTS, params=params).status_code == 200  # off by default
    with _client(FakeUsageAPI(refuse_costs_api_key_grouping=True)) as c:
        response = c.get(COSTS, params={**params, "group_by": ["line_item", "api_key_id"]})
        assert response.json() == {
            "error": {
                "message": "Grouping costs by api_key_id is not supported for this organization.",
                "type": "invalid_request_error",
                "param": "group_by",
                "code": "unsupported_group_by",
            }
        }
        # Only the grouping: the api_key_ids filter, and other operations, are served.
        assert c.get(COSTS, params={"start_time": START, "api_key_ids": "key_x"}).status_code == 200
        assert c.get(COMPLETIONS, params=params).status_code == 200


def test_custom_rules_replace_the_live_ones() -> None:
    fake = FakeUsageAPI(
        refused_groupings={f"/v1{COSTS}": [frozenset({"project_id", "line_item"})]},
        refuse_costs_api_key_grouping=True,
    )
    assert dict(fake.refused_groupings) == {COSTS: (("line_item", "project_id"), ("api_key_id",))}
    with _client(fake) as c:
        both: list[tuple[str, Any]] = [
            ("start_time", START),
            ("group_by", "project_id"),
            ("group_by", "line_item"),
        ]
        assert _error(c.get(COSTS, params=both))["message"] == (
            "Grouping costs by line_item together with project_id is not supported for this "
            "organization."
        )
        # The first matching rule names the refusal.
        error = _error(c.get(COSTS, params=[*both, ("group_by", "api_key_id")]))
        assert error["message"].startswith("Grouping costs by line_item together with project_id")
        assert c.get(COSTS, params=both[:2]).status_code == 200


def test_no_rules_refuse_nothing() -> None:
    assert dict(FakeUsageAPI(refused_groupings={}).refused_groupings) == {}
    fake = FakeUsageAPI(refused_groupings={COMPLETIONS: ()})
    assert dict(fake.refused_groupings) == {}


@pytest.mark.parametrize(
    ("refused", "error", "match"),
    [
        ({"/organization/usage/chat": [("model",)]}, ValueError, "unknown operation"),
        ({COSTS: "user_id"}, TypeError, "collection of rules"),
        ({COSTS: ["user_id"]}, TypeError, "not the string"),
        ({COSTS: [("project_ids",)]}, ValueError, "at least one group_by"),
        ({COSTS: [("user_id", "")]}, ValueError, "non-empty"),
    ],
)
def test_invalid_rules_are_refused(refused: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        FakeUsageAPI(refused_groupings=refused)


def test_live_errors_take_their_turn_after_parameter_validation(client: httpx.Client) -> None:
    # A malformed request is refused for what is malformed, before any live-API rule.
    error = _error(client.get(COSTS, params={"start_time": EARLIEST - 1, "limit": 0}))
    assert (error["param"], error["code"]) == ("limit", None)
