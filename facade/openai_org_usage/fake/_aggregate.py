"""Bucketing, filtering and group_by aggregation of one page of results.

Buckets are UTC-aligned ``[b, b + width)``, except the first, which starts at ``start_time``
when that is not on a boundary (a partial first bucket). A bucket is listed when it starts
before ``end_time``; the last bucket keeps its natural end (and its full data) even when
``end_time`` falls inside it, so a bucket's numbers always cover exactly its own
``[start_time, end_time)``. Every bucket in range is listed, with ``results: []`` when empty.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Final

from ._org import CostLine, DimValue, Organization, Stream
from ._query import Query
from ._series import HOUR, Atoms, Series

_GIB: Final = float(1 << 30)


def page_bounds(query: Query) -> tuple[list[tuple[int, int]], int | None]:
    """The buckets of this page and the start of the next page's first bucket (or None)."""
    width = query.width
    bounds: list[tuple[int, int]] = []
    start = query.position
    while len(bounds) < query.limit and start < query.end:
        end = (start // width + 1) * width
        bounds.append((start, end))
        start = end
    return bounds, (start if start < query.end else None)


def _selected(streams: Sequence[Stream], query: Query) -> list[Stream]:
    if not query.filters:
        return list(streams)
    return [
        s
        for s in streams
        if all(s.dims.get(dim) in accepted for dim, accepted in query.filters.items())
    ]


def usage_page(org: Organization, series: Series, query: Query) -> list[str]:
    """JSON of each bucket of this page, with aggregated results, for a usage operation."""
    op = query.op
    metrics = op.metrics
    assert metrics is not None
    bounds, _ = page_bounds(query)
    groups: list[dict[tuple[DimValue, ...], list[Sequence[int]]]] = [{} for _ in bounds]
    fragments: dict[tuple[DimValue, ...], str] = {}
    group_by = query.group_by
    for stream in _selected(org.streams.get(op.name, ()), query):
        key = tuple(stream.dims.get(g) for g in group_by)
        if key not in fragments:
            fragments[key] = op.dims_fragment(dict(zip(group_by, key, strict=True)))
        for slot, atoms in zip(groups, series.buckets(stream, bounds), strict=True):
            if atoms is None:
                continue
            parts = slot.get(key)
            if parts is None:
                slot[key] = [atoms]
            else:
                parts.append(atoms)
    order = sorted(fragments, key=_sort_key)
    template = op.result_template()
    out: list[str] = []
    for (start, end), slot in zip(bounds, groups, strict=True):
        results = ",".join(
            template % metrics(_total(slot[key])) + fragments[key] for key in order if key in slot
        )
        out.append(
            f'{{"object":"bucket","start_time":{start},"end_time":{end},"results":[{results}]}}'
        )
    return out


def _total(parts: list[Sequence[int]]) -> Sequence[int]:
    # Column sums in C (zip/sum) beat adding vectors one by one in Python.
    return parts[0] if len(parts) == 1 else [sum(column) for column in zip(*parts, strict=True)]


def _sort_key(key: tuple[DimValue, ...]) -> tuple[str, ...]:
    # Stable result order within a bucket makes responses byte-for-byte deterministic.
    return tuple("" if v is None else str(v) for v in key)


def _line_key(line: CostLine, group_by: tuple[str, ...]) -> tuple[str | None, ...]:
    # The currency last: amounts in two currencies are two results, never one sum.
    return (*(getattr(line, g) for g in group_by), line.currency)


def costs_page(org: Organization, series: Series, query: Query) -> list[str]:
    """JSON of each bucket of this page, with costs computed from usage x the price list.

    Amounts are summed per group in one fixed order (the price list's line order), so the sum
    over line items equals the ungrouped total up to float rounding.
    """
    bounds, _ = page_bounds(query)
    hours = [series.covered_seconds(start, end) / HOUR for start, end in bounds]
    per_stream: dict[Stream, list[Atoms | None]] = {}
    group_by = query.group_by
    by_line = "line_item" in group_by
    slots: list[dict[tuple[str | None, ...], list[float]]] = [{} for _ in bounds]
    fragments: dict[tuple[str | None, ...], str] = {}
    filters = query.filters
    for line in org.cost_lines:
        if filters and not all(getattr(line, dim) in accepted for dim, accepted in filters.items()):
            continue
        stream = line.stream
        cached = per_stream.get(stream)
        if cached is None:
            cached = per_stream[stream] = series.buckets(stream, bounds)
        key = _line_key(line, group_by)
        if key not in fragments:
            fragments[key] = _costs_fragment(line, group_by, by_line)
        indices, price, gauge = line.atoms, line.unit_price, line.stream.gauge
        single = indices[0] if len(indices) == 1 else -1
        for slot, atoms, bucket_hours in zip(slots, cached, hours, strict=True):
            if atoms is None:
                continue
            quantity: float
            if gauge:
                quantity = atoms[0] / _GIB * bucket_hours
            elif single >= 0:
                quantity = atoms[single]
            else:
                quantity = sum([atoms[i] for i in indices])
            if not quantity:
                continue
            acc = slot.get(key)
            if acc is None:
                slot[key] = [quantity * price, quantity]
            else:
                acc[0] += quantity * price
                acc[1] += quantity
    order = sorted(fragments, key=_sort_key)
    head = '{"object":"organization.costs.result","amount":{"value":%r,"currency":%s}'
    currency = {key: json.dumps(key[-1]) for key in order}
    out: list[str] = []
    for (start, end), slot in zip(bounds, slots, strict=True):
        results = ",".join(
            head % (slot[key][0], currency[key])
            + (fragments[key] % slot[key][1] if by_line else fragments[key])
            for key in order
            if key in slot
        )
        out.append(
            f'{{"object":"bucket","start_time":{start},"end_time":{end},"results":[{results}]}}'
        )
    return out


def _costs_fragment(line: CostLine, group_by: tuple[str, ...], by_line: bool) -> str:
    """JSON after ``amount``; with line items it keeps a ``%r`` slot for the quantity.

    The documented example's fields first, then the ones only the newer SDK has.
    """

    def dims(*names: str) -> str:
        text = "".join(
            f',"{name}":{json.dumps(getattr(line, name) if name in group_by else None)}'
            for name in names
        )
        # Only the line-item fragment is a %-template (its quantity slot).
        return text.replace("%", "%%") if by_line else text

    if by_line:
        unit = json.dumps(line.quantity_unit).replace("%", "%%")
        quantity = f',"quantity":%r,"quantity_unit":{unit}'
    else:
        quantity = ',"quantity":null,"quantity_unit":null'
    return (
        dims("line_item", "project_id", "api_key_id")
        + quantity
        + dims("user_id", "api_source")
        + "}"
    )
