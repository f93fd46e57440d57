"""Rich tables that fit the terminal: numbers whole, text shortened, stacked or listed.

Names and messages are data nobody vouches for. Every text a table shows (cells, headers,
titles, captions) passes :func:`_shown.shown` on its way in, so control characters are
seen escaped, never obeyed, and a row stays one line; a cell given as ``str`` is rich
markup, so callers ``escape()`` the text they did not write.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import re
from collections.abc import Iterator, Sequence
from typing import TextIO, TypeVar

import attrs
from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderResult
from rich.table import Table
from rich.text import Text

from . import _shown
from ._formatting import SYNTHETIC

__all__ = [
    "ELLIPSIS",
    "UNLIMITED_WIDTH",
    "FitTable",
    "console_for",
    "is_value",
    "new_table",
    "phrase_lines",
    "rest_label",
    "rest_note",
    "shorten_middle",
    "terminal_width",
    "titled",
    "top_and_rest",
]

_T = TypeVar("_T")


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


def titled(text: str, demo: bool) -> str:
    """A table title (rich markup), tagged "synthetic demo data" in demo mode."""
    return f"{text} [bold yellow]- {SYNTHETIC}[/]" if demo else text


def new_table(title: str | None = None, caption: str | None = None) -> FitTable:
    """An empty table in the command's style, that fits any width without hiding a number."""
    return FitTable(title=title, caption=caption)


def top_and_rest(entries: Sequence[_T], top: int) -> tuple[Sequence[_T], Sequence[_T]]:
    """The first ``top`` entries, and the rest, which a table for people sums into one row.

    All of them when at most one would be left out: a "rest" row for one entry says less
    than the entry itself. The machine formats never summarise: they list every entry.
    """
    if len(entries) <= top + 1:
        return entries, entries[len(entries) :]
    return entries[:top], entries[top:]


def rest_label(count: int) -> str:
    """The first cell of the row that sums the entries left out: ``(1,990 more)``."""
    return f"({count:,} more)"


def rest_note(count: int, what: str, see_all: str) -> str:
    """The note under a table that left ``count`` entries out (their sum is its last row).

    Args:
        count: How many entries the last row sums.
        what: What they are, plural (``users``, ``line items``).
        see_all: How to see every one (``--top 2000 lists them all``).
    """
    return f"{count:,} more {what} summed in the last row; {see_all}"


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
        # Empty when every column is text: the keys are the whole table, which did not fit.
        if sections:
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
