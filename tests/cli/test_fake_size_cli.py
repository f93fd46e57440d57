"""``--demo-size`` (``--size`` on fake-server): the fake organization's size, and misuse."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import Result

from openai_org_usage.cli._options import DEMO_SIZES
from openai_org_usage.fake import SIZE_PRESETS

# The `invoke` fixture (conftest.py). Not imported from conftest: with several test folders
# holding a conftest.py, which module that name means depends on the collection order.
Invoke = Callable[..., Result]


def test_the_cli_offers_the_fake_presets() -> None:
    assert tuple(SIZE_PRESETS) == DEMO_SIZES


@pytest.mark.parametrize(
    "args",
    [
        ("costs", "--format", "ndjson"),
        ("usage", "completions", "--group-by", "user_id", "--format", "ndjson"),
        ("attribute", "--format", "csv"),
    ],
)
def test_size_large_demo_serves_the_large_organization(
    invoke: Invoke, args: tuple[str, ...]
) -> None:
    result = invoke(*args, "--demo", "--demo-size", "large", "--last", "1d")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()


def test_usage_by_user_names_hundreds_of_users(invoke: Invoke) -> None:
    args = ("usage", "completions", "--group-by", "user_id", "--format", "ndjson", "--last", "1d")
    large = invoke(*args, "--demo", "--demo-size", "large", "--names")
    rows = [json.loads(line) for line in large.stdout.splitlines()]
    assert len({r["user_id"] for r in rows}) > 100
    assert all(r.get("user_id_name") for r in rows), rows[0]
    assert len({r["user_id_name"] for r in rows}) == len({r["user_id"] for r in rows})


def test_report_runs_on_the_large_demo(invoke: Invoke, tmp_path: object) -> None:
    out = f"{tmp_path}/report.html"
    result = invoke("report", "--demo", "--demo-size", "large", "--last", "1d", "-o", out)
    assert result.exit_code == 0, result.output


def test_size_without_demo_is_refused_naming_the_option(invoke: Invoke) -> None:
    result = invoke("costs", "--demo-size", "large", env={"OPENAI_ADMIN_KEY": "sk-admin-x"})
    assert result.exit_code == 2
    assert "--demo-size large" in result.output
    assert "--demo" in result.output


def test_a_bad_size_names_the_allowed_ones(invoke: Invoke) -> None:
    result = invoke("costs", "--demo", "--demo-size", "huge")
    assert result.exit_code == 2
    assert "'huge' is not one of 'small', 'large'" in result.output


def test_help_says_what_each_preset_holds(invoke: Invoke) -> None:
    for command in (("costs",), ("fake-server",)):
        text = " ".join(invoke(*command, "--help").output.split())
        assert "2,000 users" in text
        assert "8 users" in text
