"""The data commands are made from the operation table: a new operation needs no CLI edit.

Each operation in ``OPERATIONS`` gets a command (``usage ENDPOINT`` under
``/organization/usage/``, a command of its own otherwise) whose ``--group-by`` and
``--bucket-width`` choices and filter options are the operation's. Synthetic operations show
that one added to the table (as ``./codegen.sh`` adds one from the spec) gets its command,
its options and its help, and runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from click.testing import CliRunner, Result

from openai_org_usage import OPERATIONS, Filter, Operation, Paginator, UsageClient
from openai_org_usage.cli._app import build_cli, command_words
from openai_org_usage.cli._errors import flag_for
from openai_org_usage.cli._options import filter_options

LAST_2D = ("--demo", "--last", "2d")
WEEK = ("--start", "2026-11-01", "--end", "2026-11-08")
Run = Callable[..., Result]


def runner(app: Any) -> Run:
    def run(*args: str) -> Result:
        return CliRunner().invoke(app, list(args), catch_exceptions=False)

    return run


@pytest.fixture
def run() -> Run:
    """The command as built from the real table, freshly."""
    return runner(build_cli())


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- every real operation ----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_every_operation_has_its_command_options_and_help(run: Run, name: str) -> None:
    op = OPERATIONS[name]
    words = command_words(op)
    parent = run(*words[:-1], "--help").stdout
    assert words[-1] in parent
    result = run(*words, "--help")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Example" in text
    assert op.path in text
    summary = getattr(op, "summary", None)
    if isinstance(summary, str) and summary:
        assert " ".join(summary.split())[:30] in " ".join(text.split())
    assert f"--bucket-width [{'|'.join(op.bucket_widths)}]" in text
    assert f"--group-by [{'|'.join(op.group_by)}]" in " ".join(text.split())
    for spec in filter_options(op):
        assert spec.shown in text, spec
        if spec.allowed:
            assert f"{spec.flag} [{'|'.join(spec.allowed)}]" in " ".join(text.split())
    assert "--api-key " not in text  # the key is never an option


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_every_operation_runs_against_the_demo_fake(run: Run, name: str) -> None:
    words = command_words(OPERATIONS[name])
    rows = _json(run(*words, *LAST_2D, "--format", "json"))
    assert rows
    assert all(list(row) == list(rows[0]) for row in rows)  # one row shape
    table = run(*words, *LAST_2D)
    assert table.exit_code == 0, table.output
    assert "synthetic" in table.stdout


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_errors_name_filters_as_the_options_are_named(name: str) -> None:
    for spec in filter_options(OPERATIONS[name]):
        assert flag_for(spec.api_name) == "/".join(spec.opts)


def test_filter_option_names_follow_one_rule() -> None:
    flags = {spec.api_name: spec.flag for op in OPERATIONS.values() for spec in filter_options(op)}
    assert flags["project_ids"] == "--project-id"
    assert flags["api_key_ids"] == "--api-key-id"
    assert flags["batch"] == "--batch"


# -- an operation added to the table -----------------------------------------------------------


@pytest.fixture
def with_copy(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str, str], Operation[Any]]:
    """Add to ``OPERATIONS`` a copy of an operation under a new name and path.

    The client gets the method a regenerated client would have (the original's), so the demo
    fake serves it.
    """

    def add(original: str, name: str, path: str) -> Operation[Any]:
        op = attrs.evolve(OPERATIONS[original], name=name, path=path)
        monkeypatch.setitem(OPERATIONS, name, op)
        monkeypatch.setattr(UsageClient, name, getattr(UsageClient, original), raising=False)
        return op

    return add


def test_new_usage_operation_is_an_endpoint_with_its_options(
    with_copy: Callable[[str, str, str], Operation[Any]],
) -> None:
    with_copy("completions", "completions_again", "/organization/usage/completions_again")
    run = runner(build_cli(OPERATIONS))
    listing = run("usage", "--help").stdout
    assert "completions_again" in listing
    assert "completions_again:" in listing  # and in the reference of filters
    text = run("usage", "completions_again", "--help").stdout
    for flag in ("--project-id", "--model", "--batch / --no-batch", "--limit", "--group-by"):
        assert flag in text
    assert "/organization/usage/completions_again" in text

    args = (*WEEK, "--demo", "--group-by", "model", "--no-batch", "--format", "json")
    again = _json(run("usage", "completions_again", *args))
    original = _json(run("usage", "completions", *args))
    assert again == original
    assert again


def test_new_operation_outside_usage_is_a_command(
    with_copy: Callable[[str, str, str], Operation[Any]],
) -> None:
    with_copy("costs", "spend", "/organization/spend")
    run = runner(build_cli(OPERATIONS))
    assert "spend" in run("--help").stdout
    assert "spend" not in run("usage", "--help").stdout
    assert "--line-item" in run("spend", "--help").stdout
    args = (*WEEK, "--demo", "--group-by", "project_id", "--format", "json")
    assert _json(run("spend", *args)) == _json(run("costs", *args))


@pytest.fixture
def rainbows(monkeypatch: pytest.MonkeyPatch) -> tuple[Operation[Any], list[dict[str, Any]]]:
    """An operation with a new enum filter, a new boolean one and a 1h default width.

    Its client method records its arguments and fetches completions from the fake (the
    result type the operation declares), so the command runs end to end.
    """
    op = attrs.evolve(
        OPERATIONS["completions"],
        name="rainbows",
        path="/organization/usage/rainbows",
        summary="Organization rainbows in time buckets.",
        bucket_widths=("1d", "1h"),
        default_bucket_width="1h",
        limits={"1d": (7, 31), "1h": (24, 168)},
        group_by=("model", "project_id"),
        filters={
            "colours": Filter("colours", str, ("blue", "red"), "Only these colours."),
            "project_ids": Filter("project_ids", str),
            "cached": Filter("cached", bool),
        },
    )
    monkeypatch.setitem(OPERATIONS, "rainbows", op)
    calls: list[dict[str, Any]] = []

    def method(self: UsageClient, **kwargs: Any) -> Paginator[Any]:
        calls.append(kwargs)
        common = ("start", "end", "bucket_width", "group_by", "limit")
        return self.completions(**{k: kwargs[k] for k in common})

    monkeypatch.setattr(UsageClient, "rainbows", method, raising=False)
    return op, calls


def test_new_filter_kinds_become_options(
    rainbows: tuple[Operation[Any], list[dict[str, Any]]],
) -> None:
    _, calls = rainbows
    run = runner(build_cli(OPERATIONS))
    assert "Organization rainbows in time buckets." in run("usage", "--help").stdout
    text = " ".join(run("usage", "rainbows", "--help").stdout.split())
    assert "--colour [blue|red] Only these colours (repeatable; API: colours)." in text
    assert "--cached / --no-cached" in text
    assert "--bucket-width [1d|1h] Bucket size, aligned to UTC. Default: 1h." in text
    assert "--group-by [model|project_id]" in text
    assert "at most 31 at 1d, 168 at 1h" in text
    assert "rainbows --bucket-width 1d" in text  # the example of the other width

    result = run(
        "usage", "rainbows", *WEEK, "--demo", "--colour", "red", "--colour", "blue",
        "--project-id", "proj_1", "--no-cached", "--bucket-width", "1d", "--group-by", "model",
        "--format", "json",
    )  # fmt: skip
    assert _json(result)
    (call,) = calls
    assert call["colours"] == ["red", "blue"]
    assert call["project_ids"] == ["proj_1"]
    assert call["cached"] is False
    assert call["group_by"] == ["model"]
    assert call["bucket_width"] == "1d"

    refused = run("usage", "rainbows", *WEEK, "--demo", "--colour", "green")
    assert refused.exit_code == 2
    assert "--colour" in refused.stderr
    other = run("usage", "completions", *WEEK, "--demo", "--colour", "red")
    assert other.exit_code == 2
    assert "--colour is not valid for endpoint 'completions'" in other.stderr


def test_an_operation_cannot_replace_a_command() -> None:
    clash = attrs.evolve(OPERATIONS["costs"], name="sync", path="/organization/sync")
    with pytest.raises(ValueError, match="sync"):
        build_cli({**OPERATIONS, "sync": clash})


@pytest.mark.parametrize("name", ["api", "output"])
def test_a_filter_cannot_take_the_name_of_a_settings_argument(name: str) -> None:
    # --demo/--base-url reach a command as `api`, --format/--output/--csv-raw as `output`:
    # a filter of either name would collide with them when the command runs.
    costs = OPERATIONS["costs"]
    clash = attrs.evolve(costs, filters={**costs.filters, name: Filter(name, bool)})
    with pytest.raises(ValueError, match=f"option {name} is both the {name} settings"):
        build_cli({**OPERATIONS, "costs": clash})


# -- usage ENDPOINT as typed -------------------------------------------------------------------


def test_options_may_come_before_the_endpoint(run: Run) -> None:
    options = (*WEEK, "--demo", "--group-by", "size", "--format", "json")
    after = _json(run("usage", "images", *options))
    assert _json(run("usage", *options[:-2], "images", *options[-2:])) == after
    assert _json(run("usage", "-o", "-", "images", *options)) == after
    assert after


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("usage",), "missing ENDPOINT"),
        (("usage", "--demo", *WEEK), "missing ENDPOINT"),
        (("usage", "nope", "--demo"), "unknown ENDPOINT 'nope'"),
        (("usage", "costs", "--demo"), "unknown ENDPOINT 'costs'"),
    ],
)
def test_endpoint_missing_or_unknown_is_a_usage_error(
    run: Run, args: tuple[str, ...], named: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert named in line
    assert "completions" in line  # the choices are listed
