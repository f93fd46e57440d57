"""The table layout (``_table.FitTable``) at any width: numbers whole, text shortened in the
middle yet distinct, stacked sections or records when nothing else fits, phrase-wise titles."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from openai_org_usage.cli._table import (
    ELLIPSIS,
    UNLIMITED_WIDTH,
    is_value,
    new_table,
    phrase_lines,
    shorten_middle,
)

Invoke = Callable[..., Result]  # the `invoke` fixture (conftest.py)
IDS = [
    "proj_wqgBIZ1614xwQPkRB3xK7GCv",
    "proj_wqgBIZ1614xwQPkRB3xK7GCw",
    "proj_AZLvGzrojuREAKGY2Ap41a8d",
]


def render(table: object, width: int) -> str:
    out = io.StringIO()
    Console(file=out, width=width, highlight=False, soft_wrap=False, color_system=None).print(table)
    return out.getvalue()


def sample(rows: int = 3, title: str = "costs: 2026-11-23 12:00 to 2026-11-25 12:00 UTC") -> object:
    table = new_table(title, caption="3 rows; times are UTC")
    table.add_column("start")
    table.add_column("project id")
    table.add_column("line item")
    table.add_column("amount", justify="right")
    table.add_column("quantity", justify="right")
    for i in range(rows):
        table.add_row(
            "2026-11-23 12:00",
            IDS[i % len(IDS)],
            "gpt-4o-audio-preview-2024-12-17, audio cached input",
            f"${1234.5 + i:,.2f}",
            f"{15_000_000 + i:,}",
        )
    return table


def numbers_whole(text: str, rows: int = 3) -> bool:
    return all(f"${1234.5 + i:,.2f}" in text and f"{15_000_000 + i:,}" in text for i in range(rows))


def test_unlimited_width_shows_everything_on_one_line_per_row() -> None:
    text = render(sample(), UNLIMITED_WIDTH)
    assert ELLIPSIS not in text
    assert all(i in text for i in IDS)
    assert numbers_whole(text)
    assert max(len(line) for line in text.splitlines()) < 150


@pytest.mark.parametrize("width", [200, 100, 80, 60, 40, 30, 20])
def test_numbers_stay_whole_and_lines_fit_at_any_width(width: int) -> None:
    text = render(sample(), width)
    assert numbers_whole(text)
    assert all(cell_len(line) <= width for line in text.splitlines()), text


def test_80_columns_shortens_ids_in_the_middle_and_keeps_them_apart() -> None:
    text = render(sample(), 80)
    shown = {m for m in re.findall(r"proj_\S+", text)}
    assert len(shown) == 3  # still three different projects
    assert all(ELLIPSIS in s for s in shown) or all(s in IDS for s in shown)


def test_too_narrow_for_one_table_stacks_then_lists_records() -> None:
    stacked = render(sample(), 60)
    assert stacked.count("amount") == 1
    assert numbers_whole(stacked)
    records = render(sample(), 20)
    assert numbers_whole(records)
    assert all(cell_len(line) <= 20 for line in records.splitlines())


def test_an_empty_table_says_so() -> None:
    table = new_table("costs: 2026-11-23")
    table.add_column("start")
    text = render(table, 80)
    assert "No rows" in text
    assert "start" not in text  # no bare header


def test_shorten_middle_keeps_both_ends() -> None:
    assert shorten_middle(Text(IDS[0]), 12).plain == "proj_wq\u20267GCv"
    assert shorten_middle(Text("short"), 12).plain == "short"
    assert cell_len(shorten_middle(Text("日本語のプロジェクト名前"), 9).plain) <= 9


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("$1,234.56", True),
        ("45.7%", True),
        ("2026-10-26 to 2026-11-25 12:00", True),
        ("4,053,838,869 (4.05 GB)", True),
        ("1,234.56 EUR", True),
        ("proj_wqgBIZ1614xwQPkRB3xK7GCv", False),
        ("o3-mini-2025-01-31", False),
        ("(none)", False),
    ],
)
def test_values_are_told_from_text(cell: str, value: bool) -> None:
    assert is_value(cell) is value


def test_titles_break_between_phrases() -> None:
    title = Text(
        "completions: 2026-11-23 12:00 to 2026-11-25 12:00 UTC (end exclusive)"
        " - synthetic demo data"
    )
    assert [line.plain for line in phrase_lines(title, 80)] == [
        "completions: 2026-11-23 12:00 to 2026-11-25 12:00 UTC (end exclusive)",
        "- synthetic demo data",
    ]
    assert [line.plain for line in phrase_lines(title, 200)] == [title.plain]


# From 24 columns: the widest number drawn (21 characters) fits under its label, indented.
@settings(max_examples=60, deadline=None)
@given(
    width=st.integers(min_value=24, max_value=220),
    rows=st.lists(
        st.tuples(
            st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-0123456789", min_size=1, max_size=40),
            st.integers(min_value=0, max_value=10**15),
            st.floats(min_value=0, max_value=1e9, allow_nan=False),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_no_number_is_ever_cut(width: int, rows: list[tuple[str, int, float]]) -> None:
    table = new_table("Some title, with phrases - and a tag")
    table.add_column("name")
    table.add_column("count", justify="right")
    table.add_column("spend", justify="right")
    for name, count, spend in rows:
        table.add_row(name, f"{count:,}", f"${spend:,.2f}")
    text = render(table, width)
    tokens = set(text.split())
    for _, count, spend in rows:
        assert f"{count:,}" in tokens
        assert f"${spend:,.2f}" in tokens
    assert all(cell_len(line) <= width for line in text.splitlines()), text


def test_a_command_with_nothing_to_show_says_no_rows(invoke: Invoke) -> None:
    result = invoke("costs", "--demo", "--last", "2d", "--project-id", "proj_none")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("costs: ")
    assert lines[1] == "No rows: nothing matched in this range."
    assert "amount" not in result.stdout  # no header without values


def test_a_table_of_text_only_too_wide_for_the_terminal_still_shows_every_cell() -> None:
    table = new_table("admin API keys", caption="2 rows")
    for label in ("name", "redacted value", "owner email", "created"):
        table.add_column(label)
    rows = [
        ("deploy key for the nightly batch", "sk-admin-…AbCd", "ops@example.com", "2026-10-01"),
        ("notebook key", "sk-admin-…EfGh", "data.science@example.com", "2026-11-02"),
    ]
    for row in rows:
        table.add_row(*row)
    shown = render(table, 40)
    # Text gives way first (shortened in the middle), but no cell and no row goes missing.
    for row in rows:
        for cell in row:
            assert cell[:8] in shown, (cell, shown)
