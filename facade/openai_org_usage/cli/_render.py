"""Output: rich tables for people; CSV, JSON and NDJSON for programs.

Human formatting (thousands separators, ``$1,234.56``, dates without midnight times) is
applied only to tables. The machine formats write raw numbers (floats as their shortest
round-tripping repr), ISO-8601 UTC times and every field, so nothing is lost; raw rows have
the package's one row shape (``_rows``): the columns of records, DataFrames and the store.

Names and messages are data nobody vouches for. Every text a table shows (cells, headers,
titles, captions) passes :func:`_shown.shown` on its way in, so control characters are
seen escaped, never obeyed, and a row stays one line; a cell given as ``str`` is rich
markup, so callers ``escape()`` the text they did not write. CSV cells that a spreadsheet
would run as a formula get a leading ``'`` (:func:`csv_value`) unless ``raw``.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import itertools
import json
import math
import os
import re
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TextIO

import attrs
from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderResult
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from openai_org_usage import Operation

from . import _shown
from ._report import OTHER_METRICS, Report, Spend, Tokens
from ._rows import Record, breakdown_columns, header

SYNTHETIC = "synthetic demo data"
_TABLE_SPEND_ROWS = 15
_NONE = "(none)"
# Tables keep the cached-input breakdown: it is what explains a cheaper-than-expected bill.
_TABLE_BREAKDOWNS = frozenset({"input_cached_tokens"})
_SUMMARY_KEYS = (
    "start",
    "end",
    "tz",
    "bucket_width",
    "synthetic",
    "currency",
    "total_spend",
    "user_count",
    "api_key_count",
    "vector_stores_as_of",
)
# Short table headers; the machine formats keep the column names.
_LABELS = {
    "amount_value": "amount",
    "num_model_requests": "requests",
    "num_requests": "calls",
    "num_sessions": "sessions",
    "input_cached_tokens": "cached input",
    "usage_bytes": "bytes",
}
_OTHER_LABELS: dict[tuple[str, str], str] = {
    ("embeddings", "input_tokens"): "input tokens",
    ("moderations", "input_tokens"): "input tokens",
    ("images", "images"): "images",
    ("audio_speeches", "characters"): "characters",
    ("audio_transcriptions", "seconds"): "seconds",
    ("vector_stores", "usage_bytes"): "stored bytes (latest day)",
    ("code_interpreter_sessions", "num_sessions"): "sessions",
    ("file_search_calls", "num_requests"): "calls",
    ("web_search_calls", "num_requests"): "calls",
}


@contextlib.contextmanager
def open_output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or ``path`` (opened only now: a failed fetch leaves no empty file)."""
    if path is None or path == "-":
        yield sys.stdout
        return
    # newline="": the csv module writes its own line endings.
    with open(path, "w", encoding="utf-8", newline="") as handle:
        yield handle


def console_for(out: TextIO) -> Console:
    """A console laid out for who reads ``out``.

    A terminal gets its own width (``COLUMNS`` if set, else the size of ``out``'s terminal)
    and colour; tables fit it by shortening text, stacking or listing records, never numbers.
    A file or pipe is read by a program or a pager: no width limit, so nothing is cut.
    """
    # emoji=False: a name like ":warning:" is shown as typed, not as a picture.
    if out.isatty():
        return Console(
            file=out, width=terminal_width(out), highlight=False, soft_wrap=False, emoji=False
        )
    return Console(file=out, width=UNLIMITED_WIDTH, highlight=False, soft_wrap=False, emoji=False)


def terminal_width(out: TextIO) -> int:
    """``COLUMNS`` if it is a number, else the width of ``out``'s terminal, else 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(out.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


# -- machine formats -------------------------------------------------------------------------


# OWASP's CSV injection rule: a spreadsheet runs a cell starting with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value: Any, *, raw: bool = False) -> str:
    """A CSV cell: empty for null, JSON spelling for booleans and nested values.

    A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading ``'``, so a spreadsheet shows it instead of running it as a formula (OWASP's
    rule); numbers stay numbers (``-1.5`` from a float is not text). ``raw`` writes the text
    exactly.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    if not raw and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(
    out: TextIO, header: Sequence[str], rows: Sequence[Record], *, raw: bool = False
) -> None:
    """Write ``rows`` under a fixed ``header`` (missing fields are empty cells).

    Text cells, header included (a field the API added is named by the server), follow
    :func:`csv_value`'s formula rule unless ``raw``. Rows end with ``\n``; a cell holding a
    line break, ``\r`` included, is quoted, so it never starts a row of its own.
    """
    writer = csv.writer(out, lineterminator="\n")
    # The csv module quotes a cell only for the characters of its line terminator: a lone CR
    # would be written bare, and readers take it for the end of the row. A row holding one
    # goes through a writer ending rows with CRLF, which quotes it; its ending becomes LF.
    buffer = io.StringIO()
    crlf = csv.writer(buffer, lineterminator="\r\n")

    def put(cells: list[str]) -> None:
        if not any("\r" in cell for cell in cells):
            writer.writerow(cells)
            return
        crlf.writerow(cells)
        out.write(buffer.getvalue().removesuffix("\r\n") + "\n")
        buffer.seek(0)
        buffer.truncate()

    put([csv_value(column, raw=raw) for column in header])
    for row in rows:
        put([csv_value(row.get(column), raw=raw) for column in header])


def write_json(out: TextIO, data: Any) -> None:
    """Indented JSON (still one document: ``json.load`` reads it)."""
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_ndjson(out: TextIO, rows: Sequence[Record]) -> None:
    """One compact JSON object per line."""
    for row in rows:
        out.write(json.dumps(row, separators=(",", ":"), ensure_ascii=False) + "\n")


# -- human formatting --------------------------------------------------------------------------


def money(value: float, currency: str) -> str:
    """``$1,234.56`` for US dollars; ``1,234.56 EUR`` otherwise (never ``-$0.00``)."""
    sign = "-" if round(value, 2) < 0 else ""
    if currency == "usd":
        return f"{sign}${abs(value):,.2f}"
    return f"{sign}{abs(value):,.2f} {currency.upper()}"


def number(value: Any) -> str:
    """Thousands separators; whole floats without decimals; text as is; objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return str(value)


def human_bytes(value: int) -> str:
    """Decimal units, as storage is billed: ``3.99 GB``."""
    size = float(value)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(size) < 1000 or unit == "TB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.2f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def when(instant: datetime) -> str:
    """A UTC instant for tables: the date alone at midnight, else date and time."""
    if (instant.hour, instant.minute, instant.second) == (0, 0, 0):
        return f"{instant:%Y-%m-%d}"
    return f"{instant:%Y-%m-%d %H:%M}"


def describe_range(start: datetime, end: datetime) -> str:
    """``2026-11-01 to 2026-11-07 (7 UTC days)`` for whole days, else the exact UTC instants."""
    midnight = (0, 0, 0)
    if (start.hour, start.minute, start.second) == midnight == (end.hour, end.minute, end.second):
        days = (end - start).days
        last = end - timedelta(days=1)
        span = f"{start:%Y-%m-%d}" if days == 1 else f"{start:%Y-%m-%d} to {last:%Y-%m-%d}"
        return f"{span} ({days} UTC day{'s' if days != 1 else ''})"
    return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC (end exclusive)"


def titled(text: str, demo: bool) -> str:
    """A table title (rich markup), tagged "synthetic demo data" in demo mode."""
    return f"{text} [bold yellow]- {SYNTHETIC}[/]" if demo else text


def new_table(title: str | None = None, caption: str | None = None) -> FitTable:
    """An empty table in the command's style, that fits any width without hiding a number."""
    return FitTable(title=title, caption=caption)


# -- tables that fit ---------------------------------------------------------------------------

UNLIMITED_WIDTH = 100_000
"""The console width for files and pipes: wide enough that no table is ever cut."""
ELLIPSIS = "\u2026"
_MIN_TEXT_WIDTH = 12
_MIN_WRAP_WIDTH = 20
# Of a shortened text, the share kept from its start: the start says what it is (proj_,
# gpt-4o-), the end tells one from another.
_HEAD_SHARE = 0.6
_ROW_NUMBER = "#"
_STACK_BLOCK_ROWS = 20
# Words that may stand in a cell that is still one value: "2026-11-01 to 2026-11-08",
# "4.05 GB", "1,234.56 EUR".
_VALUE_WORDS = frozenset({"to", "UTC", "B", "kB", "MB", "GB", "TB"})
_TITLE_STYLE = "bold"
_CAPTION_STYLE = "dim"
_EMPTY = "No rows: nothing matched in this range."


def is_value(text: str) -> bool:
    """Whether a cell is a number, amount, share, date or size: shown whole, never shortened."""
    if not any(ch.isdigit() for ch in text):
        return False
    words = re.findall(r"[^\W\d_]+", text)
    return all(w in _VALUE_WORDS or (len(w) == 3 and w.isupper()) for w in words)


def shorten_middle(text: Text, width: int) -> Text:
    """``text`` cut to ``width`` cells in the middle (``proj_wq\u20267GCv``), styles kept."""
    if text.cell_len <= width:
        return text
    if width <= 1:
        return Text(ELLIPSIS[:width])
    head, tail = _ends(text.plain, width)
    out = text[:head]
    out.append(ELLIPSIS)
    if tail:
        out.append_text(text[len(text.plain) - tail :])
    return out


def _ends(plain: str, width: int) -> tuple[int, int]:
    """Characters kept from the start and from the end of ``plain`` shortened to ``width``."""
    room = width - 1
    kept_head = math.ceil(room * _HEAD_SHARE)
    return _chars_within(plain, kept_head), _chars_within(plain[::-1], room - kept_head)


def _shortened(plain: str, width: int) -> str:
    """:func:`shorten_middle` of plain text (no styles: cheap enough for every row)."""
    if cell_len(plain) <= width:
        return plain
    head, tail = _ends(plain, width)
    return plain[:head] + ELLIPSIS + (plain[len(plain) - tail :] if tail else "")


def _chars_within(plain: str, cells: int) -> int:
    """How many leading characters of ``plain`` fit in ``cells`` terminal cells."""
    used = 0
    for count, char in enumerate(plain):
        used += cell_len(char)
        if used > cells:
            return count
    return len(plain)


def phrase_lines(text: Text, width: int) -> list[Text]:
    """``text`` in lines of at most ``width`` cells, broken between phrases where possible.

    A phrase ends after ": ", ", " or "; ", or before " - "; a phrase longer than a line is
    wrapped at spaces (and only cut if one word is wider than the line).
    """
    plain = text.plain
    cuts = sorted(
        {m.end() for m in re.finditer(r"[:,;] ", plain)}
        | {m.start() + 1 for m in re.finditer(r" - ", plain)}
    )
    bounds = [0, *cuts, len(plain)]
    phrases = [text[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    lines: list[Text] = []
    current = Text()
    for phrase in phrases:
        joined = current.copy()
        joined.append_text(phrase)
        if joined.plain.rstrip() and cell_len(joined.plain.rstrip()) <= width:
            current = joined
            continue
        if current.plain.strip():
            lines.append(current)
        if cell_len(phrase.plain.rstrip()) <= width:
            current = phrase
            continue
        words = _word_lines(phrase, width)
        lines.extend(words[:-1])
        current = words[-1]
    if current.plain.strip():
        lines.append(current)
    for line in lines:
        line.rstrip()
    return lines


def _word_lines(text: Text, width: int) -> list[Text]:
    """``text`` wrapped at spaces; a word wider than ``width`` is cut into pieces."""
    plain = text.plain
    lines: list[Text] = []
    start = 0
    while start < len(plain):
        while start < len(plain) and plain[start] == " ":
            start += 1
        end = start + _chars_within(plain[start:], width)
        if end < len(plain):
            space = plain.rfind(" ", start, end + 1)
            if space > start:
                end = space
        end = max(end, start + 1)
        lines.append(text[start:end])
        start = end
    return lines or [Text()]


@attrs.frozen(slots=False)
class _Col:
    """A column measured for layout: ``natural`` shows every cell whole, ``minimum`` is as
    narrow as it may get (numbers and values whole, text shortened yet distinct, prose
    wrapped at spaces)."""

    label: str
    numeric: bool
    cells: tuple[Text, ...]
    natural: int
    floor: int
    """The narrowest before distinctness is considered."""
    wrap: bool = False
    shorten: bool = True

    @functools.cached_property
    def minimum(self) -> int:
        """``floor``, widened until shortened texts are as distinct as the full ones.

        Worked out only for a table that does not fit whole (a pipe never needs it): IDs
        sharing a long prefix need more than the floor to stay apart.
        """
        if not self.shorten:
            return self.floor
        plains = [c.plain for c in self.cells]
        distinct = len(set(plains))
        minimum = self.floor
        while minimum < self.natural and len({_shortened(p, minimum) for p in plains}) < distinct:
            minimum += 1
        return minimum


def _measure(label: str, numeric: bool, cells: Sequence[Text], wrap: bool = False) -> _Col:
    widths = [c.cell_len for c in cells]
    longest_word = max((cell_len(w) for w in label.split()), default=0)
    natural = max([cell_len(label), *widths])
    if numeric:
        floor = max([longest_word, *widths])
        return _Col(label, numeric, tuple(cells), natural, floor, shorten=False)
    values = [w for c, w in zip(cells, widths, strict=True) if is_value(c.plain)]
    if wrap:
        # Prose is wrapped at spaces, never shortened: as narrow as its longest word.
        words = [cell_len(w) for c in cells for w in c.plain.split()]
        floor = min(natural, max([longest_word, _MIN_WRAP_WIDTH, *words, *values]))
        return _Col(label, numeric, tuple(cells), natural, floor, wrap=True, shorten=False)
    floor = min(natural, max([longest_word, _MIN_TEXT_WIDTH, *values]))
    return _Col(label, numeric, tuple(cells), natural, floor)


def _overhead(count: int) -> int:
    # SIMPLE_HEAD without edges or edge padding: one space each side of each inner border.
    return 3 * count - 3 if count else 0


def _fit(columns: Sequence[_Col], width: int) -> list[int] | None:
    """Column widths that fit ``width``: natural if possible, else text shrunk (narrowest
    first, so the spare room goes where it shows most); None if even the minimums do not."""
    room = width - _overhead(len(columns))
    natural = [c.natural for c in columns]
    if sum(natural) <= room:
        return natural
    widths = [c.minimum for c in columns]
    spare = room - sum(widths)
    if spare < 0:
        return None
    while spare > 0:
        growable = [i for i, c in enumerate(columns) if widths[i] < c.natural]
        if not growable:
            break
        widths[min(growable, key=lambda i: widths[i])] += 1
        spare -= 1
    return widths


def _header(label: str, width: int) -> Text:
    """A column label wrapped at spaces to ``width`` (a label never widens a number column
    past its longest word)."""
    lines: list[str] = []
    for word in label.split():
        if lines and cell_len(lines[-1]) + 1 + cell_len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return Text("\n".join(lines), style="bold")


class FitTable(Table):
    """A rich table that fits its console's width without hiding or cutting a number.

    Right-justified columns are numbers and are never narrowed; so are cells that are one
    value (amounts, dates, sizes: :func:`is_value`). When the table is too wide, text
    columns are shortened in the middle (still distinct), then the table is stacked into
    sections that repeat the leading text columns (or a row number), and as a last resort
    each row is listed as a record. Files and pipes get an unlimited width
    (:func:`console_for`), so there nothing is shortened. Titles and captions wrap between
    phrases. A table without rows says so (``empty``) instead of showing bare headers. A column
    added with ``overflow="fold"`` holds prose: wrapped at spaces, never shortened. Cells,
    headers, title, caption and ``empty`` given as ``str`` are rich markup (``escape()`` what
    you did not write); all are shown with control characters escaped (:func:`_cell`).
    """

    def __init__(
        self, *, title: str | None = None, caption: str | None = None, empty: str = _EMPTY
    ) -> None:
        super().__init__(title=title, caption=caption, box=box.SIMPLE_HEAD)
        self.empty = empty

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Title, one or more tables (or records), caption; each line within the width."""
        width = options.max_width
        if self.title:
            yield from self._annotation(console, self.title, _TITLE_STYLE, width)
        if not self.rows or not self.columns:
            empty = _cell(console, self.empty).copy()
            empty.stylize("italic")
            yield empty
        else:
            columns = [
                _measure(
                    _cell(console, c.header).plain,
                    c.justify == "right",
                    [_cell(console, cell) for cell in c.cells],
                    wrap=c.overflow == "fold",
                )
                for c in self.columns
            ]
            yield from self._layout(columns, width)
        if self.caption:
            yield from self._annotation(console, self.caption, _CAPTION_STYLE, width)
        yield Text("")  # tables printed one after another stay apart

    def _annotation(
        self, console: Console, text: str | Text, style: str, width: int
    ) -> Iterator[Text]:
        rendered = _cell(console, text).copy()
        rendered.stylize(style)
        rendered.end = "\n"
        yield from phrase_lines(rendered, width)

    def _layout(self, columns: list[_Col], width: int) -> Iterator[ConsoleRenderable]:
        widths = _fit(columns, width)
        if widths is not None:
            yield self._section(columns, widths)
            return
        sections = _stack(columns, width)
        if sections is None:
            yield from _records(columns, width)
            return
        # Block by block, every section of the same rows: a row's numbers stay a few lines
        # from its names, however long the table.
        count = len(columns[0].cells)
        for first in range(0, count, _STACK_BLOCK_ROWS):
            rows = range(first, min(first + _STACK_BLOCK_ROWS, count))
            for number, (section, section_widths) in enumerate(sections):
                if first or number:
                    yield Text("")
                yield self._section(section, section_widths, rows)

    def _section(
        self, columns: Sequence[_Col], widths: Sequence[int], rows: range | None = None
    ) -> Table:
        table = Table(
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
            show_header=self.show_header,
            highlight=False,
        )
        for column, width in zip(columns, widths, strict=True):
            table.add_column(
                _header(column.label, width),
                justify="right" if column.numeric else "left",
                width=width,
                no_wrap=not column.wrap,
            )
        every = zip(*(c.cells for c in columns), strict=True)
        for index, cells in enumerate(every):
            if rows is not None and index not in rows:
                continue
            table.add_row(
                *(
                    cell
                    if column.numeric or column.wrap or is_value(cell.plain)
                    else shorten_middle(cell, width)
                    for column, cell, width in zip(columns, cells, widths, strict=True)
                )
            )
        return table


def _cell(console: Console, cell: object) -> Text:
    """A cell, header, title or caption as shown: markup read, control characters escaped.

    Escaped before rich reads the markup: rich drops some controls (CR, BEL) silently and
    keeps the rest (ESC), and a newline would split the row. A ``Text`` made elsewhere has
    lost the ones rich drops already; the rest are escaped here.
    """
    if isinstance(cell, Text):
        return _shown_text(cell)
    return console.render_str(_shown.shown(str(cell)), highlight=False, emoji=False)


def _shown_text(text: Text) -> Text:
    """``text`` with ``_shown.shown`` applied to its plain text, each escape in its char's style."""
    plain = text.plain
    if _shown.shown(plain) == plain:
        return text
    out = text.blank_copy()
    start = 0
    for index, char in enumerate(plain):
        escaped = _shown.shown(char)
        if escaped == char:
            continue
        out.append_text(text[start:index])
        piece = Text(escaped)
        for span in text.spans:
            if span.start <= index < span.end:
                piece.stylize(span.style)
        out.append_text(piece)
        start = index + 1
    out.append_text(text[start:])
    return out


def _stack(columns: list[_Col], width: int) -> list[tuple[list[_Col], list[int]]] | None:
    """Sections that each fit ``width``: the leading text columns repeated in each with as
    many of the others as fit; if those keys alone are too wide, a row number instead."""
    keys = list(itertools.takewhile(lambda c: not c.numeric, columns)) or columns[:1]
    rest = columns[len(keys) :]
    # Keys whole where they fit: a row's name shortened in one section only reads as two.
    for candidate in ([attrs.evolve(k, floor=k.natural, shorten=False) for k in keys], keys):
        sections = _pack(candidate, rest, width)
        if sections is not None:
            return sections
    numbers = [Text(f"{i + 1}") for i in range(len(columns[0].cells))]
    return _pack([_measure(_ROW_NUMBER, True, numbers)], columns, width)


def _pack(
    keys: list[_Col], rest: list[_Col], width: int
) -> list[tuple[list[_Col], list[int]]] | None:
    sections: list[tuple[list[_Col], list[int]]] = []
    current: list[_Col] = []
    for column in rest:
        if _fit([*keys, *current, column], width) is not None:
            current.append(column)
            continue
        if not current or _fit([*keys, column], width) is None:
            return None  # this column does not fit next to the keys even alone
        sections.append(_placed([*keys, *current], width))
        current = [column]
    if current:
        sections.append(_placed([*keys, *current], width))
    return sections


def _placed(columns: list[_Col], width: int) -> tuple[list[_Col], list[int]]:
    widths = _fit(columns, width)
    assert widths is not None  # packed only while it fits
    return columns, widths


def _records(columns: Sequence[_Col], width: int) -> Iterator[Text]:
    """Each row as ``label  value`` lines, rows apart: fits any width a label fits in."""
    label_width = min(max(cell_len(c.label) for c in columns), max(width // 3, 1))
    value_width = max(width - label_width - 2, 1)
    for index in range(len(columns[0].cells)):
        if index:
            yield Text("")
        for column in columns:
            cell = column.cells[index]
            label = Text(shorten_middle(Text(column.label), label_width).plain.ljust(label_width))
            if column.wrap:
                label.append("  ")
                for line in _word_lines(cell, value_width):
                    label.append_text(line)
                    yield label
                    label = Text(" " * (label_width + 2))
                continue
            if column.numeric or is_value(cell.plain):
                if cell.cell_len > value_width:
                    # A number is never cut: on a line of its own, under its label.
                    label.rstrip()
                    yield label
                    yield Text("  ") + cell if cell.cell_len + 2 <= width else cell
                    continue
            else:
                cell = shorten_middle(cell, value_width)
            label.append("  ")
            label.append_text(cell)
            yield label


# -- raw rows ----------------------------------------------------------------------------------


def render_rows(
    fmt: str,
    out: TextIO,
    operation: Operation[Any],
    rows: Sequence[Record],
    *,
    start: datetime,
    end: datetime,
    demo: bool,
    csv_raw: bool = False,
) -> None:
    """Write raw rows (``_rows.records``) in ``fmt``; every format has the same columns.

    ``csv_raw``: CSV cells exactly as they are (see :func:`csv_value`).
    """
    if fmt == "json":
        write_json(out, list(rows))
    elif fmt == "ndjson":
        write_ndjson(out, rows)
    else:
        columns = header(operation.name, rows)
        if fmt == "csv":
            write_csv(out, columns, rows, raw=csv_raw)
        else:
            title = titled(f"{operation.name}: {describe_range(start, end)}", demo)
            console_for(out).print(_rows_table(operation.name, columns, rows, title))


def table_columns(operation: str, columns: Sequence[str], rows: Sequence[Record]) -> list[str]:
    """The columns a rows table shows after its time columns, in order: the dimensions, then
    the numbers (breakdowns and columns null in every row left out; the currency folded into
    the amount)."""
    hidden = breakdown_columns(operation) - _TABLE_BREAKDOWNS
    shown = [c for c in columns[2:] if c not in hidden and any(r.get(c) is not None for r in rows)]
    if "amount_value" in shown and "amount_currency" in shown:
        shown.remove("amount_currency")  # folded into the amount cell: "$12.34"
    numeric = _numeric_columns(shown, rows)
    # Dimensions first, then numbers: reads like "on this day, this model used N tokens".
    return [c for c in shown if c not in numeric] + [c for c in shown if c in numeric]


def _numeric_columns(columns: Sequence[str], rows: Sequence[Record]) -> set[str]:
    return {
        c
        for c in columns
        if any(isinstance(r.get(c), int | float) and not isinstance(r.get(c), bool) for r in rows)
    }


def _rows_table(
    operation: str, columns: Sequence[str], rows: Sequence[Record], title: str
) -> Table:
    ordered = table_columns(operation, columns, rows)
    numeric = _numeric_columns(ordered, rows)
    bounds = [
        (datetime.fromisoformat(r["bucket_start"]), datetime.fromisoformat(r["bucket_end"]))
        for r in rows
    ]
    unit = _whole_bucket_unit(bounds)
    caption = f"{len(rows):,} row{'s' if len(rows) != 1 else ''}; times are UTC" if rows else None
    table = new_table(title, caption=caption)
    if unit:
        table.add_column(unit, no_wrap=True)
    else:
        table.add_column("start", no_wrap=True)
        table.add_column("end", no_wrap=True)
    for column in ordered:
        table.add_column(
            # A field the API added is named by the server: markup in it is text.
            escape(_column_label(column)),
            justify="right" if column in numeric else "left",
            no_wrap=column not in numeric,
        )
    for row, (start, end) in zip(rows, bounds, strict=True):
        cells = [when(start)] if unit else [when(start), when(end)]
        for column in ordered:
            value = row.get(column)
            if column == "amount_value" and isinstance(value, int | float):
                cells.append(money(value, str(row.get("amount_currency") or "usd")))
            else:
                cells.append(escape(number(value)))
        table.add_row(*cells)
    return table


def _column_label(column: str) -> str:
    """A short header: ``amount``, ``project name`` (for ``project_id_name``), ``line item``."""
    if column in _LABELS:
        return _LABELS[column]
    if column.endswith("_id_name"):
        return column.removesuffix("_id_name").replace("_", " ") + " name"
    return column.replace("_", " ")


def _whole_bucket_unit(bounds: Sequence[tuple[datetime, datetime]]) -> str | None:
    """ "day", "hour" or "minute" when every row is one whole, aligned UTC bucket of that size.

    Then one column says it all; partial edge buckets need both start and end shown.
    """
    for unit, seconds in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if bounds and all(
            (end - start).total_seconds() == seconds and int(start.timestamp()) % seconds == 0
            for start, end in bounds
        ):
            return unit
    return None


# -- report ------------------------------------------------------------------------------------


def render_report(fmt: str, out: TextIO, report: Report, *, csv_raw: bool = False) -> None:
    """Write the report in ``fmt`` (``csv_raw``: CSV cells exactly as they are)."""
    if fmt == "json":
        write_json(out, report.to_dict())
    elif fmt == "ndjson":
        write_ndjson(out, report_records(report))
    elif fmt == "csv":
        write_csv(out, ("section", "name", "metric", "value"), report_long(report), raw=csv_raw)
    else:
        console = console_for(out)
        for table in report_tables(report):
            console.print(table)


def report_records(report: Report) -> list[Record]:
    """The report as one object per entity, each tagged with its ``section``.

    With several currencies (summary ``currency`` ``mixed``, ``total_spend`` null), a
    ``total_spend_by_currency`` record per currency follows the summary and every spend
    entry names its currency; with one, the summary's ``currency`` covers every amount.
    """
    data = report.to_dict()
    records: list[Record] = [{"section": "summary"} | {key: data[key] for key in _SUMMARY_KEYS}]
    if report.mixed_currency:
        records.extend(
            {"section": "total_spend_by_currency", "currency": currency, "amount": amount}
            for currency, amount in data["total_spend_by_currency"].items()
        )
    records.append({"section": "completions"} | data["completions"])
    for section in (
        "spend_by_project",
        "spend_by_line_item",
        "models",
        "top_users",
        "top_api_keys",
    ):
        records.extend({"section": section} | entry for entry in data[section])
    records.extend(
        {"section": "other", "endpoint": name} | fields for name, fields in data["other"].items()
    )
    return records


def report_long(report: Report) -> list[Record]:
    """The report as ``section, name, metric, value`` rows: a header that never changes."""
    rows: list[Record] = []
    for record in report_records(report):
        section = record.pop("section")
        name_field = next(
            (
                k
                for k in ("project_id", "line_item", "model", "user_id", "api_key_id", "endpoint")
                if k in record
            ),
            "currency" if section == "total_spend_by_currency" else None,
        )
        name = record.pop(name_field) if name_field else None
        rows.extend(
            {"section": section, "name": name, "metric": metric, "value": value}
            for metric, value in record.items()
        )
    return rows


@attrs.frozen
class Column:
    """A column of a :class:`PlainTable`; ``numeric`` columns are right-aligned."""

    label: str
    numeric: bool = False
    wrap: bool = False
    """Prose (a reason, a list): wrapped at spaces rather than shortened."""


@attrs.frozen
class PlainTable:
    """A report table as plain text cells, before any markup.

    The text report (rich) and the HTML report both render these, so they always show the
    same tables with the same numbers; each renderer escapes the cells for its own markup.

    Attributes:
        title: The heading.
        columns: The columns, in order.
        rows: One tuple of cell texts per row.
        show_header: Whether the column labels are shown (the summary has none).
        caption: A note under the table.
        strong_rows: Indexes of rows shown in bold (the total spend).
        synthetic: Whether the title carries the "synthetic demo data" tag.
    """

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    show_header: bool = True
    caption: str | None = None
    strong_rows: frozenset[int] = frozenset()
    synthetic: bool = False


def report_plain_tables(report: Report) -> list[PlainTable]:
    """The report's tables, summary first (what the text and HTML reports show).

    Money is shown one currency at a time: with several, the summary has a total per
    currency and a note, and each spend table comes once per currency (its title says
    which), with shares of that currency's total. No cell adds two currencies.
    """
    done = report.completions
    views = report.views()
    mixed = len(views) > 1

    def in_(title: str, currency: str) -> str:
        return f"{title} ({currency.upper()})" if mixed else title

    totals = tuple(
        (in_("Total spend", cur), money(view.total_spend or 0.0, cur)) for cur, view in views
    )
    captions = [
        f"dates read in {report.tz}; buckets are UTC days" if report.tz else None,
        report.currency_note,
    ]
    summary = PlainTable(
        title=f"Usage report, {describe_range(report.start, report.end)}",
        columns=(Column("what"), Column("total", numeric=True)),
        rows=(
            *totals,
            ("Completions requests", number(done.num_model_requests)),
            (
                "Input tokens (cached)",
                f"{number(done.input_tokens)} ({number(done.input_cached_tokens)})",
            ),
            ("Output tokens", number(done.output_tokens)),
        ),
        show_header=False,
        caption=". ".join(c for c in captions if c) or None,
        strong_rows=frozenset(range(len(totals))),
        synthetic=report.demo,
    )
    tables = [summary]
    tables += [
        _spend_table(
            in_("Spend by project", cur),
            "project",
            [
                Spend(display_name(view, s.name), s.amount, s.currency)
                for s in view.spend_by_project
            ],
            view,
        )
        for cur, view in views
    ]
    tables += [
        _spend_table(in_("Spend by line item", cur), "line item", view.spend_by_line_item, view)
        for cur, view in views
    ]
    # Attributed spend, when the report has it: estimated from usage, reconciled to the bill.
    for title, what, field in (
        ("Spend by user", "user", "spend_by_user"),
        ("Spend by API key", "API key", "spend_by_api_key"),
    ):
        for cur, view in views:
            entries = getattr(view, field, ())
            if entries:
                tables.append(_attributed_table(in_(title, cur), what, entries, view))
    for cur, view in views:
        unattributed = getattr(view, "unattributed", ())
        if unattributed:
            tables.append(
                _unattributed_table(
                    unattributed, view, in_("Spend no user or key can be given", cur)
                )
            )
    tables += [
        _models_table(report.models),
        _top_table(
            f"Top users by tokens ({len(report.top_users)} of {report.user_count})",
            "user",
            [attrs.evolve(t, name=display_name(report, t.name)) for t in report.top_users],
        ),
        _top_table(
            f"Top API keys by tokens ({len(report.top_api_keys)} of {report.api_key_count})",
            "API key",
            [attrs.evolve(t, name=display_name(report, t.name)) for t in report.top_api_keys],
        ),
        _other_table(report),
    ]
    return tables


def display_name(report: Report, value: str | None) -> str | None:
    """A project's, user's or key's name when the report has one, else its id."""
    if value is None:
        return None
    named = getattr(report, "label", None)
    shown = named(value) if callable(named) else value
    return shown if isinstance(shown, str) and shown else value


def percent(value: float, decimals: int = 1, *, signed: bool = False) -> str:
    """``12.3%`` (``signed``: ``+12.3%``); never ``-0.0%``: what rounds to zero is ``0.0%``."""
    text = f"{value:+.{decimals}f}" if signed else f"{value:.{decimals}f}"
    if float(text) == 0:
        text = f"{0:.{decimals}f}"
    return f"{text}%"


def _share(amount: float, report: Report) -> str:
    """``amount`` as a share of the report's total spend (one currency: a view's)."""
    total = report.total_spend
    return percent(amount / total * 100 if total else 0.0)


def _attributed_table(title: str, what: str, entries: Sequence[Any], report: Report) -> PlainTable:
    """Billed spend per user or key; the estimate at list prices it was reconciled from.

    ``report``: in the entries' one currency (``Report.in_currency``).
    """
    cur = report.currency
    rows: list[tuple[str, ...]] = []
    shown = entries if len(entries) <= _TABLE_SPEND_ROWS + 1 else entries[:_TABLE_SPEND_ROWS]
    for entry in shown:
        rows.append(
            (
                display_name(report, entry.id) or _NONE,
                money(entry.amount, cur),
                _share(entry.amount, report),
                money(entry.estimated, cur),
            )
        )
    rest = entries[len(shown) :]
    if rest:
        amount = math.fsum(e.amount for e in rest)
        rows.append(
            (
                f"({len(rest)} more)",
                money(amount, cur),
                _share(amount, report),
                money(math.fsum(e.estimated for e in rest), cur),
            )
        )
    columns = (
        Column(what),
        Column("billed", numeric=True),
        Column("share", numeric=True),
        Column("estimated", numeric=True),
    )
    return PlainTable(
        title,
        columns,
        tuple(rows),
        caption=(
            "billed: the exact bill, split in proportion to usage at list prices (only the "
            "split is estimated); estimated: that usage at list prices"
        ),
    )


def _unattributed_table(
    entries: Sequence[Any], report: Report, title: str = "Spend no user or key can be given"
) -> PlainTable:
    rows = tuple(
        (entry.reason, money(entry.amount, report.currency), "; ".join(entry.line_items))
        for entry in entries
    )
    columns = (
        Column("reason", wrap=True),
        Column("spend", numeric=True),
        Column("line items", wrap=True),
    )
    return PlainTable(title, columns, rows)


def report_tables(report: Report) -> list[Table]:
    """The report as rich tables, summary first."""
    return [_rich_table(plain) for plain in report_plain_tables(report)]


def _rich_table(plain: PlainTable) -> Table:
    title = titled(escape(plain.title), plain.synthetic)
    table = new_table(title, caption=escape(plain.caption) if plain.caption else None)
    table.show_header = plain.show_header
    for column in plain.columns:
        table.add_column(
            column.label,
            justify="right" if column.numeric else "left",
            overflow="fold" if column.wrap else "ellipsis",
        )
    for index, row in enumerate(plain.rows):
        cells = [escape(cell) for cell in row]
        if index in plain.strong_rows:
            cells = [f"[bold]{cell}[/]" for cell in cells]
        table.add_row(*cells)
    return table


def _spend_table(title: str, what: str, spends: Sequence[Spend], report: Report) -> PlainTable:
    rows: list[tuple[str, ...]] = []

    def add(name: str, amount: float) -> None:
        rows.append((name, money(amount, report.currency), _share(amount, report)))

    # The long tail is folded into one row; the machine formats list every entry.
    shown = spends if len(spends) <= _TABLE_SPEND_ROWS + 1 else spends[:_TABLE_SPEND_ROWS]
    for spend in shown:
        add(spend.name or _NONE, spend.amount)
    rest = spends[len(shown) :]
    if rest:
        add(f"({len(rest)} more)", math.fsum(s.amount for s in rest))
    columns = (Column(what), Column("spend", numeric=True), Column("share", numeric=True))
    return PlainTable(title, columns, tuple(rows))


def _models_table(models: Sequence[Tokens]) -> PlainTable:
    labels = ("requests", "input tokens", "cached input", "output tokens")
    rows = tuple(
        (
            m.name or _NONE,
            number(m.num_model_requests),
            number(m.input_tokens),
            number(m.input_cached_tokens),
            number(m.output_tokens),
        )
        for m in models
    )
    columns = (Column("model"), *(Column(label, numeric=True) for label in labels))
    return PlainTable("Completions by model", columns, rows)


def _top_table(title: str, what: str, entries: Sequence[Tokens]) -> PlainTable:
    labels = ("tokens", "input", "output", "requests")
    rows = tuple(
        (
            t.name or _NONE,
            number(t.total_tokens),
            number(t.input_tokens),
            number(t.output_tokens),
            number(t.num_model_requests),
        )
        for t in entries
    )
    columns = (Column(what), *(Column(label, numeric=True) for label in labels))
    return PlainTable(title, columns, rows)


def _other_table(report: Report) -> PlainTable:
    rows: list[tuple[str, ...]] = []
    for name, fields in OTHER_METRICS.items():
        for field in fields:
            value = report.other[name][field]
            label = _OTHER_LABELS.get((name, field), field.replace("_", " ").replace("num ", ""))
            shown = number(value)
            if field == "usage_bytes":
                shown = f"{shown} ({human_bytes(value)})"
                if report.vector_stores_as_of:
                    label = f"stored bytes on {when(report.vector_stores_as_of)}"
            rows.append((name.replace("_", " "), label, shown))
    columns = (Column("endpoint"), Column("metric"), Column("total", numeric=True))
    return PlainTable("Other endpoints", columns, tuple(rows))
